namespace Orchestrator.Core;

/// <summary>What the order manager asks of the broker gateway.</summary>
public enum OrderCommandKind : byte
{
    None = 0,
    SubmitOrder,
    CancelOrder,
}

/// <summary>
/// The outbound ring's slot: an order (or cancel) handed from the order manager to the broker
/// gateway, which answers with execution reports published into the inbound ring.
/// </summary>
public struct OrderCommand
{
    public OrderCommandKind Kind;
    public long ClientOrderId;
    public int SymbolId;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce TimeInForce;
    public long Quantity;
    public long LimitPriceRaw;
    public long StopPriceRaw;
    public IntentOrigin Origin;

    /// <summary>Event time of the input that caused it.</summary>
    public long TsEventNs;

    /// <summary>Stopwatch timestamp at which that input was published (latency measurement only).</summary>
    public long CausePublishTimestamp;

    /// <summary>Stopwatch timestamp at which the order manager handed the order to the gateway (latency measurement only).</summary>
    public long HandoffTimestamp;
}
