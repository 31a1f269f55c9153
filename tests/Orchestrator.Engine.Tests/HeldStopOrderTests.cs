using Orchestrator.Core;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Snapshots;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19: a signal's own stop or stop-limit at a venue without stop orders (KIS) is held by the engine
/// (<see cref="OrderStatus.Held"/>) and sent under its own id as a market order (stop) or a limit at its limit
/// price (stop-limit) when a trade or bar reaches the stop; canceled and amended at once while held; a day one
/// expires after its day; it survives a restart (journal replay, snapshot). Before, the order went to KIS as a
/// stop and KIS refused it unsent (UnsupportedOrder).
/// </summary>
public sealed class HeldStopOrderTests : IDisposable
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;
    private const long Day = 86_400 * Second;

    /// <summary>KIS's capabilities: amend, no stop orders.</summary>
    private const VenueCapabilities NoStops = VenueCapabilities.Amend;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static EngineEvent StopSignal(decimal stop, decimal limit = 0m, TimeInForce tif = TimeInForce.Day, Side side = Side.Buy, long tsNs = T0) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = Aapl,
        SignalSide = side,
        ConfidencePpm = 900_000,
        SignalId = 3,
        SignalOrderType = limit > 0 ? OrderType.StopLimit : OrderType.Stop,
        SignalStopRaw = EngineHarness.Raw(stop),
        SignalPriceRaw = EngineHarness.Raw(limit),
        SignalTif = tif,
        TsEventNs = tsNs,
    };

    /// <summary>Its source's amend or cancel of <paramref name="target"/> (0 = unchanged).</summary>
    internal static EngineEvent Action(SignalAction action, long target, long quantity = 0, decimal stop = 0m, long tsNs = T0) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = -1,
        Action = action,
        TargetOrderId = target,
        SignalQuantity = quantity,
        SignalStopRaw = EngineHarness.Raw(stop),
        SignalId = 77,
        TsEventNs = tsNs,
    };

    internal static OrderRecord Order(EngineHarness h, long id) => h.Engine.Orders.TryFind(id, out int slot) ? h.Engine.Orders[slot] : default;

    /// <summary>A held buy stop at 105 (or stop-limit 105/106) with the market at 100.</summary>
    private static (EngineHarness H, long Id) Held(EngineOptions options, decimal limit = 0m, TimeInForce tif = TimeInForce.Day)
    {
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        EngineEvent e = h.Process(StopSignal(105m, limit, tif));
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.NotEqual(0, e.ClientOrderId);
        Assert.Empty(h.TakeOrders()); // held: nothing goes to a venue that takes no stops
        Assert.Equal(OrderStatus.Held, Order(h, e.ClientOrderId).Status);
        return (h, e.ClientOrderId);
    }

    [Fact]
    public void WithoutVenueStops_ASignalsStop_IsHeld_AndATradeReachingItSendsItAtMarket_UnderItsOwnId_Once()
    {
        (EngineHarness h, long id) = Held(OrderGroupTests.Options(NoStops));
        Assert.Equal((1, 1), (h.Engine.Orders.OpenCount, h.Engine.OrderManager.HeldOrders));

        h.Trade(Aapl, 104.99m, T0 + Second);
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 105m, T0 + (2 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, id, OrderType.Market, TimeInForce.Day, Side.Buy, 10L, 0L, 0L), (sent.Kind, sent.ClientOrderId, sent.OrderType, sent.TimeInForce, sent.Side, sent.Quantity, sent.LimitPriceRaw, sent.StopPriceRaw));
        Assert.Equal((OrderStatus.PendingNew, OrderType.Market, 0), (Order(h, id).Status, Order(h, id).OrderType, h.Engine.OrderManager.HeldOrders));

        h.Trade(Aapl, 106m, T0 + (3 * Second));
        Assert.Empty(h.TakeOrders()); // once
        h.Report(id, ExecutionType.Accepted, tsNs: T0 + (4 * Second));
        h.Report(id, ExecutionType.Fill, 10, 105.1m, tsNs: T0 + (4 * Second));
        Assert.Equal(10, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(0, h.Engine.Orders.OpenCount);
    }

    [Fact]
    public void WithoutVenueStops_AStopLimit_GoesOutAsALimitAtItsLimit_WhenABarsHighReachesTheStop_GtcAsDay()
    {
        (EngineHarness h, long id) = Held(OrderGroupTests.Options(NoStops), limit: 106m, tif: TimeInForce.Gtc);

        h.Process(new EngineEvent { Kind = EventKind.Bar, SymbolId = Aapl, OpenRaw = EngineHarness.Raw(101m), HighRaw = EngineHarness.Raw(105.5m), LowRaw = EngineHarness.Raw(100.5m), PriceRaw = EngineHarness.Raw(101m), Size = 100, TsEventNs = T0 + Second });
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Limit, TimeInForce.Day, EngineHarness.Raw(106m), 0L), (sent.ClientOrderId, sent.OrderType, sent.TimeInForce, sent.LimitPriceRaw, sent.StopPriceRaw));
    }

    [Fact]
    public void WithoutVenueStops_ASellStop_TriggersAtOrBelowIt()
    {
        var h = new EngineHarness(OrderGroupTests.Options(NoStops));
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m);
        h.TakeOrders();
        long id = h.Process(StopSignal(95m, side: Side.Sell, tsNs: T0 + Second)).ClientOrderId;
        Assert.Equal(OrderStatus.Held, Order(h, id).Status);

        h.Trade(Aapl, 95.01m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        h.Trade(Aapl, 94m, T0 + (3 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Market, Side.Sell), (sent.ClientOrderId, sent.OrderType, sent.Side));
    }

    [Fact]
    public void WithVenueStops_ASignalsStop_GoesToTheVenue_AsAStop()
    {
        var h = new EngineHarness(OrderGroupTests.Options(VenueCapabilities.StopOrders));
        h.Trade(Aapl, 100m);
        long id = h.Process(StopSignal(105m)).ClientOrderId;
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Stop, EngineHarness.Raw(105m)), (sent.ClientOrderId, sent.OrderType, sent.StopPriceRaw));
        Assert.Equal(OrderStatus.PendingNew, Order(h, id).Status);
    }

    [Fact]
    public void WhileHeld_ItsSourcesCancel_EndsItAtOnce_AndNothingIsSent()
    {
        (EngineHarness h, long id) = Held(OrderGroupTests.Options(NoStops));

        EngineEvent cancel = h.Process(Action(SignalAction.Cancel, id, tsNs: T0 + Second));
        Assert.Equal((RejectReason.None, id), (cancel.Reject, cancel.ClientOrderId));
        Assert.Equal((ExecutionType.Canceled, id), (cancel.ExecType, cancel.ReportOrderId)); // the ack carries the outcome: no venue will report it
        Assert.Equal(OrderStatus.Canceled, Order(h, id).Status);
        Assert.Equal((0, 0, 0L), (h.Engine.Orders.OpenCount, h.Engine.OrderManager.HeldOrders, h.Engine.Orders.WorkingBuyQuantity(Aapl)));
        h.Trade(Aapl, 106m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        Assert.Equal(1, h.Engine.Counters.OrdersFinished(OrderStatus.Canceled));
    }

    [Fact]
    public void WhileHeld_ItsSourcesAmend_ChangesItAtOnce_AndTheNewStopDecides()
    {
        (EngineHarness h, long id) = Held(OrderGroupTests.Options(NoStops));

        EngineEvent amend = h.Process(Action(SignalAction.Amend, id, quantity: 15, stop: 107m, tsNs: T0 + Second));
        Assert.Equal(RejectReason.None, amend.Reject);
        Assert.Equal((ExecutionType.Replaced, id, 15L, EngineHarness.Raw(107m)), (amend.ExecType, amend.ReportOrderId, amend.ReportQuantity, amend.ReportStopRaw));
        Assert.Empty(h.TakeOrders()); // no venue to ask
        OrderRecord order = Order(h, id);
        Assert.Equal((OrderStatus.Held, 15L, EngineHarness.Raw(107m), false), (order.Status, order.Quantity, order.StopRaw, order.AmendPending));

        h.Trade(Aapl, 105m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders()); // the old stop no longer counts
        h.Trade(Aapl, 107m, T0 + (3 * Second));
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((id, OrderType.Market, 15L), (sent.ClientOrderId, sent.OrderType, sent.Quantity));
    }

    [Fact]
    public void TheKillSwitch_CancelsHeldOrders()
    {
        (EngineHarness h, long id) = Held(OrderGroupTests.Options(NoStops));
        h.Command(CommandKind.CancelAllOrders, T0 + Second);
        Assert.Equal(OrderStatus.Canceled, Order(h, id).Status);
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void ADayStop_ExpiresAfterItsDay_ButAGtcStopIsStillHeld()
    {
        (EngineHarness h, long day) = Held(OrderGroupTests.Options(NoStops));
        long gtc = h.Process(StopSignal(105m, tif: TimeInForce.Gtc, tsNs: T0 + Second)).ClientOrderId;
        Assert.Equal(2, h.Engine.OrderManager.HeldOrders);

        h.Trade(Aapl, 106m, T0 + Day); // the next UTC day (no calendars): the day stop expired first
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal(gtc, sent.ClientOrderId);
        Assert.Equal(OrderStatus.Expired, Order(h, day).Status);
        Assert.Equal(1, h.Engine.Counters.OrdersFinished(OrderStatus.Expired));
    }

    [Fact]
    public void TheHeldOrdersTheEngineEnds_AreToldInItsEndedOrders_UnderTheirEventsSequences()
    {
        var h = new EngineHarness(OrderGroupTests.Options(NoStops));
        EngineEndedOrders ended = h.Engine.FollowEndedOrders(); // as the agent feed does
        h.Trade(Aapl, 100m); // sequence 0
        long day = h.Process(StopSignal(105m)).ClientOrderId; // 1
        long gtc = h.Process(StopSignal(105m, tif: TimeInForce.Gtc, tsNs: T0 + Second)).ClientOrderId; // 2
        h.Trade(Aapl, 104m, T0 + Day); // 3: the day stop's day is over
        h.Command(CommandKind.EngageKillSwitch, T0 + Day + Second); // 4: cancels the gtc one

        Assert.False(ended.TryTake(2, out _));
        Assert.True(ended.TryTake(3, out EngineEndedOrder expired));
        Assert.False(ended.TryTake(3, out _)); // the next is a later event's
        Assert.True(ended.TryTake(4, out EngineEndedOrder canceled));
        Assert.False(ended.TryTake(long.MaxValue, out _));
        Assert.Equal(new EngineEndedOrder(3, day, OrderStatus.Expired, T0 + Day), expired);
        Assert.Equal(new EngineEndedOrder(4, gtc, OrderStatus.Canceled, T0 + Day + Second), canceled);
        Assert.Equal(0, ended.Dropped);
        Assert.Throws<InvalidOperationException>(() => h.Engine.FollowEndedOrders()); // one consumer
    }

    [Fact]
    public void WithCalendars_ADayStop_ExpiresAtItsExchangesClose()
    {
        EngineOptions options = OrderGroupTests.Options(NoStops) with { UseExchangeCalendars = true };
        long open = DateTimeOffset.Parse("2025-01-06T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000; // Monday, 10:00 New York
        long close = DateTimeOffset.Parse("2025-01-06T21:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1_000_000; // 16:00 New York
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m, open);
        long id = h.Process(StopSignal(105m, tsNs: open)).ClientOrderId;
        Assert.Equal(OrderStatus.Held, Order(h, id).Status);

        h.Trade(Aapl, 104m, close - Second);
        Assert.Equal(OrderStatus.Held, Order(h, id).Status);
        h.Trade(Aapl, 106m, close); // after-hours, still the same UTC day: the day order is over
        Assert.Empty(h.TakeOrders());
        Assert.Equal(OrderStatus.Expired, Order(h, id).Status);
    }

    private EngineOptions Journaled() => Journaled(_dir.Path);

    /// <summary>A venue without stops, with an inline journal in <paramref name="directory"/>.</summary>
    internal static EngineOptions Journaled(string directory) => OrderGroupTests.Options(NoStops) with
    {
        JournalDirectory = directory,
        Journal = new JournalOptions { Fsync = JournalFsync.None, Placement = JournalPlacement.Inline },
    };

    [Fact]
    public void AfterACrash_JournalReplay_HoldsTheStopAgain_AndItIsSentOnce_WhenReached()
    {
        var live = new EngineHarness(Journaled());
        long sequence = 0;
        EngineEvent Run(EngineEvent e)
        {
            live.Engine.JournalHandler!.OnEvent(ref e, sequence, endOfBatch: true);
            live.Engine.ProcessInline(ref e, sequence++);
            return e;
        }

        Run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(100m), Size = 100, TsEventNs = T0 });
        long id = Run(StopSignal(105m, tif: TimeInForce.Gtc)).ClientOrderId;
        long amended = Run(StopSignal(103m, tif: TimeInForce.Gtc, tsNs: T0 + Second)).ClientOrderId;
        Run(Action(SignalAction.Amend, amended, stop: 104m, tsNs: T0 + (2 * Second)));
        Run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(104m), Size = 100, TsEventNs = T0 + (3 * Second) });
        Assert.Equal(amended, Assert.Single(live.TakeOrders()).ClientOrderId); // then the process died

        var recovered = new EngineHarness(Journaled());
        Assert.NotNull(recovered.Engine.Recovery);
        StateAssert.Equal(live.Engine, recovered.Engine);
        Assert.Empty(recovered.TakeOrders()); // replay sends nothing: the triggered one went out before the crash
        Assert.Equal((OrderStatus.Held, OrderStatus.PendingNew), (Order(recovered, id).Status, Order(recovered, amended).Status));
        Assert.Equal(1, recovered.Engine.OrderManager.HeldOrders);

        recovered.Trade(Aapl, 105m, T0 + (4 * Second));
        OrderCommand sent = Assert.Single(recovered.TakeOrders());
        Assert.Equal((id, OrderType.Market), (sent.ClientOrderId, sent.OrderType));
        recovered.Trade(Aapl, 106m, T0 + (5 * Second));
        Assert.Empty(recovered.TakeOrders());
    }

    [Fact]
    public void ASnapshot_CarriesTheHeldStop_AndTheRestoredEngineSendsItAsTheLiveOne()
    {
        (EngineHarness live, long id) = Held(OrderGroupTests.Options(NoStops), limit: 106m);
        var restored = new EngineHarness(OrderGroupTests.Options(NoStops));
        restored.Engine.RestoreState(live.Engine.CaptureState());
        StateAssert.Equal(live.Engine, restored.Engine);
        Assert.Equal(1, restored.Engine.OrderManager.HeldOrders);

        foreach (EngineHarness h in new[] { live, restored })
        {
            h.Trade(Aapl, 104m, T0 + Second);
            h.Trade(Aapl, 105.2m, T0 + (2 * Second));
        }

        OrderCommand fromLive = Assert.Single(live.TakeOrders());
        OrderCommand fromRestored = Assert.Single(restored.TakeOrders());
        Assert.Equal((id, OrderType.Limit, EngineHarness.Raw(106m)), (fromRestored.ClientOrderId, fromRestored.OrderType, fromRestored.LimitPriceRaw));
        Assert.Equal((fromLive.ClientOrderId, fromLive.OrderType, fromLive.Quantity, fromLive.LimitPriceRaw), (fromRestored.ClientOrderId, fromRestored.OrderType, fromRestored.Quantity, fromRestored.LimitPriceRaw));
        StateAssert.Equal(live.Engine, restored.Engine);
    }
}
