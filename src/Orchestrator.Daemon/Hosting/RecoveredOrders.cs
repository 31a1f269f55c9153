using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Hosting;

/// <summary>What a journal recovery left open, in the shapes the brokers take it over in. Read before the engine starts.</summary>
internal static class RecoveredOrders
{
    /// <summary>The engine's open orders that went to a venue, in order of creation (not the stops the engine still holds, <see cref="OrderStatus.Held"/>: no venue knows them).</summary>
    public static IReadOnlyList<OrderRecord> Open(TradingEngine engine)
    {
        var collector = new Collector([]);
        engine.Orders.ForEachOpen(ref collector);
        collector.Orders.Sort((a, b) => a.ClientOrderId.CompareTo(b.ClientOrderId));
        return collector.Orders;
    }

    public static long[] Positions(TradingEngine engine)
    {
        var positions = new long[engine.Symbols.Count];
        for (int i = 0; i < positions.Length; i++)
        {
            positions[i] = engine.Portfolio.Quantity(i);
        }

        return positions;
    }

    /// <summary>The recovered cash of each of the account's currencies, by currency id (the paper venue keeps them apart).</summary>
    public static long[] CashByCurrency(TradingEngine engine)
    {
        var cash = new long[engine.Portfolio.Currencies.Count];
        for (int c = 0; c < cash.Length; c++)
        {
            cash[c] = engine.Portfolio.CashRawOf(c);
        }

        return cash;
    }

    public static long[] LastPrices(TradingEngine engine)
    {
        var prices = new long[engine.Symbols.Count];
        for (int i = 0; i < prices.Length; i++)
        {
            prices[i] = engine.Market.LastRaw(i);
        }

        return prices;
    }

    /// <summary>The paper venue's take-over: each order with its leaves, whether the venue had it, and the cancel or amend in flight at the stop (re-sent).</summary>
    public static IReadOnlyList<(OrderCommand Order, long Leaves, bool Acknowledged, bool CancelPending, OrderCommand Amend)> AsPaperOrders(IReadOnlyList<OrderRecord> open) =>
        [.. open.Select(o => (Command(o), o.LeavesQuantity, Acknowledged(o.Status), o.CancelPending, PendingAmend(o)))];

    /// <summary>The amend in flight at the stop, as the command that carried it; default when none.</summary>
    public static OrderCommand PendingAmend(in OrderRecord o)
    {
        if (!o.AmendPending)
        {
            return default;
        }

        OrderCommand amend = Command(o);
        amend.Kind = OrderCommandKind.AmendOrder;
        amend.Quantity = o.AmendQuantity;
        amend.LimitPriceRaw = o.AmendLimitRaw;
        amend.StopPriceRaw = o.AmendStopRaw;
        return amend;
    }

    /// <summary>
    /// A real venue's take-over: each order under the id the venue knows it by — a native bracket's leg under its
    /// <see cref="NativeLegIds"/> id (issue 19), which the order log kept and the venue's nested listing leads back to.
    /// </summary>
    public static IReadOnlyList<RecoveredOrder> AsVenueOrders(IReadOnlyList<OrderRecord> open, SymbolTable symbols, QuantityUnits? units = null) =>
        [.. open.Select(o => new RecoveredOrder(
            new VenueOrderRequest(o.VenueClientOrderId, symbols.GetName(o.SymbolId), o.SymbolId, o.Side, o.OrderType, o.TimeInForce, o.Quantity, o.LimitRaw, o.StopRaw,
                o.GroupRole, o.Exits, o.TrailRaw, o.TrailPpm, o.GroupId, units?.Decimals(o.SymbolId) ?? 0),
            o.Status, o.FilledQuantity, o.AvgFillPriceRaw)
        {
            CancelPending = o.CancelPending,
            AmendQuantity = o.AmendPending ? o.AmendQuantity : 0,
            AmendLimitRaw = o.AmendPending ? o.AmendLimitRaw : 0,
            AmendStopRaw = o.AmendPending ? o.AmendStopRaw : 0,
        })];

    private static bool Acknowledged(OrderStatus status) => status is OrderStatus.Accepted or OrderStatus.PartiallyFilled;

    private static OrderCommand Command(in OrderRecord o) => new()
    {
        Kind = OrderCommandKind.SubmitOrder,
        ClientOrderId = o.ClientOrderId,
        SymbolId = o.SymbolId,
        Side = o.Side,
        OrderType = o.OrderType,
        TimeInForce = o.TimeInForce,
        Quantity = o.Quantity,
        LimitPriceRaw = o.LimitRaw,
        StopPriceRaw = o.StopRaw,
        GroupRole = o.GroupRole,
        GroupId = o.GroupId,
        Exits = o.Exits,
        TrailRaw = o.TrailRaw,
        TrailPpm = o.TrailPpm,
        Origin = o.Origin,
        TsEventNs = o.TsCreatedNs,
    };

    private readonly struct Collector(List<OrderRecord> orders) : IOrderVisitor
    {
        public List<OrderRecord> Orders { get; } = orders;

        public void Visit(ref OrderRecord order)
        {
            if (order.Status != OrderStatus.Held)
            {
                Orders.Add(order);
            }
        }
    }
}
