using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19, venue-held brackets: the legs the venue creates (Alpaca's bracket take-profit and stop-loss) report
/// under <see cref="NativeLegIds"/> of the entry; the order manager books them as the group's exits, so their
/// fills reach the position and the entry's source. (Before, every such report was an illegal report and a
/// leg's fill never reached the position.)
/// </summary>
public sealed class NativeLegTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;

    private static ProtectiveExits PricedBracket => new() { TakeProfitRaw = EngineHarness.Raw(110m), StopLossRaw = EngineHarness.Raw(95m) };

    private static (EngineHarness H, long Entry, long TakeProfitLeg, long StopLossLeg) Accepted()
    {
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco));
        h.Trade(Aapl, 100m);
        long entry = OrderGroupTests.Enter(h, PricedBracket);
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal(OrderGroupRole.Entry, sent.GroupRole); // the exits travel with the entry
        long takeProfit = NativeLegIds.Of(entry, OrderGroupRole.TakeProfit), stopLoss = NativeLegIds.Of(entry, OrderGroupRole.StopLoss);
        h.Report(entry, ExecutionType.Accepted);
        h.Report(takeProfit, ExecutionType.Accepted); // the gateway adopts the legs with the entry's answer
        h.Report(stopLoss, ExecutionType.Accepted);
        return (h, entry, takeProfit, stopLoss);
    }

    private static OrderRecord Order(EngineHarness h, long clientOrderId)
    {
        Assert.True(h.Engine.Orders.TryFind(clientOrderId, out int slot), "order " + clientOrderId + " is not in the table");
        return h.Engine.Orders[slot];
    }

    [Fact]
    public void LegReports_AreBookedAsTheGroupsExits_AndALegsFillClosesThePosition()
    {
        (EngineHarness h, long entry, long takeProfitLeg, long stopLossLeg) = Accepted();
        Assert.Equal(0, h.Engine.Counters.IllegalReports);
        OrderRecord group = Order(h, entry);
        OrderRecord takeProfit = Order(h, group.TakeProfitOrderId), stopLoss = Order(h, group.StopOrderId);
        Assert.Equal((OrderGroupRole.TakeProfit, entry, Side.Sell, OrderType.Limit, 10L, EngineHarness.Raw(110m), OrderStatus.Accepted, true), (takeProfit.GroupRole, takeProfit.GroupId, takeProfit.Side, takeProfit.OrderType, takeProfit.Quantity, takeProfit.LimitRaw, takeProfit.Status, takeProfit.ExitsNative));
        Assert.Equal((OrderGroupRole.StopLoss, OrderType.Stop, EngineHarness.Raw(95m), group.SourceId), (stopLoss.GroupRole, stopLoss.OrderType, stopLoss.StopRaw, stopLoss.SourceId));
        Assert.Equal(20, h.Engine.Orders.ExitSellQuantity(Aapl)); // the venue's pair (the global exits leave the position to it)

        h.Report(entry, ExecutionType.Fill, 10, 100m, tsNs: T0 + Second);
        Assert.Equal(10, h.Engine.Portfolio.Quantity(Aapl));
        h.Report(takeProfitLeg, ExecutionType.Fill, 10, 110m, tsNs: T0 + (2 * Second));
        h.Report(stopLossLeg, ExecutionType.Canceled, tsNs: T0 + (2 * Second)); // the venue's OCO

        Assert.Equal(0, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal((OrderStatus.Filled, OrderStatus.Canceled), (Order(h, takeProfit.ClientOrderId).Status, Order(h, stopLoss.ClientOrderId).Status));
        Assert.Equal(10, Order(h, entry).ExitedQuantity);
        Assert.Equal((0L, 0L), (h.Engine.Orders.ExitSellQuantity(Aapl), h.Engine.Counters.IllegalReports));
        Assert.Empty(h.TakeOrders()); // the venue did it all: nothing emulated, nothing re-placed
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void TheEnginesCancelOfALeg_GoesOutUnderItsLegId()
    {
        (EngineHarness h, long entry, long takeProfitLeg, long stopLossLeg) = Accepted();
        h.Report(entry, ExecutionType.Fill, 10, 100m, tsNs: T0 + Second);

        h.Command(CommandKind.CancelAllOrders, T0 + (2 * Second));

        List<OrderCommand> cancels = h.TakeOrders();
        Assert.All(cancels, c => Assert.Equal(OrderCommandKind.CancelOrder, c.Kind));
        Assert.Equal([stopLossLeg, takeProfitLeg], cancels.Select(c => c.ClientOrderId).Order()); // a stop-loss leg's id is negative
        h.Report(takeProfitLeg, ExecutionType.Canceled, tsNs: T0 + (3 * Second));
        Assert.Equal(OrderStatus.Canceled, Order(h, Order(h, entry).TakeProfitOrderId).Status);
    }

    [Theory]
    [InlineData(110, 95, 0, 0, 0, true)] // priced exits on a market entry: Alpaca's bracket takes them
    [InlineData(0, 0, 40_000, 20_000, 0, false)] // percent exits on a market entry: no price to measure from at the venue
    [InlineData(110, 95, 0, 0, 10_000, false)] // a trailing exit: no bracket leg at Alpaca
    public void AnEntrysExits_GoToTheVenueOnlyWhereItsBracketTakesThem_ElseTheEngineHoldsThem(decimal takeProfit, decimal stopLoss, int takeProfitPpm, int stopLossPpm, int trailPpm, bool native)
    {
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco));
        h.Trade(Aapl, 100m);
        var exits = new ProtectiveExits
        {
            TakeProfitRaw = takeProfit == 0 ? 0 : EngineHarness.Raw(takeProfit),
            StopLossRaw = stopLoss == 0 ? 0 : EngineHarness.Raw(stopLoss),
            TakeProfitPpm = takeProfitPpm,
            StopLossPpm = stopLossPpm,
            TrailPpm = trailPpm,
        };

        long entry = OrderGroupTests.Enter(h, exits);

        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((native, native ? OrderGroupRole.Entry : OrderGroupRole.None, native ? 0 : 1), (Order(h, entry).ExitsNative, sent.GroupRole, h.Engine.OrderManager.ActiveGroups));
    }

    [Fact]
    public void AfterTheOrderTableWraps_ANativeEntryKeepsItsSlot_AndItsLegsReportsStayLegal()
    {
        // Four slots: the entry (1), its take-profit (2) and stop-loss (3) legs, one plain order (0); the next order
        // would take the entry's slot. Before, it did: the entry was gone, and the legs' reports — which the order
        // manager finds through the entry (their ids are derived from its) — were refused as illegal.
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders | VenueCapabilities.NativeBracket) with { OrderCapacity = 4 });
        h.Trade(Aapl, 100m);
        long entry = OrderGroupTests.Enter(h, PricedBracket);
        long takeProfitLeg = NativeLegIds.Of(entry, OrderGroupRole.TakeProfit), stopLossLeg = NativeLegIds.Of(entry, OrderGroupRole.StopLoss);
        h.Report(entry, ExecutionType.Accepted);
        h.Report(takeProfitLeg, ExecutionType.Accepted);
        h.Report(stopLossLeg, ExecutionType.Accepted);
        h.Report(entry, ExecutionType.Fill, 10, 100m, tsNs: T0 + Second); // the entry ends; its legs work at the venue
        long plain = OrderGroupTests.Enter(h, default, T0 + (2 * Second), signalId: 2);
        h.Report(plain, ExecutionType.Accepted);
        h.Report(plain, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        _ = h.TakeOrders();

        EngineEvent refused = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = 3, TsEventNs = T0 + (3 * Second) });

        Assert.Equal(RejectReason.MaxOpenOrders, refused.Reject); // the entry's slot is kept while a leg of it is open
        Assert.Empty(h.TakeOrders());
        h.Report(stopLossLeg, ExecutionType.Fill, 10, 95m, tsNs: T0 + (4 * Second));
        h.Report(takeProfitLeg, ExecutionType.Canceled, tsNs: T0 + (4 * Second)); // the venue's OCO
        Assert.Equal((0L, 0L), (h.Engine.Portfolio.Quantity(Aapl), h.Engine.Counters.IllegalReports));
        Assert.Equal((OrderStatus.Filled, OrderStatus.Canceled), (Order(h, Order(h, entry).StopOrderId).Status, Order(h, Order(h, entry).TakeProfitOrderId).Status));

        EngineEvent next = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = 4, TsEventNs = T0 + (5 * Second) });
        Assert.Equal(RejectReason.None, next.Reject); // both legs ended: the slot is free again
        Assert.False(h.Engine.Orders.TryFind(entry, out _));
    }

    [Fact]
    public void APlainOrder_InTheSlotOfAnEarlierNativeEntry_CarriesNoneOfItsExits()
    {
        // The outbound ring reuses its slots: a submit written over a native bracket entry's slot kept the
        // entry's group role, group id and exits (only a native entry set them), so the venue would have
        // sent a plain order as a bracket with another order's prices.
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco) with { OutboundBufferSize = 2 });
        h.Trade(Aapl, 100m);
        OrderGroupTests.Enter(h, PricedBracket, signalId: 1);
        Assert.Equal(OrderGroupRole.Entry, Assert.Single(h.TakeOrders()).GroupRole);
        OrderGroupTests.Enter(h, default, T0 + Second, signalId: 2);
        OrderGroupTests.Enter(h, default, T0 + (2 * Second), signalId: 3); // the first entry's slot again

        OrderCommand plain = h.TakeOrders()[^1];

        Assert.Equal((OrderGroupRole.None, 0L, false), (plain.GroupRole, plain.GroupId, plain.Exits.Any));
    }

    [Fact]
    public void AReportUnderALegIdOfNoNativeEntry_IsStillIllegal()
    {
        var h = new EngineHarness(OrderGroupTests.Options());
        h.Trade(Aapl, 100m);
        long entry = OrderGroupTests.Enter(h, OrderGroupTests.Bracket()); // emulated: no venue legs
        h.Report(entry, ExecutionType.Accepted);

        h.Report(NativeLegIds.Of(entry, OrderGroupRole.TakeProfit), ExecutionType.Accepted);
        h.Report(NativeLegIds.Of(entry + 1_000, OrderGroupRole.StopLoss), ExecutionType.Accepted);

        Assert.Equal(2, h.Engine.Counters.IllegalReports);
        Assert.Equal(0, Order(h, entry).TakeProfitOrderId);
    }
}
