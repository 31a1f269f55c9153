using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper exchange's order types and times in force beyond the plain ones (issue 19).
/// </summary>
/// <remarks>
/// <para><b>Trailing stop</b> (<see cref="OrderType.TrailingStop"/>, trail <see cref="OrderCommand.TrailRaw"/>
/// or <see cref="OrderCommand.TrailPpm"/>): a stop whose trigger follows the best price since accept — a
/// sell's high, a buy's low — by the trail; triggered, it fills as a market order. On a trade or quote the
/// anchor moves first, then the trigger is checked; on a bar the trigger is checked against the stop as it
/// stood before the bar and only then does the anchor move to the bar's best price (the bar does not say
/// whether its high came before its low, so the paper venue assumes the worse order for the holder of
/// the stop — it never triggers on a stop the bar's own high raised).</para>
/// <para><b>opg</b>: takes its first matching opportunity (the first price it sees after it was placed,
/// the next open in a backtest of bars) and is canceled for what that leaves, like IOC. <b>cls</b>: does
/// not fill during the day; <see cref="PaperExchange.EndOfDay(long, bool[], IExecutionReportSink)"/> fills it at the last price when it is
/// marketable there, and expires it otherwise. Both take market and limit orders only.</para>
/// <para>Same thread and allocation contract as the rest of the exchange.</para>
/// </remarks>
public sealed partial class PaperExchange
{
    /// <summary>What the paper venue refuses of an order's type and time in force (UnsupportedOrder), or None.</summary>
    private static RejectReason CheckOrderType(in OrderCommand order)
    {
        if (order.OrderType == OrderType.TrailingStop && order.TrailRaw <= 0 && order.TrailPpm <= 0)
        {
            return RejectReason.UnsupportedOrder; // a trailing stop without a trail
        }

        return order.TimeInForce is TimeInForce.Opg or TimeInForce.Cls && order.OrderType is not (OrderType.Market or OrderType.Limit)
            ? RejectReason.UnsupportedOrder
            : RejectReason.None;
    }

    /// <summary>A trailing stop's trail and its first anchor (the last price, when there is one).</summary>
    private void AcceptTrail(ref PaperOrderSlot slot, in OrderCommand order)
    {
        bool trailing = order.OrderType == OrderType.TrailingStop;
        slot.TrailRaw = trailing ? order.TrailRaw : 0;
        slot.TrailPpm = trailing ? order.TrailPpm : 0;
        slot.TrailAnchorRaw = 0;
        if (trailing && _lastPriceRaw[order.SymbolId] is > 0 and long last)
        {
            MoveAnchor(ref slot, last);
        }
    }

    /// <summary>Moves a trailing stop's anchor (and trigger) with this update; bars after their trigger check (see the remarks).</summary>
    private static void Trail(ref PaperOrderSlot order, in MarketTick tick)
    {
        if (order.OrderType != OrderType.TrailingStop || order.IsTriggered)
        {
            return;
        }

        bool isBuy = order.Side == Side.Buy;
        long priceRaw = tick.Kind switch
        {
            EventKind.TradeTick => tick.PriceRaw,
            EventKind.QuoteTick => isBuy ? tick.AskRaw : tick.BidRaw,
            _ => order.TrailAnchorRaw == 0 ? tick.OpenRaw : 0, // a bar: only a first anchor, from its open
        };
        if (priceRaw > 0)
        {
            MoveAnchor(ref order, priceRaw);
        }
    }

    /// <summary>After a bar's trigger check: the anchor moves to the bar's best price for the next one.</summary>
    private static void TrailAfterBar(ref PaperOrderSlot order, in MarketTick tick)
    {
        if (order.OrderType == OrderType.TrailingStop && !order.IsTriggered && tick.Kind == EventKind.Bar)
        {
            long best = order.Side == Side.Buy ? tick.LowRaw : tick.HighRaw;
            if (best > 0)
            {
                MoveAnchor(ref order, best);
            }
        }
    }

    private static void MoveAnchor(ref PaperOrderSlot order, long priceRaw)
    {
        bool isBuy = order.Side == Side.Buy;
        long anchor = order.TrailAnchorRaw;
        if (anchor != 0 && (isBuy ? priceRaw >= anchor : priceRaw <= anchor))
        {
            return;
        }

        order.TrailAnchorRaw = priceRaw;
        long distance = order.TrailRaw > 0 ? order.TrailRaw : FixedPoint.MulDiv(priceRaw, order.TrailPpm, 1_000_000);
        order.StopPriceRaw = isBuy ? priceRaw + distance : Math.Max(1, priceRaw - distance);
    }

    /// <summary>A cls order at the close: filled whole at the last price when marketable there; true when it filled (and closed).</summary>
    private bool FillAtClose(int slot, long tsEventNs, IExecutionReportSink sink)
    {
        ref PaperOrderSlot order = ref _orders[slot];
        long last = _lastPriceRaw[order.SymbolId];
        bool isBuy = order.Side == Side.Buy;
        if (last <= 0 || (order.OrderType == OrderType.Limit && (isBuy ? last > order.LimitPriceRaw : last < order.LimitPriceRaw)))
        {
            return false;
        }

        long price = order.OrderType == OrderType.Market ? WithSlippage(last, isBuy) : last;
        return ApplyFill(slot, price, order.LeavesQuantity, tsEventNs, sink);
    }
}
