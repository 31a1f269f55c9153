namespace Orchestrator.Core;

/// <summary>
/// The order a signal asks for, beyond its side: order type, limit and stop prices (raw fixed point,
/// 0 = none), time in force and a quantity (0 = sizing decides; above 0 = the most sizing may give,
/// and sizing and risk still cap it). <see cref="OrderType.Market"/> with a price is today's
/// behaviour: the engine makes it a limit (or stop) order from the prices given
/// (<see cref="SignalIntentRules.Resolve"/>); the edges refuse an explicit "market" with a price.
/// Since issue 19 it also carries the protective exits of a new order (<see cref="Exits"/>) and the
/// action (<see cref="Action"/>: new, or amend/cancel of the order <see cref="TargetOrderId"/>); the
/// engine's publish writes them into <see cref="EngineEvent.Exits"/>, <see cref="EngineEvent.Action"/>
/// and <see cref="EngineEvent.TargetOrderId"/>. Every edge checks the whole with <see cref="SignalIntentRules.CheckAll"/>.
/// </summary>
public struct SignalIntent
{
    public OrderType OrderType;
    public long LimitRaw;
    public long StopRaw;
    public TimeInForce Tif;
    public long Quantity;

    /// <summary>New order (default), or amend/cancel of <see cref="TargetOrderId"/>.</summary>
    public SignalAction Action;

    /// <summary>For amend and cancel: the engine's client order id of the order (the <c>order_id</c> an ack gave); 0 otherwise.</summary>
    public long TargetOrderId;

    /// <summary>
    /// Protective exits of a new order; for <see cref="OrderType.TrailingStop"/> the trail
    /// (<see cref="ProtectiveExits.TrailRaw"/> or <see cref="ProtectiveExits.TrailPpm"/>) is the order's own.
    /// </summary>
    public ProtectiveExits Exits;
}
