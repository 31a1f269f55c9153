namespace Orchestrator.Adapters.Paper;

/// <summary>
/// When the paper venue's trading day ends on replayed data: at each change of UTC day, once the
/// data has shown itself intraday (two distinct event times less than a day apart). With daily or
/// coarser data there is no end of day: an order made from a daily bar's close is for the next
/// session and fills at the next bar's open. The backtest and the daemon's lock-step file replay
/// use this one rule, so both expire the same Day orders at the same moment
/// (<see cref="PaperExchange.EndOfDay"/>).
/// </summary>
/// <remarks>Called on the one thread that feeds market data, in event-time order; allocates nothing.</remarks>
public struct TradingDayBoundary
{
    private const long NsPerDay = 86_400_000_000_000;

    private long _lastTs;
    private long _currentDay;
    private long _minGapNs;
    private bool _started;

    /// <summary>
    /// Takes the next market event's time. True when a trading day ended before it:
    /// <paramref name="endOfDayTsNs"/> is then the previous event's time (what the expiries carry).
    /// </summary>
    public bool Advance(long tsNs, out long endOfDayTsNs)
    {
        endOfDayTsNs = 0;
        if (!_started)
        {
            _started = true;
            _lastTs = tsNs;
            _currentDay = Day(tsNs);
            _minGapNs = long.MaxValue;
            return false;
        }

        if (tsNs == _lastTs)
        {
            return false;
        }

        _minGapNs = Math.Min(_minGapNs, tsNs - _lastTs);
        long day = Day(tsNs);
        bool ended = day != _currentDay && _minGapNs < NsPerDay;
        if (ended)
        {
            endOfDayTsNs = _lastTs;
        }

        _currentDay = day;
        _lastTs = tsNs;
        return ended;
    }

    private static long Day(long tsNs) => Math.DivRem(tsNs, NsPerDay, out long rem) - (rem < 0 ? 1 : 0);
}
