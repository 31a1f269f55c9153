using System.Globalization;

namespace Orchestrator.Daemon.Hosting;

/// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, or a TimeSpan (<c>00:01:30</c>).</summary>
public static class DurationParser
{
    private static readonly (string Suffix, double Seconds)[] s_units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    /// <param name="text">The text to parse.</param>
    /// <param name="duration">The parsed duration.</param>
    /// <param name="error">Why it could not be parsed.</param>
    /// <param name="allowZero">Accept a zero duration (e.g. "0s" to switch a window off).</param>
    /// <param name="bareNumberIsSeconds">Accept a plain number as seconds (configuration files).</param>
    public static bool TryParse(string? text, out TimeSpan duration, out string? error, bool allowZero = false, bool bareNumberIsSeconds = false)
    {
        duration = default;
        error = null;
        string value = (text ?? string.Empty).Trim().ToLowerInvariant();
        IEnumerable<(string Suffix, double Seconds)> units = bareNumberIsSeconds ? [.. s_units, (string.Empty, 1)] : s_units;
        foreach ((string suffix, double factor) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                if (double.IsNaN(number) || number < 0 || (number == 0 && !allowZero) || number * factor > 1e9)
                {
                    error = allowZero ? $"must be 0 or more, got '{text}'" : $"must be positive, got '{text}'";
                    return false;
                }

                duration = TimeSpan.FromSeconds(number * factor);
                return true;
            }
        }

        if (value.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && (duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero)))
        {
            return true;
        }

        error = $"expected a duration such as 30s, 5m, 2h or 00:01:30, got '{text}'";
        return false;
    }
}
