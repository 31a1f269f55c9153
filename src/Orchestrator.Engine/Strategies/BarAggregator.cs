using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>
/// One strategy's bars on event time: per (symbol, timeframe) the open bar's OHLCV in pre-sized
/// arrays. A trade tick or feed bar of the symbol first closes every open bar it is past (returned
/// through <see cref="TryClose"/>), then is added to the bars it falls into. Quotes do not make bars.
/// A feed bar (e.g. a 1-minute bar of a backtest file) adds its open, high, low, close and volume.
/// Where a bar starts and ends is <see cref="BarBounds"/>: with a symbol's exchange calendar, daily bars
/// are the exchange's day and shorter ones follow its session.
/// </summary>
/// <remarks>Called on the host's thread only; allocation-free after construction.</remarks>
internal sealed class BarAggregator
{
    private readonly Timeframe[] _timeframes;
    private readonly int _count;
    private readonly ExchangeCalendar?[] _calendars; // per symbol id; null = epoch-aligned (UTC)
    private readonly long[] _startNs;
    private readonly long[] _endNs;
    private readonly long[] _open;
    private readonly long[] _high;
    private readonly long[] _low;
    private readonly long[] _close;
    private readonly long[] _volume;

    /// <param name="symbolCount">How many symbol ids there are.</param>
    /// <param name="timeframes">The bar lengths wanted (duplicates ignored).</param>
    /// <param name="calendars">Each symbol id's exchange calendar (the engine's, when it runs on exchange calendars); null = UTC.</param>
    public BarAggregator(int symbolCount, IReadOnlyList<Timeframe> timeframes, ExchangeCalendar?[]? calendars = null)
    {
        _calendars = new ExchangeCalendar?[symbolCount];
        if (calendars is not null)
        {
            Array.Copy(calendars, _calendars, Math.Min(symbolCount, calendars.Length));
        }

        var sorted = new List<Timeframe>(timeframes.Distinct());
        sorted.Sort(static (a, b) => a.DurationNs.CompareTo(b.DurationNs)); // shortest first: the order OnBar promises
        _timeframes = [.. sorted];
        _count = _timeframes.Length;
        int cells = symbolCount * _count;
        _startNs = new long[cells];
        Array.Fill(_startNs, long.MinValue); // no open bar
        _endNs = new long[cells];
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
        if (start == long.MinValue || tsEventNs < _endNs[cell])
        {
            bar = default;
            return false;
        }

        bar = new Bar(symbolId, timeframe, start, _open[cell], _high[cell], _low[cell], _close[cell], _volume[cell], _endNs[cell]);
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
                BarBounds.Of(_timeframes[i], _calendars[e.SymbolId], e.TsEventNs, out _startNs[cell], out _endNs[cell]);
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

    /// <summary>Writes the open bars (a checkpoint of the rules' bars).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64s(_startNs);
        w.Int64s(_endNs);
        w.Int64s(_open);
        w.Int64s(_high);
        w.Int64s(_low);
        w.Int64s(_close);
        w.Int64s(_volume);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int64s(_startNs);
        r.Int64s(_endNs);
        r.Int64s(_open);
        r.Int64s(_high);
        r.Int64s(_low);
        r.Int64s(_close);
        r.Int64s(_volume);
    }
}
