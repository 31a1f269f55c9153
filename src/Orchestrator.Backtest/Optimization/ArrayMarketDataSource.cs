using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Optimization;

/// <summary>
/// Replays ticks held in memory (sorted by time), from the first at or after <c>fromNs</c> to the
/// last before <c>toNs</c>. The array is only read, so any number of sources on any threads may
/// share one: a sweep loads its data once and gives each candidate its own source.
/// </summary>
public sealed class ArrayMarketDataSource : IMarketDataSource
{
    private readonly MarketTick[] _ticks;
    private readonly long _toNs;
    private int _next;

    public ArrayMarketDataSource(MarketTick[] ticks, long fromNs = long.MinValue, long toNs = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        _ticks = ticks;
        _toNs = toNs;
        _next = FirstAtOrAfter(ticks, fromNs);
    }

    /// <inheritdoc/>
    public bool TryGetNext(out MarketTick tick)
    {
        if ((uint)_next < (uint)_ticks.Length && _ticks[_next].TsEventNs < _toNs)
        {
            tick = _ticks[_next++];
            return true;
        }

        tick = default;
        return false;
    }

    /// <summary>Index of the first tick at or after <paramref name="tsNs"/> (binary search; the ticks are sorted).</summary>
    public static int FirstAtOrAfter(MarketTick[] ticks, long tsNs)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        int lo = 0, hi = ticks.Length;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (ticks[mid].TsEventNs < tsNs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
