using Orchestrator.Core;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 19: a signal's own stop at KIS, which takes no stop orders, end to end against the KIS simulator on
/// loopback. The engine holds it (the venue sees nothing; the control API lists it open with status Held);
/// when the streamed price reaches the stop it goes to KIS as a domestic market order (ORD_DVSN 01) under
/// its own id and fills; a held stop its source cancels never reaches KIS. Before, KIS got nothing either, but
/// the order was refused unsent (UnsupportedOrder) and never traded.
/// </summary>
public sealed class KisHeldStopSessionTests
{
    private const string Krx = "005930";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    private static SessionOptions Options(KisSimulator kis) => VenueSessionTests.KisSignalsOnly(kis, engine => engine with
    {
        Symbols = [Krx],
        DefaultVenue = "kis", // as the config loader sets it from broker.adapter: KIS's capabilities (no stop orders)
    });

    private readonly VenueSessionTests.ListAuditWriter _audit = new();

    /// <summary>Polls <paramref name="condition"/> under a hang guard that fails with the audit trail (<see cref="Waits"/>).</summary>
    private Task UntilAsync(Func<bool> condition, TradingSession session) => Waits.UntilAsync(condition, session, s_hang, () => "the audit trail:\n" + string.Join("\n", _audit.Lines));

    private static void Publish(TradingSession session, Side side, in SignalIntent intent, long signalId) =>
        session.Engine.PublishSignal(session.Engine.Symbols.GetId(Krx), side, 1_000_000, intent, signalId, "kis_stop_test", "test", session.LastEventTimeNs);

    private static async Task<KisSimulator> Simulator()
    {
        KisSimulator kis = await KisSimulator.StartAsync();
        kis.FrameInterval = TimeSpan.FromMilliseconds(20);
        kis.OneSessionPerApprovalKey = true;
        kis.MaxRealtimeRegistrations = 41;
        kis.SetPrice(Krx, 70_000);
        return kis;
    }

    /// <summary>A session on <paramref name="kis"/>, started, with the symbol's first streamed price in.</summary>
    private async Task<TradingSession> StartedAsync(KisSimulator kis)
    {
        var session = new TradingSession(Options(kis), _audit);
        await session.StartAsync("test", CancellationToken.None);
        int symbol = session.Engine.Symbols.GetId(Krx);
        await UntilAsync(() => session.Engine.Market.LastRaw(symbol) > 0, session);
        return session;
    }

    /// <summary>Publishes two buys (3 and 2 shares), sees both held as <paramref name="type"/> with nothing at KIS, cancels the second while held; returns their ids.</summary>
    private async Task<(long Triggered, long Canceled)> HoldBothAndCancelTheSecondAsync(KisSimulator kis, TradingSession session, string type, SignalIntent first, SignalIntent second)
    {
        TradingEngine engine = session.Engine;
        Publish(session, Side.Buy, first, 1);
        Publish(session, Side.Buy, second, 2);
        await UntilAsync(() => TradingQueries.OpenOrders(engine).Count(o => o.Status == "Held") == 2, session);
        Assert.Equal(0, kis.OrdersBooked(VenueSessionTests.KisAccount)); // KIS knows nothing of them
        long canceled = TradingQueries.OpenOrders(engine).Single(o => o.Quantity == 2).ClientOrderId;
        long triggered = TradingQueries.OpenOrders(engine).Single(o => o.Quantity == 3).ClientOrderId;
        Assert.Equal(type, TradingQueries.OpenOrders(engine).Single(o => o.ClientOrderId == triggered).Type);

        Publish(session, Side.None, new SignalIntent { Action = SignalAction.Cancel, TargetOrderId = canceled }, 3);
        await UntilAsync(() => TradingQueries.OpenOrders(engine).Count == 1, session);
        return (triggered, canceled);
    }

    /// <summary>KIS booked one order, the triggered one, as a domestic market order (ORD_DVSN 01) that filled 3; the canceled one never went; a clean stop.</summary>
    private static void AssertTriggeredOnceAndCanceledNever(KisSimulator kis, TradingSession session, long triggered, long canceled)
    {
        TradingEngine engine = session.Engine;
        Assert.Equal(1, kis.OrdersBooked(VenueSessionTests.KisAccount));
        Assert.Equal("01", kis.Orders.Last()["ORD_DVSN"]!.GetValue<string>());
        Assert.True(engine.Orders.TryFind(triggered, out int slot));
        Assert.Equal((OrderStatus.Filled, 3L), (engine.Orders[slot].Status, engine.Orders[slot].FilledQuantity));
        Assert.True(engine.Orders.TryFind(canceled, out slot));
        Assert.Equal(OrderStatus.Canceled, engine.Orders[slot].Status);

        Assert.Equal(ShutdownResult.Drained, session.Stop());
        Assert.Equal(0, engine.Counters.IllegalReports);
        Assert.Equal(3, kis.AccountBook(VenueSessionTests.KisAccount).Positions[Krx]);
    }

    [Fact]
    public async Task Kis_ASignalsStop_IsHeldByTheEngine_ListedAsHeld_AndTheStreamedPriceReachingItSendsAMarketOrderThatFills()
    {
        await using KisSimulator kis = await Simulator();
        using TradingSession session = await StartedAsync(kis);
        TradingEngine engine = session.Engine;
        int symbol = engine.Symbols.GetId(Krx);

        // A buy stop well above the market (the stream walks two ticks at most a frame), and one further up that its source cancels.
        (long triggered, long canceled) = await HoldBothAndCancelTheSecondAsync(kis, session, "Stop",
            new SignalIntent { OrderType = OrderType.Stop, StopRaw = FixedPoint.FromDecimal(73_000m), Quantity = 3 },
            new SignalIntent { OrderType = OrderType.Stop, StopRaw = FixedPoint.FromDecimal(90_000m), Quantity = 2, Tif = TimeInForce.Gtc });

        kis.SetPrice(Krx, 74_000); // the stream now trades above the stop
        await UntilAsync(() => engine.Portfolio.Quantity(symbol) == 3 && engine.Orders.OpenCount == 0, session);

        AssertTriggeredOnceAndCanceledNever(kis, session, triggered, canceled);
    }

    [Fact]
    public async Task Kis_ASignalsTrailingStop_IsHeldByTheEngine_ItsMarkFollowsTheStream_AndTheRetraceSendsAMarketOrderThatFills()
    {
        await using KisSimulator kis = await Simulator();
        using TradingSession session = await StartedAsync(kis);
        TradingEngine engine = session.Engine;
        int symbol = engine.Symbols.GetId(Krx);

        // A buy trailing stop 3,000 won above its low-water mark (30 ticks: the stream walks two at most a frame), and a gtc one its source cancels.
        var trail = new ProtectiveExits { TrailRaw = FixedPoint.FromDecimal(3_000m) };
        (long triggered, long canceled) = await HoldBothAndCancelTheSecondAsync(kis, session, "TrailingStop",
            new SignalIntent { OrderType = OrderType.TrailingStop, Exits = trail, Quantity = 3 },
            new SignalIntent { OrderType = OrderType.TrailingStop, Exits = trail, Quantity = 2, Tif = TimeInForce.Gtc });

        Assert.True(engine.Orders.TryFind(triggered, out int slot));
        kis.SetPrice(Krx, 60_000); // the stream trades near 60,000: the low-water mark follows it down
        await UntilAsync(() => engine.Orders[slot].TrailAnchorRaw <= FixedPoint.FromDecimal(60_500m), session);
        Assert.Equal("Held", TradingQueries.OpenOrders(engine).Single().Status);
        Assert.Equal(0, kis.OrdersBooked(VenueSessionTests.KisAccount));

        kis.SetPrice(Krx, 70_000); // a retrace of far more than the trail: the stop is reached
        await UntilAsync(() => engine.Portfolio.Quantity(symbol) == 3 && engine.Orders.OpenCount == 0, session);

        AssertTriggeredOnceAndCanceledNever(kis, session, triggered, canceled);
    }
}
