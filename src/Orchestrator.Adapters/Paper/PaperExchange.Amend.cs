using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>Amend of a resting order (issue 19), as the real venues do it.</summary>
public sealed partial class PaperExchange
{
    /// <summary>
    /// Changes a resting order in place to <paramref name="order"/>'s total quantity (fills kept) and
    /// prices, and reports <see cref="ExecutionType.Replaced"/> with the new figures. Like an exchange, an
    /// amend that only lowers the quantity keeps the order's place in the queue; more shares or a new
    /// price send it to the back. Refused with <see cref="ExecutionType.AmendRejected"/>: an order not
    /// open (NoSuchOrder); a quantity not above what is filled, or a price its type has no use for
    /// (NotAmendable); a buy whose new terms need cash the account lacks (InsufficientBuyingPower); a sell
    /// beyond the position without short selling (NoPosition).
    /// </summary>
    public void Amend(in OrderCommand order, IExecutionReportSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Enter();
        try
        {
            if (!_slotById.TryGetValue(order.ClientOrderId, out int slot))
            {
                RefuseAmend(in order, RejectReason.NoSuchOrder, sink);
                return;
            }

            RejectReason reason = CheckAmend(slot, in order, out long reservedCashRaw);
            if (reason != RejectReason.None)
            {
                RefuseAmend(in order, reason, sink);
                return;
            }

            ref PaperOrderSlot o = ref _orders[slot];
            long filled = o.Quantity - o.LeavesQuantity;
            long leaves = order.Quantity - filled;
            bool losesPlace = order.Quantity > o.Quantity || order.LimitPriceRaw != o.LimitPriceRaw || order.StopPriceRaw != o.StopPriceRaw;
            if (o.Side == Side.Buy)
            {
                _reservedCashRaw[_currencyOf[o.SymbolId]] += reservedCashRaw - o.ReservedCashRaw;
                o.ReservedCashRaw = reservedCashRaw;
                o.ReservePriceRaw = o.LimitPriceRaw > 0 ? order.LimitPriceRaw : o.ReservePriceRaw;
            }
            else
            {
                _reservedSellQuantity[o.SymbolId] += leaves - o.LeavesQuantity;
            }

            o.Quantity = order.Quantity;
            o.LeavesQuantity = leaves;
            o.LimitPriceRaw = order.LimitPriceRaw;
            o.StopPriceRaw = order.StopPriceRaw;
            if (losesPlace)
            {
                MoveToSymbolTail(slot);
            }

            var replaced = new ExecutionReport
            {
                ClientOrderId = o.ClientOrderId,
                SymbolId = o.SymbolId,
                ExecType = ExecutionType.Replaced,
                Side = o.Side,
                LeavesQuantity = leaves,
                Quantity = o.Quantity,
                LimitRaw = o.LimitPriceRaw,
                StopRaw = o.StopPriceRaw,
                TsEventNs = _lastTsNs,
            };
            sink.OnExecutionReport(in replaced);
        }
        finally
        {
            _busy = false;
        }
    }

    private RejectReason CheckAmend(int slot, in OrderCommand order, out long reservedCashRaw)
    {
        ref PaperOrderSlot o = ref _orders[slot];
        reservedCashRaw = o.ReservedCashRaw;
        long filled = o.Quantity - o.LeavesQuantity;
        bool hasLimit = o.OrderType is OrderType.Limit or OrderType.StopLimit;
        bool hasStop = o.OrderType is OrderType.Stop or OrderType.StopLimit;
        if (order.Quantity <= filled
            || (hasLimit ? order.LimitPriceRaw <= 0 : order.LimitPriceRaw != 0)
            || (hasStop ? order.StopPriceRaw <= 0 : order.StopPriceRaw != 0)
            || order.Side != o.Side
            || order.SymbolId != o.SymbolId)
        {
            return RejectReason.NotAmendable;
        }

        long leaves = order.Quantity - filled;
        if (o.Side == Side.Buy)
        {
            reservedCashRaw = EstimateBuyCost(o.SymbolId, hasLimit ? order.LimitPriceRaw : o.ReservePriceRaw, leaves);
            int currency = _currencyOf[o.SymbolId];
            return reservedCashRaw - o.ReservedCashRaw > _cashRaw[currency] - _reservedCashRaw[currency] ? RejectReason.InsufficientBuyingPower : RejectReason.None;
        }

        long added = leaves - o.LeavesQuantity;
        return !_allowShortSelling && added > 0 && added > _positions[o.SymbolId] - _reservedSellQuantity[o.SymbolId]
            ? RejectReason.NoPosition
            : RejectReason.None;
    }

    private void RefuseAmend(in OrderCommand order, RejectReason reason, IExecutionReportSink sink)
    {
        var report = new ExecutionReport
        {
            ClientOrderId = order.ClientOrderId,
            SymbolId = order.SymbolId,
            ExecType = ExecutionType.AmendRejected,
            Side = order.Side,
            Reject = reason,
            TsEventNs = _lastTsNs,
        };
        sink.OnExecutionReport(in report);
    }

    /// <summary>Sends a resting order to the back of its symbol's queue (an amend that adds shares or moves a price).</summary>
    private void MoveToSymbolTail(int slot)
    {
        ref PaperOrderSlot o = ref _orders[slot];
        int symbolId = o.SymbolId;
        if (_symbolTail[symbolId] == slot)
        {
            return;
        }

        if (o.SymbolPrev == Nil)
        {
            _symbolHead[symbolId] = o.SymbolNext;
        }
        else
        {
            _orders[o.SymbolPrev].SymbolNext = o.SymbolNext;
        }

        _orders[o.SymbolNext].SymbolPrev = o.SymbolPrev; // not the tail: it has a next
        o.SymbolPrev = _symbolTail[symbolId];
        o.SymbolNext = Nil;
        _orders[o.SymbolPrev].SymbolNext = slot;
        _symbolTail[symbolId] = slot;
    }
}
