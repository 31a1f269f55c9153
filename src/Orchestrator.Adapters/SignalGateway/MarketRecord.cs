namespace Orchestrator.Adapters.SignalGateway;

/// <summary>What a <see cref="MarketRecord"/> holds.</summary>
internal enum MarketRecordKind : byte
{
    Tick = 1,
    Bar,
}

/// <summary>
/// One market-data event in the <see cref="MarketDataRing"/>: a trade tick (with the last known
/// quote) or a closed bar. <see cref="Sequence"/> is the per-slot sequence number that tells a
/// reader whether the slot still holds the event it expects (see the ring).
/// </summary>
internal struct MarketRecord
{
    /// <summary>The event's number in the ring (-1 while the writer rewrites the slot).</summary>
    public long Sequence;

    public MarketRecordKind Kind;

    /// <summary>Bars: index into <see cref="BarTimeframes"/>.</summary>
    public byte Timeframe;

    public int SymbolId;

    /// <summary>Event time, ns since the Unix epoch (bars: their start).</summary>
    public long TsNs;

    /// <summary>Trade price, or bar close.</summary>
    public long PriceRaw;

    /// <summary>Trade size, or bar volume.</summary>
    public long Size;

    /// <summary>Last known bid/ask (0 = unknown); ticks only.</summary>
    public long BidRaw;

    public long AskRaw;

    public long OpenRaw;
    public long HighRaw;
    public long LowRaw;
}
