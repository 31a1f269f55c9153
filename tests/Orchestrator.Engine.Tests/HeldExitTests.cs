using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19, engine-held exits: at a venue without stop orders (KIS) the order manager holds a group's stop
/// and take-profit and closes at market when the event-time price reaches one; at a venue with stops it holds
/// the stop once the take-profit replaced it. (Before, KIS refused the group's stop as UnsupportedOrder and
/// it was dropped: nothing protected the position.)
/// </summary>
public sealed class HeldExitTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;

    /// <summary>KIS's capabilities: amend, no stop orders.</summary>
    private const VenueCapabilities NoStops = VenueCapabilities.Amend;

    private static (EngineHarness H, long Entry) Filled(in ProtectiveExits exits, VenueCapabilities capabilities = NoStops, EngineOptions? options = null, Side side = Side.Buy)
    {
        var h = new EngineHarness(options ?? OrderGroupTests.Options(capabilities));
        h.Trade(Aapl, 100m);
        EngineEvent e = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = side, ConfidencePpm = 900_000, SignalId = 1, Exits = exits, TsEventNs = T0 });
        Assert.Equal(RejectReason.None, e.Reject);
        h.Report(e.ClientOrderId, ExecutionType.Accepted);
        h.Report(e.ClientOrderId, ExecutionType.Fill, 10, 100m);
        OrderCommand sent = Assert.Single(h.TakeOrders()); // the entry alone: no exit rests at a venue without stops
        Assert.Equal(e.ClientOrderId, sent.ClientOrderId);
        return (h, e.ClientOrderId);
    }

    private static void AssertMarketClose(OrderCommand close, Side side, long quantity, IntentOrigin origin) =>
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Market, TimeInForce.Day, side, quantity, origin), (close.Kind, close.OrderType, close.TimeInForce, close.Side, close.Quantity, close.Origin));

    [Fact]
    public void WithoutVenueStops_TheStopIsHeld_AndReachingItClosesAtMarket_Once()
    {
        (EngineHarness h, long entry) = Filled(OrderGroupTests.Bracket()); // take-profit 104, stop-loss 98
        Assert.Equal(10, h.Engine.Orders.HeldSellQuantity(Aapl));

        h.Trade(Aapl, 98.01m, T0 + Second);
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 98m, T0 + (2 * Second));
        OrderCommand close = Assert.Single(h.TakeOrders());
        AssertMarketClose(close, Side.Sell, 10, IntentOrigin.StopLoss);
        Assert.Equal(close.ClientOrderId, h.Engine.Orders.TryFind(entry, out int slot) ? h.Engine.Orders[slot].StopOrderId : 0);
        Assert.Equal((0L, 10L), (h.Engine.Orders.HeldSellQuantity(Aapl), h.Engine.Orders.ExitSellQuantity(Aapl)));

        h.Trade(Aapl, 97m, T0 + (3 * Second));
        h.Trade(Aapl, 105m, T0 + (4 * Second)); // the take-profit went with the stop
        Assert.Empty(h.TakeOrders());
        h.Report(close.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (5 * Second));
        h.Report(close.ClientOrderId, ExecutionType.Fill, 10, 97.9m, tsNs: T0 + (5 * Second));
        Assert.Equal(0, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void WithoutVenueStops_TheTakeProfitIsHeld_AndReachingItClosesAtMarket_TheStopIsDone()
    {
        (EngineHarness h, _) = Filled(OrderGroupTests.Bracket());

        h.Trade(Aapl, 104m, T0 + Second);
        OrderCommand close = Assert.Single(h.TakeOrders());
        AssertMarketClose(close, Side.Sell, 10, IntentOrigin.TakeProfit);

        h.Trade(Aapl, 97m, T0 + (2 * Second)); // the stop is not a second close of the same shares
        Assert.Empty(h.TakeOrders());
        h.Report(close.ClientOrderId, ExecutionType.Fill, 10, 103.9m, tsNs: T0 + (3 * Second));
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void WithoutVenueStops_AHeldCloseTheVenueRefuses_LeavesTheOtherExitHeld()
    {
        (EngineHarness h, _) = Filled(OrderGroupTests.Bracket());
        h.Trade(Aapl, 104m, T0 + Second);
        long takeProfit = Assert.Single(h.TakeOrders()).ClientOrderId;

        OrderGroupTests.Reject(h, takeProfit, RejectReason.BrokerRejected, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 98m, T0 + (3 * Second));
        AssertMarketClose(Assert.Single(h.TakeOrders()), Side.Sell, 10, IntentOrigin.StopLoss); // the stop still watches
    }

    [Fact]
    public void WithoutVenueStops_TheTrailingStopIsHeld_MovedByTrades_AndClosesAtMarket()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TrailPpm = 30_000 });

        h.Trade(Aapl, 110m, T0 + Second); // anchor 110: the held stop is 106.70, nothing is sent
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 106.71m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 106.70m, T0 + (3 * Second));
        AssertMarketClose(Assert.Single(h.TakeOrders()), Side.Sell, 10, IntentOrigin.TrailingStop);
    }

    [Fact]
    public void WithoutVenueStops_ABarsLow_TriggersTheStop_AsTheTrailStoodBeforeTheBar()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TrailPpm = 30_000 });
        EngineEvent Bar(decimal high, decimal low, long tsNs) => h.Process(new EngineEvent { Kind = EventKind.Bar, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(low), OpenRaw = EngineHarness.Raw(low), HighRaw = EngineHarness.Raw(high), LowRaw = EngineHarness.Raw(low), Size = 100, TsEventNs = tsNs });

        Bar(110m, 98m, T0 + Second); // the stop was 97 when the bar began: its high moves it, its low does not trigger it
        Assert.Empty(h.TakeOrders());
        Bar(108m, 106.5m, T0 + (2 * Second)); // 106.70 now
        AssertMarketClose(Assert.Single(h.TakeOrders()), Side.Sell, 10, IntentOrigin.TrailingStop);
    }

    [Fact]
    public void WithoutVenueStops_AShortsHeldStop_IsAboveIt_AndClosesWithABuy()
    {
        EngineOptions options = OrderGroupTests.Options(NoStops) with { Risk = EngineHarness.DefaultOptions().Risk with { AllowShortSelling = true } };
        (EngineHarness h, _) = Filled(OrderGroupTests.Bracket(), options: options, side: Side.Sell);
        Assert.Equal(10, h.Engine.Orders.HeldBuyQuantity(Aapl));

        h.Trade(Aapl, 101.99m, T0 + Second);
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 102m, T0 + (2 * Second));
        AssertMarketClose(Assert.Single(h.TakeOrders()), Side.Buy, 10, IntentOrigin.StopLoss);
    }

    [Fact]
    public void HeldExits_ReplaceTheGlobalExits_ForTheirPosition()
    {
        EngineOptions options = OrderGroupTests.Options(NoStops) with { Exits = new ExitOptions { StopLossFraction = 0.01m } };
        (EngineHarness h, _) = Filled(OrderGroupTests.Bracket(), options: options);

        Assert.False(h.Trade(Aapl, 98.5m, T0 + Second).HasIntent); // the group's own 2 % stop holds, not the global 1 %
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void WithVenueStops_AfterTheTakeProfitReplacedTheStop_TheEngineHoldsTheStop_AndClosesAtMarket()
    {
        var h = new EngineHarness(OrderGroupTests.Options());
        h.Trade(Aapl, 100m);
        long entry = OrderGroupTests.Enter(h, OrderGroupTests.Bracket());
        h.Report(entry, ExecutionType.Accepted);
        h.Report(entry, ExecutionType.Fill, 10, 100m);
        long stop = h.TakeOrders()[1].ClientOrderId;
        h.Report(stop, ExecutionType.Accepted);
        long takeProfit = OrderGroupTests.TouchTakeProfit(h, stop, 104m, T0 + Second).ClientOrderId;
        h.Report(takeProfit, ExecutionType.Accepted, tsNs: T0 + (2 * Second));

        h.Trade(Aapl, 98m, T0 + (3 * Second)); // back down to the stop: the resting take-profit goes first
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, takeProfit), (cancel.Kind, cancel.ClientOrderId));
        h.Trade(Aapl, 97.5m, T0 + (4 * Second));
        Assert.Empty(h.TakeOrders()); // never two sells of the shares at the venue
        h.Report(takeProfit, ExecutionType.Canceled, tsNs: T0 + (5 * Second));
        AssertMarketClose(Assert.Single(h.TakeOrders()), Side.Sell, 10, IntentOrigin.StopLoss);
    }
}
