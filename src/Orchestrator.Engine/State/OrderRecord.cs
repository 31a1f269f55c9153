using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>One order as the order manager tracks it.</summary>
public struct OrderRecord
{
    public long ClientOrderId;
    public int SymbolId;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce TimeInForce;
    public OrderStatus Status;
    public IntentOrigin Origin;

    /// <summary>
    /// Who asked for the order: the interned source (agent or strategy name, <see cref="TradingEngine.Sources"/>);
    /// built-in rules, protective exits and operator commands have their own (<see cref="EngineSources"/>).
    /// </summary>
    public int SourceId;

    /// <summary>The signal the order came from (the sender's id as the edge gave it); 0 for rule, exit and operator orders.</summary>
    public long SignalId;
    public long Quantity;
    public long FilledQuantity;
    public long LimitRaw;
    public long StopRaw;

    /// <summary>Volume-weighted average fill price (raw).</summary>
    public long AvgFillPriceRaw;
    public long TsCreatedNs;
    public long TsUpdatedNs;

    public readonly long LeavesQuantity => Quantity - FilledQuantity;

    public readonly bool IsOpen => OrderStateMachine.IsOpen(Status);
}
