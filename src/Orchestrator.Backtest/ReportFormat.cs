using System.Globalization;

namespace Orchestrator.Backtest;

/// <summary>
/// The one text form of each kind of value in the report and the CSV, so the same figures always
/// give the same bytes: invariant culture, no exponent for money, ISO-8601 UTC times.
/// </summary>
internal static class ReportFormat
{
    private const long NsPerSecond = 1_000_000_000;

    /// <summary>A decimal in plain notation, trailing zeros trimmed ("1234.5", "-0.000001", "0").</summary>
    public static string Decimal(decimal value) =>
        value == 0m ? "0" : value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>A double rounded to 10 significant digits (negative zero made 0); null when not finite.</summary>
    public static double? Round(double value)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        double rounded = double.Parse(value.ToString("G10", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return rounded == 0 ? 0 : rounded;
    }

    /// <summary>A double rounded to 10 significant digits, in its shortest round-trip text; empty when not finite.</summary>
    public static string Double(double value) =>
        Round(value) is { } rounded ? rounded.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    /// <summary>
    /// ns since the Unix epoch as ISO-8601 UTC: <c>2024-01-02T14:30:00Z</c>, with a fraction of up
    /// to nine digits (trailing zeros trimmed) when the time is not a whole second.
    /// </summary>
    public static string Timestamp(long tsNs)
    {
        long seconds = Math.DivRem(tsNs, NsPerSecond, out long fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += NsPerSecond;
        }

        string whole = DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return fraction == 0
            ? whole + "Z"
            : whole + "." + fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }

    /// <summary>ns since the Unix epoch as a UTC <see cref="DateTime"/> (100 ns resolution).</summary>
    public static DateTime ToDateTime(long tsNs) => DateTime.UnixEpoch.AddTicks(tsNs / 100);
}
