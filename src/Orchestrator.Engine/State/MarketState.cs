using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// Per-symbol market state in pre-sized arrays indexed by symbol id: last trade, best bid and
/// ask, cumulative volume, time of the last update, and the day's reference (first) price — the day being the
/// symbol's exchange's trading day when the engine has calendars (<see cref="StartDay"/>).
/// </summary>
/// <remarks>Written by the signal engine's thread; other stages read it (same thread, or later in the pipeline).</remarks>
public sealed class MarketState
{
    private readonly long[] _lastRaw;
    private readonly long[] _bidRaw;
    private readonly long[] _askRaw;
    private readonly long[] _volume;
    private readonly long[] _lastTsNs;
    private readonly long[] _referenceRaw;

    public MarketState(int symbolCount)
    {
        SymbolCount = symbolCount;
        _lastRaw = new long[symbolCount];
        _bidRaw = new long[symbolCount];
        _askRaw = new long[symbolCount];
        _volume = new long[symbolCount];
        _lastTsNs = new long[symbolCount];
        _referenceRaw = new long[symbolCount];
    }

    public int SymbolCount { get; }

    /// <summary>Last trade price (raw); 0 until the first trade or bar.</summary>
    public long LastRaw(int symbolId) => Volatile.Read(ref _lastRaw[symbolId]);

    public long BidRaw(int symbolId) => _bidRaw[symbolId];

    public long AskRaw(int symbolId) => _askRaw[symbolId];

    public long Volume(int symbolId) => _volume[symbolId];

    public long LastTsNs(int symbolId) => _lastTsNs[symbolId];

    /// <summary>The day's first trade price, the price collar's reference; 0 until seen.</summary>
    public long ReferenceRaw(int symbolId) => _referenceRaw[symbolId];

    public void OnTrade(int symbolId, long priceRaw, long size, long tsNs)
    {
        // Release write: a snapshot reader on another thread sees a whole, current price.
        Volatile.Write(ref _lastRaw[symbolId], priceRaw);
        _volume[symbolId] += size;
        _lastTsNs[symbolId] = tsNs;
        if (_referenceRaw[symbolId] == 0)
        {
            _referenceRaw[symbolId] = priceRaw;
        }
    }

    public void OnQuote(int symbolId, long bidRaw, long askRaw, long tsNs)
    {
        if (bidRaw > 0)
        {
            _bidRaw[symbolId] = bidRaw;
        }

        if (askRaw > 0)
        {
            _askRaw[symbolId] = askRaw;
        }

        _lastTsNs[symbolId] = tsNs;
    }

    /// <summary>
    /// A new trading day of one day slot (an exchange's local day with calendars, else the UTC day; see
    /// <see cref="TradingDays"/>): the next trade of each of that slot's symbols becomes its reference. Other
    /// exchanges' symbols keep theirs. No allocation.
    /// </summary>
    public void StartDay(TradingDays days, int slot)
    {
        ArgumentNullException.ThrowIfNull(days);
        for (int symbolId = 0; symbolId < _referenceRaw.Length; symbolId++)
        {
            if (days.SlotOf(symbolId) == slot)
            {
                _referenceRaw[symbolId] = 0;
            }
        }
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64s(_lastRaw);
        w.Int64s(_bidRaw);
        w.Int64s(_askRaw);
        w.Int64s(_volume);
        w.Int64s(_lastTsNs);
        w.Int64s(_referenceRaw);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int64s(_lastRaw);
        r.Int64s(_bidRaw);
        r.Int64s(_askRaw);
        r.Int64s(_volume);
        r.Int64s(_lastTsNs);
        r.Int64s(_referenceRaw);
    }
}
