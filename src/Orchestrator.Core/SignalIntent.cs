namespace Orchestrator.Core;

/// <summary>
/// The order a signal asks for, beyond its side: order type, limit and stop prices (raw fixed point,
/// 0 = none), time in force and a quantity (0 = sizing decides; above 0 = the most sizing may give,
/// and sizing and risk still cap it). <see cref="OrderType.Market"/> with a price is today's
/// behaviour: the engine makes it a limit (or stop) order from the prices given
/// (<see cref="SignalIntentRules.Resolve"/>); the edges refuse an explicit "market" with a price.
/// </summary>
public struct SignalIntent
{
    public OrderType OrderType;
    public long LimitRaw;
    public long StopRaw;
    public TimeInForce Tif;
    public long Quantity;
}
