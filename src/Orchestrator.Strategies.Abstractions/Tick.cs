using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// One market-data input for a symbol the strategy trades, as the engine saw it: a trade tick, a
/// quote tick, or a bar the feed delivered whole (<see cref="Kind"/>). Prices are fixed-point raw
/// units (<see cref="FixedPoint.Scale"/> per whole unit); 0 = not given.
/// </summary>
public readonly struct Tick
{
    public Tick(EventKind kind, int symbolId, long tsEventNs, long priceRaw, long size, long bidRaw, long askRaw, long openRaw, long highRaw, long lowRaw)
    {
        Kind = kind;
        SymbolId = symbolId;
        TsEventNs = tsEventNs;
        PriceRaw = priceRaw;
        Size = size;
        BidRaw = bidRaw;
        AskRaw = askRaw;
        OpenRaw = openRaw;
        HighRaw = highRaw;
        LowRaw = lowRaw;
    }

    /// <summary><see cref="EventKind.TradeTick"/>, <see cref="EventKind.QuoteTick"/> or <see cref="EventKind.Bar"/> (a feed bar).</summary>
    public EventKind Kind { get; }

    /// <summary>The engine's symbol id (<see cref="IStrategyContext.SymbolId"/> maps names to ids).</summary>
    public int SymbolId { get; }

    /// <summary>Event time, ns since the Unix epoch: the engine's only clock.</summary>
    public long TsEventNs { get; }

    /// <summary>Trade price or bar close (for a quote: the mid, or 0).</summary>
    public long PriceRaw { get; }

    /// <summary>Trade size or bar volume.</summary>
    public long Size { get; }

    public long BidRaw { get; }

    public long AskRaw { get; }

    /// <summary>Bar open (feed bars only).</summary>
    public long OpenRaw { get; }

    /// <summary>Bar high (feed bars only).</summary>
    public long HighRaw { get; }

    /// <summary>Bar low (feed bars only).</summary>
    public long LowRaw { get; }

    /// <summary>Whether the input carries a trade price (a trade tick or a feed bar).</summary>
    public bool HasTrade => Kind != EventKind.QuoteTick && PriceRaw > 0;
}
