namespace Orchestrator.Core.Calendars;

/// <summary>
/// Where the bar of a length holding an event starts and ends (issue 20, multiple timeframes); one rule for the
/// engine's bars (strategies, the rules' timeframe) and the agents' bars.
/// <list type="bullet">
/// <item>Without an exchange calendar (the engine runs on UTC days, or the moment is outside the calendar's
/// years): aligned to multiples of the length since the Unix epoch (a 1d bar is the UTC day).</item>
/// <item>With the symbol's calendar, a 1d bar is the exchange's local day, midnight to midnight in its zone
/// (one session with its pre- and post-market; the day risk's daily counters roll at), daylight saving included.
/// A bar shorter than a day is anchored at the regular open (a NYSE 1h bar runs 09:30–10:30, …, 15:30–16:00)
/// and never crosses the open or the close: the last bar of a session ends at the close (13:00 on a half day),
/// pre- and post-market bars are bars of their own. On a day without a session the local day's clock is the anchor.
/// Multi-day lengths (2d, …) stay aligned to the epoch in UTC.</item>
/// </list>
/// </summary>
/// <remarks>An array look-up in the calendar's years, no allocation; called once per bar opened, not per event.</remarks>
public static class SessionBars
{
    private const long NsPerDay = 86_400_000_000_000;

    /// <param name="lengthNs">The bar length, ns (positive).</param>
    /// <param name="calendar">The symbol's exchange calendar; null = epoch-aligned (UTC).</param>
    /// <param name="tsNs">The event's time, ns since the Unix epoch.</param>
    /// <param name="startNs">Start of its bar.</param>
    /// <param name="endNs">End of its bar (exclusive).</param>
    public static void Bounds(long lengthNs, ExchangeCalendar? calendar, long tsNs, out long startNs, out long endNs)
    {
        if (calendar is null || lengthNs > NsPerDay || !calendar.Covers(tsNs))
        {
            startNs = tsNs - FloorMod(tsNs, lengthNs);
            endNs = startNs + lengthNs;
            return;
        }

        calendar.LocalDayNs(tsNs, out long dayStart, out long dayEnd);
        if (lengthNs == NsPerDay)
        {
            (startNs, endNs) = (dayStart, dayEnd);
            return;
        }

        if (!calendar.TryGetSession(calendar.LocalDate(tsNs), out long open, out long close))
        {
            (open, close) = (dayStart, dayStart); // no session: one segment, the local day, on its clock
        }

        (long segmentStart, long segmentEnd) = tsNs < open ? (dayStart, open) : tsNs < close ? (open, close) : (close, dayEnd);
        long anchored = tsNs - FloorMod(tsNs - open, lengthNs);
        startNs = Math.Max(anchored, segmentStart);
        endNs = Math.Min(anchored + lengthNs, segmentEnd);
    }

    private static long FloorMod(long value, long length) => ((value % length) + length) % length;
}
