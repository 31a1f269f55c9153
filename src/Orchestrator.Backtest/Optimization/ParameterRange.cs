using System.Globalization;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// One swept parameter and its values, from <c>--param NAME=SPEC</c>: <c>fast=5..20:5</c> (from, to
/// inclusive, step: 5, 10, 15, 20), <c>oversold=20,25,30</c> (a list) or <c>period=14</c> (one value).
/// Values are decimals, exact: <c>0.1..0.3:0.1</c> is 0.1, 0.2, 0.3.
/// </summary>
/// <param name="Name">The parameter's name as given (lower case).</param>
/// <param name="Spec">The text after <c>=</c>, as given (part of the sweep's identity).</param>
/// <param name="Values">The values, in the order swept.</param>
public sealed record ParameterRange(string Name, string Spec, IReadOnlyList<decimal> Values)
{
    /// <summary>Most values one parameter may take (a typo such as <c>1..1000000:1</c> is refused, not run).</summary>
    public const int MaxValues = 10_000;

    /// <summary>Parses <c>NAME=SPEC</c>; null and a reason naming the text when it is not one.</summary>
    public static ParameterRange? TryParse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals > 0 ? text[..equals].Trim().ToLowerInvariant() : string.Empty;
        string spec = equals > 0 ? text[(equals + 1)..].Trim() : string.Empty;
        if (name.Length == 0 || spec.Length == 0)
        {
            problem = $"'{text}' is not NAME=FROM..TO:STEP, NAME=A,B,C or NAME=VALUE";
            return null;
        }

        var values = new List<decimal>();
        int dots = spec.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            int colon = spec.IndexOf(':', dots);
            string to = colon >= 0 ? spec[(dots + 2)..colon] : spec[(dots + 2)..];
            string step = colon >= 0 ? spec[(colon + 1)..] : "1";
            if (!TryNumber(spec[..dots], out decimal a) || !TryNumber(to, out decimal b) || !TryNumber(step, out decimal s))
            {
                problem = $"{name}: '{spec}' is not FROM..TO:STEP with numbers";
                return null;
            }

            if (s <= 0 || a > b)
            {
                problem = $"{name}: '{spec}' needs FROM <= TO and a step above 0";
                return null;
            }

            if ((b - a) / s >= MaxValues)
            {
                problem = $"{name}: '{spec}' gives more than {MaxValues} values";
                return null;
            }

            for (decimal v = a; v <= b; v += s)
            {
                values.Add(v);
            }
        }
        else
        {
            foreach (string item in spec.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!TryNumber(item, out decimal v))
                {
                    problem = $"{name}: '{item}' is not a number";
                    return null;
                }

                if (values.Contains(v))
                {
                    problem = $"{name}: {item} is listed twice";
                    return null;
                }

                values.Add(v);
            }
        }

        return new ParameterRange(name, spec, values);
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
