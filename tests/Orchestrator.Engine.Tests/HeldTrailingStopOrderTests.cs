using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Snapshots;
using Orchestrator.Engine.Tests.Support;
using static Orchestrator.Engine.Tests.HeldStopOrderTests;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19: a signal's own trailing stop at a venue without trailing-stop orders (KIS) is held by the engine
/// (<see cref="OrderStatus.Held"/>) like its stops: a high-water mark (a sell) or low-water mark (a buy) from the
/// symbol's trades and bars in event time, sent at market under its own id when the price retraces by its trail;
/// amended (quantity) and canceled at once while held, expired at its day's end, a gtc one held across days; the mark
/// survives a restart (journal replay reaches the same mark; a snapshot carries it on the order's record). Before, the
/// order went out with its trail dropped (the engine took the signal's trail for an exit of a group), so the paper venue
/// refused it and KIS refused it as unsupported.
/// </summary>
public sealed class HeldTrailingStopOrderTests : IDisposable
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;
    private const long Day = 86_400 * Second;

    /// <summary>KIS's capabilities: amend, no stop or trailing-stop orders.</summary>
    private const VenueCapabilities NoStops = VenueCapabilities.Amend;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static EngineEvent TrailSignal(Side side, decimal trailPrice = 0m, int trailPpm = 0, TimeInForce tif = TimeInForce.Day, long tsNs = T0) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = Aapl,
        SignalSide = side,
        ConfidencePpm = 900_000,
        SignalId = 3,
        SignalOrderType = OrderType.TrailingStop,
        Exits = new ProtectiveExits { TrailRaw = EngineHarness.Raw(trailPrice), TrailPpm = trailPpm },
        SignalTif = tif,
        TsEventNs = tsNs,
    };

    private static EngineEvent Bar(decimal open, decimal high, decimal low, decimal close, long tsNs) => new()
    {
        Kind = EventKind.Bar,
        SymbolId = Aapl,
        OpenRaw = EngineHarness.Raw(open),
        HighRaw = EngineHarness.Raw(high),
        LowRaw = EngineHarness.Raw(low),
        PriceRaw = EngineHarness.Raw(close),
        Size = 100,
        TsEventNs = tsNs,
    };

    /// <summary>Long 10 AAPL at 100 and a held sell trailing stop with a trail of 2 (or <paramref name="trailPpm"/>) placed with the market at 100.</summary>
    private static (EngineHarness H, long Id) HeldSell(EngineOptions options, decimal trailPrice = 2m, int trailPpm = 0, TimeInForce tif = TimeInForce.Day)
    {
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m);
        h.TakeOrders();
        EngineEvent e = h.Process(TrailSignal(Side.Sell, trailPrice, trailPpm, tif, T0 + 1));
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.NotEqual(0, e.ClientOrderId);
        Assert.Empty(h.TakeOrders()); // held: nothing goes to a venue without trailing stops
        OrderRecord order = Order(h, e.ClientOrderId);
        Assert.Equal((OrderStatus.Held, OrderType.TrailingStop, EngineHarness.Raw(100m)), (order.Status, order.OrderType, order.TrailAnchorRaw));
        return (h, e.ClientOrderId);
    }

    [Fact]
    public void WithVenueTrailingStops_ASignalsTrailingStop_GoesToTheVenue_WithItsTrail_AsAPlainOrder()
    {
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop));
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m);
        h.TakeOrders();
        long id = h.Process(TrailSignal(Side.Sell, trailPpm: 20_000, tsNs: T0 + 1)).ClientOrderId;

        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.TrailingStop, 20_000, 0L, OrderGroupRole.None), (sent.ClientOrderId, sent.OrderType, sent.TrailPpm, sent.TrailRaw, sent.GroupRole));
        OrderRecord order = Order(h, id);
        Assert.Equal((OrderGroupRole.None, OrderStatus.PendingNew, 20_000), (order.GroupRole, order.Status, order.TrailPpm)); // not a group entry with a trailing exit
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void WithoutVenueTrailingStops_ASellTrailingStop_FollowsTheHighWaterMark_AndARetraceByItsTrailSendsItAtMarket_Once()
    {
        (EngineHarness h, long id) = HeldSell(OrderGroupTests.Options(NoStops));
        Assert.Equal(1, h.Engine.OrderManager.HeldOrders);

        h.Trade(Aapl, 98.01m, T0 + Second); // 100 - 2 = 98: not yet
        h.Trade(Aapl, 104m, T0 + (2 * Second)); // the mark rises to 104: the stop is 102
        h.Trade(Aapl, 103m, T0 + (3 * Second)); // the mark never goes back
        Assert.Equal(EngineHarness.Raw(104m), Order(h, id).TrailAnchorRaw);
        h.Trade(Aapl, 102.01m, T0 + (4 * Second));
        Assert.Empty(h.TakeOrders());

        h.Trade(Aapl, 102m, T0 + (5 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, id, OrderType.Market, TimeInForce.Day, Side.Sell, 10L, 0L), (sent.Kind, sent.ClientOrderId, sent.OrderType, sent.TimeInForce, sent.Side, sent.Quantity, sent.StopPriceRaw));
        Assert.Equal((OrderStatus.PendingNew, 0), (Order(h, id).Status, h.Engine.OrderManager.HeldOrders));

        h.Trade(Aapl, 90m, T0 + (6 * Second));
        Assert.Empty(h.TakeOrders()); // once
        h.Report(id, ExecutionType.Accepted, tsNs: T0 + (7 * Second));
        h.Report(id, ExecutionType.Fill, 10, 101.9m, tsNs: T0 + (7 * Second));
        Assert.Equal((0L, 0), (h.Engine.Portfolio.Quantity(Aapl), h.Engine.Orders.OpenCount));
    }

    [Fact]
    public void WithoutVenueTrailingStops_ABuyTrailingStop_FollowsTheLowWaterMark_InPercent()
    {
        var h = new EngineHarness(OrderGroupTests.Options(NoStops));
        h.Trade(Aapl, 100m);
        long id = h.Process(TrailSignal(Side.Buy, trailPpm: 50_000, tsNs: T0 + 1)).ClientOrderId; // 5 %
        Assert.Equal(OrderStatus.Held, Order(h, id).Status);

        h.Trade(Aapl, 90m, T0 + Second); // low-water mark 90: the stop is 94.5
        h.Trade(Aapl, 94.49m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 94.5m, T0 + (3 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Market, Side.Buy), (sent.ClientOrderId, sent.OrderType, sent.Side));
    }

    [Fact]
    public void OnBars_TheStopIsCheckedAsItStoodBeforeTheBar_ThenTheMarkMovesToItsHigh()
    {
        (EngineHarness h, long id) = HeldSell(OrderGroupTests.Options(NoStops));

        h.Process(Bar(100m, 110m, 98.5m, 109m, T0 + Second)); // the stop was 98: the bar's low 98.5 does not reach it; the mark is 110 afterwards
        Assert.Empty(h.TakeOrders());
        Assert.Equal(EngineHarness.Raw(110m), Order(h, id).TrailAnchorRaw);

        h.Process(Bar(109m, 109.5m, 107.9m, 108m, T0 + (2 * Second))); // the stop is 108: the low reaches it
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Market), (sent.ClientOrderId, sent.OrderType));
    }

    [Fact]
    public void WhileHeld_ItsSourcesCancel_EndsItAtOnce_AndNothingIsSent()
    {
        (EngineHarness h, long id) = HeldSell(OrderGroupTests.Options(NoStops));

        EngineEvent cancel = h.Process(Action(SignalAction.Cancel, id, tsNs: T0 + Second));
        Assert.Equal((RejectReason.None, ExecutionType.Canceled, id), (cancel.Reject, cancel.ExecType, cancel.ReportOrderId));
        Assert.Equal((OrderStatus.Canceled, 0, 0), (Order(h, id).Status, h.Engine.Orders.OpenCount, h.Engine.OrderManager.HeldOrders));
        h.Trade(Aapl, 90m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void WhileHeld_ItsSourcesAmend_ChangesTheQuantityAtOnce_KeepsTheMark_AndAStopPriceIsRefused()
    {
        (EngineHarness h, long id) = HeldSell(OrderGroupTests.Options(NoStops));
        h.Trade(Aapl, 104m, T0 + Second);

        EngineEvent amend = h.Process(Action(SignalAction.Amend, id, quantity: 6, tsNs: T0 + (2 * Second)));
        Assert.Equal((RejectReason.None, ExecutionType.Replaced, 6L), (amend.Reject, amend.ExecType, amend.ReportQuantity));
        OrderRecord order = Order(h, id);
        Assert.Equal((OrderStatus.Held, 6L, EngineHarness.Raw(104m)), (order.Status, order.Quantity, order.TrailAnchorRaw));

        EngineEvent stop = h.Process(Action(SignalAction.Amend, id, stop: 99m, tsNs: T0 + (3 * Second)));
        Assert.Equal(RejectReason.NotAmendable, stop.Reject); // its trail and mark decide, it has no stop price
        Assert.Empty(h.TakeOrders());

        h.Trade(Aapl, 102m, T0 + (4 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Market, 6L), (sent.ClientOrderId, sent.OrderType, sent.Quantity));
    }

    [Fact]
    public void TheKillSwitch_CancelsAHeldTrailingStop()
    {
        (EngineHarness h, long id) = HeldSell(OrderGroupTests.Options(NoStops));
        h.Command(CommandKind.CancelAllOrders, T0 + Second);
        Assert.Equal(OrderStatus.Canceled, Order(h, id).Status);
        h.Trade(Aapl, 50m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void ADayTrailingStop_ExpiresAfterItsDay_ButAGtcOneIsHeldAcrossDays_WithItsMark()
    {
        (EngineHarness day, long dayId) = HeldSell(OrderGroupTests.Options(NoStops));
        (EngineHarness gtc, long gtcId) = HeldSell(OrderGroupTests.Options(NoStops), tif: TimeInForce.Gtc);
        foreach (EngineHarness h in new[] { day, gtc })
        {
            h.Trade(Aapl, 105m, T0 + Second);
            h.Trade(Aapl, 104m, T0 + Day); // the next UTC day (no calendars)
            Assert.Empty(h.TakeOrders());
        }

        Assert.Equal(OrderStatus.Expired, Order(day, dayId).Status);
        Assert.Equal(1, day.Engine.Counters.OrdersFinished(OrderStatus.Expired));
        Assert.Equal((OrderStatus.Held, EngineHarness.Raw(105m)), (Order(gtc, gtcId).Status, Order(gtc, gtcId).TrailAnchorRaw)); // its mark from the day before
        gtc.Trade(Aapl, 103m, T0 + Day + Second);
        Assert.Equal(gtcId, Assert.Single(gtc.TakeOrders()).ClientOrderId);
    }

    [Fact]
    public void WithCalendars_ADayTrailingStop_ExpiresAtItsExchangesClose()
    {
        EngineOptions options = OrderGroupTests.Options(NoStops) with { UseExchangeCalendars = true };
        long open = DateTimeOffset.Parse("2025-01-06T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000; // Monday, 10:00 New York
        long close = DateTimeOffset.Parse("2025-01-06T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000; // 16:00 New York
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m, open);
        long id = h.Process(TrailSignal(Side.Buy, 2m, tsNs: open)).ClientOrderId;

        h.Trade(Aapl, 101m, close - Second);
        Assert.Equal(OrderStatus.Held, Order(h, id).Status);
        h.Trade(Aapl, 110m, close); // after-hours: the day order is over
        Assert.Empty(h.TakeOrders());
        Assert.Equal(OrderStatus.Expired, Order(h, id).Status);
    }

    [Fact]
    public void AfterACrash_JournalReplay_ReachesTheSameMark_AndTheStopIsSentOnce_WhenReached()
    {
        var live = new EngineHarness(Journaled(_dir.Path));
        long sequence = 0;
        EngineEvent Run(EngineEvent e)
        {
            live.Engine.JournalHandler!.OnEvent(ref e, sequence, endOfBatch: true);
            live.Engine.ProcessInline(ref e, sequence++);
            return e;
        }

        EngineEvent Trade(decimal price, long tsNs) => Run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(price), Size = 100, TsEventNs = tsNs });

        Trade(100m, T0);
        long id = Run(TrailSignal(Side.Buy, 2m, tif: TimeInForce.Gtc, tsNs: T0 + 1)).ClientOrderId;
        Trade(95m, T0 + Second);
        Run(Bar(96m, 96.5m, 93m, 94m, T0 + (2 * Second))); // the low-water mark is 93: the stop 95
        Trade(94.5m, T0 + (3 * Second));
        Assert.Equal(EngineHarness.Raw(93m), Order(live, id).TrailAnchorRaw);
        Assert.Empty(live.TakeOrders()); // then the process died

        var recovered = new EngineHarness(Journaled(_dir.Path));
        Assert.NotNull(recovered.Engine.Recovery);
        StateAssert.Equal(live.Engine, recovered.Engine);
        Assert.Empty(recovered.TakeOrders());
        OrderRecord order = Order(recovered, id);
        Assert.Equal((OrderStatus.Held, EngineHarness.Raw(93m)), (order.Status, order.TrailAnchorRaw)); // the mark replayed from the journal's market events
        Assert.Equal(1, recovered.Engine.OrderManager.HeldOrders);

        recovered.Trade(Aapl, 94.99m, T0 + (4 * Second));
        Assert.Empty(recovered.TakeOrders());
        recovered.Trade(Aapl, 95m, T0 + (5 * Second));
        OrderCommand sent = Assert.Single(recovered.TakeOrders());
        Assert.Equal((id, OrderType.Market, Side.Buy), (sent.ClientOrderId, sent.OrderType, sent.Side));
        recovered.Trade(Aapl, 96m, T0 + (6 * Second));
        Assert.Empty(recovered.TakeOrders());
    }

    [Fact]
    public void ASnapshot_CarriesTheMark_AndTheRestoredEngineSendsItAsTheLiveOne()
    {
        (EngineHarness live, long id) = HeldSell(OrderGroupTests.Options(NoStops), trailPrice: 0m, trailPpm: 10_000, tif: TimeInForce.Gtc);
        live.Trade(Aapl, 120m, T0 + Second); // mark 120: the stop is 118.8
        var restored = new EngineHarness(OrderGroupTests.Options(NoStops));
        restored.Engine.RestoreState(live.Engine.CaptureState());
        StateAssert.Equal(live.Engine, restored.Engine);
        Assert.Equal((1, EngineHarness.Raw(120m)), (restored.Engine.OrderManager.HeldOrders, Order(restored, id).TrailAnchorRaw));

        foreach (EngineHarness h in new[] { live, restored })
        {
            h.Trade(Aapl, 118.81m, T0 + (2 * Second));
            Assert.Empty(h.TakeOrders());
            h.Trade(Aapl, 118.8m, T0 + (3 * Second));
        }

        OrderCommand fromLive = Assert.Single(live.TakeOrders());
        OrderCommand fromRestored = Assert.Single(restored.TakeOrders());
        Assert.Equal((id, OrderType.Market, 10L), (fromRestored.ClientOrderId, fromRestored.OrderType, fromRestored.Quantity));
        Assert.Equal((fromLive.ClientOrderId, fromLive.OrderType, fromLive.Quantity), (fromRestored.ClientOrderId, fromRestored.OrderType, fromRestored.Quantity));
        StateAssert.Equal(live.Engine, restored.Engine);
    }
}
