using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>What an <see cref="AgentEvent"/> tells its agent.</summary>
internal enum AgentEventKind : byte
{
    Order = 1,
    Fill,
    Position,
}

/// <summary>
/// One reliable event of an agent (an order update, a fill, its position after the fill) in its
/// <see cref="AgentEventLog"/>, written by the feed thread, formatted by the agent's connection
/// writer. Never dropped: a connection that falls too far behind is disconnected instead, and the
/// events are replayed on its next hello.
/// </summary>
internal struct AgentEvent
{
    /// <summary>The event's number in the log (-1 while the writer rewrites the slot).</summary>
    public long Sequence;

    public AgentEventKind Kind;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce Tif;
    public OrderStatus Status;
    public RejectReason Reject;
    public int SymbolId;
    public long OrderId;
    public long TsNs;

    /// <summary>Order: its quantity; fill: the quantity filled; position: the signed position.</summary>
    public long Quantity;

    /// <summary>Order: filled so far; fill: shares left open.</summary>
    public long Filled;

    /// <summary>Order: limit price; fill: fill price; position: average price.</summary>
    public long PriceRaw;

    /// <summary>Order: stop price; fill: commission; position: realized P&amp;L.</summary>
    public long SecondRaw;

    /// <summary>Position: unrealized P&amp;L at the last price the feed saw.</summary>
    public long UnrealizedRaw;

    /// <summary>Order: the exits its signal asked for (issue 19; none = not a group's entry).</summary>
    public ProtectiveExits Exits;

    /// <summary>Order: its part in an order group (issue 19): a group exit the engine placed for the agent's entry is TakeProfit, StopLoss or TrailingStop.</summary>
    public OrderGroupRole GroupRole;

    /// <summary>Order: a group exit's entry order id.</summary>
    public long GroupId;

    /// <summary>Fill: this agent's fill number (from 1).</summary>
    public long FillSeq;

    /// <summary>Length of the signal's client id in the log's id arena; -1 = none.</summary>
    public int IdLength;
}
