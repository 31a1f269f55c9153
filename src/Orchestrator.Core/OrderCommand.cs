namespace Orchestrator.Core;

/// <summary>What the order manager asks of the broker gateway.</summary>
public enum OrderCommandKind : byte
{
    None = 0,
    SubmitOrder,
    CancelOrder,

    /// <summary>
    /// Change an open order in place (issue 19): <see cref="OrderCommand.ClientOrderId"/> is the order,
    /// <see cref="OrderCommand.Quantity"/> its new total quantity, the prices its new prices. Answered by
    /// <see cref="ExecutionType.Replaced"/> or <see cref="ExecutionType.AmendRejected"/>.
    /// </summary>
    AmendOrder,
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

    /// <summary>The order's part in a group (bracket/OCO legs); None for a plain order.</summary>
    public OrderGroupRole GroupRole;

    /// <summary>The group: the entry's client order id (0 = none). Exits of one group cancel each other.</summary>
    public long GroupId;

    /// <summary>
    /// Exits attached to an entry for a venue that holds them natively (<see cref="VenueCapabilities.NativeBracket"/>);
    /// default when the engine emulates them.
    /// </summary>
    public ProtectiveExits Exits;

    /// <summary>Trail of a <see cref="OrderType.TrailingStop"/> order: a price amount, or millionths of the price.</summary>
    public long TrailRaw;
    public int TrailPpm;

    /// <summary>Event time of the input that caused it.</summary>
    public long TsEventNs;

    /// <summary>Stopwatch timestamp at which that input was published (latency measurement only).</summary>
    public long CausePublishTimestamp;

    /// <summary>Stopwatch timestamp at which the order manager handed the order to the gateway (latency measurement only).</summary>
    public long HandoffTimestamp;
}
