using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// What an amend or cancel signal (<see cref="SignalAction"/>, issue 19) may ask of its target order, in one
/// place for the stages that judge it (risk, sizing) and the one that acts on it (the order manager):
/// the target must be an open order of the signal's own source (else <see cref="RejectReason.NoSuchOrder"/>);
/// an amend changes only quantity and prices — not side, symbol or type — keeps the quantity above what is
/// filled, and waits for a pending amend or cancel to be answered (else <see cref="RejectReason.NotAmendable"/>).
/// </summary>
/// <remarks>Trading thread (risk, sizing and the order manager read the order table there); no allocation.</remarks>
internal static class AmendRules
{
    /// <summary>The signal's target: an open order of its source (and of its symbol, when the signal names one).</summary>
    public static RejectReason Target(OrderStore orders, in EngineEvent e, out int slot)
    {
        if (!orders.TryFind(e.TargetOrderId, out slot))
        {
            return RejectReason.NoSuchOrder;
        }

        ref OrderRecord order = ref orders[slot];
        if (!order.IsOpen || order.SourceId != e.SourceId || (e.SymbolId >= 0 && e.SymbolId != order.SymbolId))
        {
            return RejectReason.NoSuchOrder;
        }

        if (order.CancelPending)
        {
            return RejectReason.NotAmendable; // on its way out: nothing more to change or cancel
        }

        return e.Action == SignalAction.Amend ? CheckAmend(in order, in e) : RejectReason.None;
    }

    /// <summary>The order's terms after the amend: 0 in the signal = unchanged.</summary>
    public static void NewTerms(in OrderRecord order, in EngineEvent e, out long quantity, out long limitRaw, out long stopRaw)
    {
        quantity = e.SignalQuantity > 0 ? e.SignalQuantity : order.Quantity;
        limitRaw = e.SignalPriceRaw > 0 ? e.SignalPriceRaw : order.LimitRaw;
        stopRaw = e.SignalStopRaw > 0 ? e.SignalStopRaw : order.StopRaw;
    }

    /// <summary>Whether an amend to these terms is one the order can take (also the order manager's own amends).</summary>
    public static RejectReason CheckTerms(in OrderRecord order, long quantity, long limitRaw, long stopRaw)
    {
        bool hasLimit = order.OrderType is OrderType.Limit or OrderType.StopLimit;
        bool hasStop = order.OrderType is OrderType.Stop or OrderType.StopLimit
            || (order.OrderType == OrderType.TrailingStop && order.Status != OrderStatus.Held); // a held trailing stop has no stop price of its own: its trail and mark decide
        if (order.AmendPending || order.CancelPending || order.Status == OrderStatus.Unknown
            || quantity <= order.FilledQuantity
            || (limitRaw != order.LimitRaw && (!hasLimit || limitRaw <= 0))
            || (stopRaw != order.StopRaw && (!hasStop || stopRaw <= 0))
            || (quantity == order.Quantity && limitRaw == order.LimitRaw && stopRaw == order.StopRaw))
        {
            return RejectReason.NotAmendable;
        }

        return RejectReason.None;
    }

    private static RejectReason CheckAmend(in OrderRecord order, in EngineEvent e)
    {
        if (e.SignalSide != Side.None && e.SignalSide != order.Side)
        {
            return RejectReason.NotAmendable;
        }

        NewTerms(in order, in e, out long quantity, out long limitRaw, out long stopRaw);
        return CheckTerms(in order, quantity, limitRaw, stopRaw);
    }

    /// <summary>Whether the amend adds risk (more shares, or a price that trades sooner or dearer): risk and sizing re-check those.</summary>
    public static bool AddsRisk(in OrderRecord order, long quantity, long limitRaw, long stopRaw) =>
        quantity > order.Quantity
        || (order.Side == Side.Buy ? limitRaw > order.LimitRaw : limitRaw < order.LimitRaw)
        || stopRaw != order.StopRaw;
}
