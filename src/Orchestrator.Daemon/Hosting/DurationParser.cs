using System.Globalization;

namespace Orchestrator.Daemon.Hosting;

/// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, or a TimeSpan (<c>00:01:30</c>).</summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = default;
        error = null;
        string value = (text ?? string.Empty).Trim().ToLowerInvariant();
        (string Suffix, double Factor)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach ((string suffix, double factor) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                if (number <= 0 || double.IsNaN(number) || number * factor > TimeSpan.MaxValue.TotalSeconds)
                {
                    error = $"must be positive, got '{text}'";
                    return false;
                }

                duration = TimeSpan.FromSeconds(number * factor);
                return true;
            }
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero)
        {
            return true;
        }

        error = $"expected a duration such as 30s, 5m, 2h or 00:01:30, got '{text}'";
        return false;
    }
}
