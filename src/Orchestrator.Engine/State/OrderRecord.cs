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
