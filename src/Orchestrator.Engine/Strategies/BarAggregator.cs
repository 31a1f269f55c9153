using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>
/// One strategy's bars on event time: per (symbol, timeframe) the open bar's OHLCV in pre-sized
/// arrays. A trade tick or feed bar of the symbol first closes every open bar it is past (returned
/// through <see cref="TryClose"/>), then is added to the bars it falls into. Quotes do not make bars.
/// </summary>
/// <remarks>Called on the host's thread only; allocation-free after construction.</remarks>
internal sealed class BarAggregator
{
    private readonly Timeframe[] _timeframes;
    private readonly int _count;
    private readonly long[] _startNs;
    private readonly long[] _open;
    private readonly long[] _high;
    private readonly long[] _low;
    private readonly long[] _close;
    private readonly long[] _volume;

    public BarAggregator(int symbolCount, IReadOnlyList<Timeframe> timeframes)
    {
        var sorted = new List<Timeframe>(timeframes.Distinct());
        sorted.Sort(static (a, b) => a.DurationNs.CompareTo(b.DurationNs)); // shortest first: the order OnBar promises
        _timeframes = [.. sorted];
        _count = _timeframes.Length;
        int cells = symbolCount * _count;
        _startNs = new long[cells];
        Array.Fill(_startNs, long.MinValue); // no open bar
        _open = new long[cells];
        _high = new long[cells];
        _low = new long[cells];
        _close = new long[cells];
        _volume = new long[cells];
    }

    /// <summary>How many timeframes (0 = the strategy wants no bars).</summary>
    public int TimeframeCount => _count;

    /// <summary>
    /// The bar of <paramref name="symbolId"/> and timeframe number <paramref name="index"/> if the
    /// input at <paramref name="tsEventNs"/> closes it (it starts a later bar); the cell is then empty.
    /// </summary>
    public bool TryClose(int symbolId, int index, long tsEventNs, out Bar bar)
    {
        int cell = (symbolId * _count) + index;
        long start = _startNs[cell];
        Timeframe timeframe = _timeframes[index];
        if (start == long.MinValue || tsEventNs < start + timeframe.DurationNs)
        {
            bar = default;
            return false;
        }

        bar = new Bar(symbolId, timeframe, start, _open[cell], _high[cell], _low[cell], _close[cell], _volume[cell]);
        _startNs[cell] = long.MinValue;
        return true;
    }

    /// <summary>Adds a trade (or a feed bar's OHLCV) to every timeframe's open bar of the symbol.</summary>
    public void Add(in EngineEvent e)
    {
        bool isBar = e.Kind == EventKind.Bar;
        long open = isBar && e.OpenRaw > 0 ? e.OpenRaw : e.PriceRaw;
        long high = isBar && e.HighRaw > 0 ? e.HighRaw : e.PriceRaw;
        long low = isBar && e.LowRaw > 0 ? e.LowRaw : e.PriceRaw;
        for (int i = 0; i < _count; i++)
        {
            int cell = (e.SymbolId * _count) + i;
            if (_startNs[cell] == long.MinValue)
            {
                _startNs[cell] = _timeframes[i].BarStartNs(e.TsEventNs);
                _open[cell] = open;
                _high[cell] = high;
                _low[cell] = low;
                _volume[cell] = 0;
            }
            else
            {
                _high[cell] = Math.Max(_high[cell], high);
                _low[cell] = Math.Min(_low[cell], low);
            }

            _close[cell] = e.PriceRaw;
            _volume[cell] += e.Size;
        }
    }
}
