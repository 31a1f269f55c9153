using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>A copy of one open order of the <see cref="PaperExchange"/>, taken by <see cref="PaperExchange.TryGetOpenOrder"/>.</summary>
public readonly struct PaperOrder
{
    internal PaperOrder(in PaperOrderSlot slot)
    {
        ClientOrderId = slot.ClientOrderId;
        SymbolId = slot.SymbolId;
        Side = slot.Side;
        OrderType = slot.OrderType;
        TimeInForce = slot.TimeInForce;
        IsTriggered = slot.IsTriggered;
        Quantity = slot.Quantity;
        LeavesQuantity = slot.LeavesQuantity;
        LimitPriceRaw = slot.LimitPriceRaw;
        StopPriceRaw = slot.StopPriceRaw;
        ReservedCashRaw = slot.ReservedCashRaw;
        AcceptedTsNs = slot.AcceptedTsNs;
    }

    public long ClientOrderId { get; }

    public int SymbolId { get; }

    public Side Side { get; }

    public OrderType OrderType { get; }

    public TimeInForce TimeInForce { get; }

    /// <summary>Stop and stop-limit orders: the stop price has been reached.</summary>
    public bool IsTriggered { get; }

    public long Quantity { get; }

    /// <summary>Shares still open.</summary>
    public long LeavesQuantity { get; }

    public long FilledQuantity => Quantity - LeavesQuantity;

    public long LimitPriceRaw { get; }

    public long StopPriceRaw { get; }

    /// <summary>Buys: cash held back for the leaves quantity; 0 for sells.</summary>
    public long ReservedCashRaw { get; }

    /// <summary>Market time at which the order was accepted, ns since the Unix epoch.</summary>
    public long AcceptedTsNs { get; }
}
