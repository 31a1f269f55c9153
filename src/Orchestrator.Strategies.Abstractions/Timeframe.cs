using System.Globalization;

namespace Orchestrator.Strategies;

/// <summary>
/// A bar length on event time, e.g. <c>1m</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>. Without exchange calendars bars
/// are aligned to multiples of the length since the Unix epoch (a 5m bar starts at :00, :05, …; a 1d bar at
/// 00:00 UTC: <see cref="BarStartNs"/>). When the engine runs on exchange calendars (<c>calendars: exchange</c>)
/// a 1d bar is the exchange's local day and a shorter bar is anchored at the regular open and cut at the open and
/// the close (a NYSE 1h bar runs 09:30–10:30 New York time, the last one 15:30–16:00, or to 13:00 on a half day).
/// </summary>
public readonly record struct Timeframe
{
    private const long NsPerSecond = 1_000_000_000;

    /// <param name="durationNs">The length in nanoseconds: whole seconds, at least one.</param>
    public Timeframe(long durationNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(durationNs, NsPerSecond);
        if (durationNs % NsPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(durationNs), durationNs, "A timeframe is a whole number of seconds.");
        }

        DurationNs = durationNs;
    }

    public static Timeframe OneMinute { get; } = new(60 * NsPerSecond);

    public static Timeframe FiveMinutes { get; } = new(5 * 60 * NsPerSecond);

    public static Timeframe FifteenMinutes { get; } = new(15 * 60 * NsPerSecond);

    public static Timeframe OneHour { get; } = new(3600 * NsPerSecond);

    public static Timeframe OneDay { get; } = new(86_400 * NsPerSecond);

    /// <summary>The bar length in nanoseconds.</summary>
    public long DurationNs { get; }

    /// <summary>Start of the bar holding <paramref name="eventTimeNs"/>.</summary>
    public long BarStartNs(long eventTimeNs) => eventTimeNs - (((eventTimeNs % DurationNs) + DurationNs) % DurationNs);

    /// <summary>
    /// Parses <c>&lt;n&gt;s</c>, <c>&lt;n&gt;m</c>, <c>&lt;n&gt;h</c> or <c>&lt;n&gt;d</c> (n ≥ 1; seconds at least 1).
    /// </summary>
    public static bool TryParse(string? text, out Timeframe timeframe)
    {
        timeframe = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        long unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => NsPerSecond,
            'm' => 60 * NsPerSecond,
            'h' => 3600 * NsPerSecond,
            'd' => 86_400 * NsPerSecond,
            _ => 0,
        };
        if (unit == 0 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count < 1 || count > 366L * 86_400 * NsPerSecond / unit)
        {
            return false;
        }

        timeframe = new Timeframe(count * unit);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/>; throws <see cref="FormatException"/> naming the text otherwise.</summary>
    public static Timeframe Parse(string text) =>
        TryParse(text, out Timeframe timeframe) ? timeframe : throw new FormatException($"'{text}' is not a timeframe: use <n>s, <n>m, <n>h or <n>d (e.g. 1m, 5m, 1h).");

    /// <summary>The shortest text that <see cref="Parse"/> reads back: <c>1m</c>, <c>90s</c>, <c>1h</c>, <c>1d</c>.</summary>
    public override string ToString()
    {
        long ns = DurationNs;
        (long unit, string suffix) = ns % (86_400 * NsPerSecond) == 0 ? (86_400 * NsPerSecond, "d")
            : ns % (3600 * NsPerSecond) == 0 ? (3600 * NsPerSecond, "h")
            : ns % (60 * NsPerSecond) == 0 ? (60 * NsPerSecond, "m")
            : (NsPerSecond, "s");
        return (ns / unit).ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
