using Orchestrator.Core.Calendars;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>Where the bar of a timeframe holding an event starts and ends: <see cref="SessionBars.Bounds"/>.</summary>
internal static class BarBounds
{
    public static void Of(Timeframe timeframe, ExchangeCalendar? calendar, long tsNs, out long startNs, out long endNs) =>
        SessionBars.Bounds(timeframe.DurationNs, calendar, tsNs, out startNs, out endNs);
}
