using Orchestrator.Core;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>
/// Issue 19: order groups across a crash. The exits an entry's fill placed are rebuilt from the journal
/// with their ids and not sent again; exits that never left before the crash (the venue's records never
/// show them: NeverPlaced) are placed once after recovery; a snapshot carries every group field.
/// </summary>
public sealed class OrderGroupRecoveryTests : IDisposable
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private EngineOptions JournaledOptions(VenueCapabilities capabilities = VenueCapabilities.StopOrders) => OrderGroupTests.Options(capabilities) with
    {
        JournalDirectory = _dir.Path,
        Journal = new JournalOptions { Fsync = JournalFsync.None, Placement = JournalPlacement.Inline },
    };

    /// <summary>
    /// The live engine of the crashed process, up to its bracket entry's fill of 10 at 100: each event journaled
    /// (inline, as on the trading thread) and processed by <c>Run</c>, which the test goes on with. Whatever it
    /// hands to the outbound ring goes no further (no gateway takes it: the process dies).
    /// </summary>
    private (EngineHarness Live, Func<EngineEvent, EngineEvent> Run, long Entry) LiveUpToTheEntryFill(VenueCapabilities capabilities = VenueCapabilities.StopOrders)
    {
        var live = new EngineHarness(JournaledOptions(capabilities));
        long sequence = 0;
        EngineEvent Run(EngineEvent e)
        {
            live.Engine.JournalHandler!.OnEvent(ref e, sequence, endOfBatch: true);
            live.Engine.ProcessInline(ref e, sequence++);
            return e;
        }

        Run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(100m), Size = 100, TsEventNs = T0 });
        long entry = Run(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = 7, Exits = OrderGroupTests.Bracket(), TsEventNs = T0 }).ClientOrderId;
        Run(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = entry, ExecType = ExecutionType.Accepted, TsEventNs = T0 });
        Run(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = entry, ExecType = ExecutionType.Fill, FillQuantity = 10, FillPriceRaw = EngineHarness.Raw(100m), TsEventNs = T0 + Second });
        return (live, Run, entry);
    }

    /// <summary>The crash right after the entry's fill placed its exit.</summary>
    private (TradingEngine Live, long Entry, long StopLoss) CrashAfterTheEntryFill()
    {
        (EngineHarness live, _, long entry) = LiveUpToTheEntryFill();
        List<OrderCommand> sent = live.TakeOrders();
        Assert.Equal(2, sent.Count); // the entry and its stop; the engine holds the take-profit
        return (live.Engine, entry, sent[1].ClientOrderId);
    }

    [Fact]
    public void CrashBetweenEntryFillAndExitPlacement_RecoveryPlacesTheExitsExactlyOnce()
    {
        (TradingEngine live, long entry, long stopLoss) = CrashAfterTheEntryFill();

        var recovered = new EngineHarness(JournaledOptions());
        Assert.NotNull(recovered.Engine.Recovery);
        StateAssert.Equal(live, recovered.Engine);
        Assert.Empty(recovered.TakeOrders()); // replay rebuilds the exits, it does not send them
        Assert.Equal(1, recovered.Engine.OrderManager.ActiveGroups);
        Assert.True(recovered.Engine.Orders.TryFind(entry, out int slot));
        Assert.Equal((0L, stopLoss), (recovered.Engine.Orders[slot].TakeProfitOrderId, recovered.Engine.Orders[slot].StopOrderId));

        // The gateway's recovery looks for the stop at the venue, does not find it, and declares it never placed.
        OrderGroupTests.Reject(recovered, stopLoss, RejectReason.NeverPlaced, T0 + (2 * Second));
        OrderCommand placed = Assert.Single(recovered.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Stop, Side.Sell, 10L, 0L, EngineHarness.Raw(98m)), (placed.Kind, placed.OrderType, placed.Side, placed.Quantity, placed.LimitPriceRaw, placed.StopPriceRaw));

        recovered.Report(placed.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (3 * Second));
        recovered.Trade(Aapl, 101m, T0 + (4 * Second));
        Assert.Empty(recovered.TakeOrders()); // once: nothing more
        Assert.Equal(10, recovered.Engine.Orders.ExitSellQuantity(Aapl)); // one stop of 10

        // The held take-profit survived the crash too: touched, it replaces the stop, once.
        OrderCommand takeProfit = OrderGroupTests.TouchTakeProfit(recovered, placed.ClientOrderId, 104m, T0 + (5 * Second));
        Assert.Equal((Side.Sell, 10L, EngineHarness.Raw(104m)), (takeProfit.Side, takeProfit.Quantity, takeProfit.LimitPriceRaw));
    }

    [Fact]
    public void CrashAfterTheTakeProfitWasTouched_BeforeTheStopsCancelLeft_RecoveryCancelsTheStopOnce_ThenPlacesTheTakeProfit()
    {
        (EngineHarness live, Func<EngineEvent, EngineEvent> run, long entry) = LiveUpToTheEntryFill();
        long stop = live.TakeOrders()[1].ClientOrderId;
        run(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = stop, ExecType = ExecutionType.Accepted, TsEventNs = T0 + Second });
        run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(104m), Size = 100, TsEventNs = T0 + (2 * Second) });
        Assert.Equal(OrderCommandKind.CancelOrder, Assert.Single(live.TakeOrders()).Kind); // then the process died

        var recovered = new EngineHarness(JournaledOptions());
        StateAssert.Equal(live.Engine, recovered.Engine);
        Assert.True(recovered.Engine.Orders.TryFind(entry, out int slot));
        Assert.True(recovered.Engine.Orders[slot].TakeProfitTouched);
        Assert.True(recovered.Engine.Orders.TryFind(stop, out int stopSlot));
        Assert.True(recovered.Engine.Orders[stopSlot].CancelPending); // the gateway's recovery re-sends the cancel (AmendCancelTests)
        Assert.Empty(recovered.TakeOrders());

        recovered.Trade(Aapl, 104m, T0 + (3 * Second));
        Assert.Empty(recovered.TakeOrders()); // not a second cancel, no take-profit while the stop may still rest
        recovered.Report(stop, ExecutionType.Canceled, tsNs: T0 + (4 * Second));
        OrderCommand takeProfit = Assert.Single(recovered.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Limit, 10L, EngineHarness.Raw(104m)), (takeProfit.Kind, takeProfit.OrderType, takeProfit.Quantity, takeProfit.LimitPriceRaw));
    }

    [Fact]
    public void CrashAfterAHeldStopTriggered_RecoveryPlacesItsMarketCloseExactlyOnce()
    {
        const VenueCapabilities kis = VenueCapabilities.Amend; // no stop orders: the engine holds the stop
        (EngineHarness live, Func<EngineEvent, EngineEvent> run, long entry) = LiveUpToTheEntryFill(kis);
        run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(98m), Size = 100, TsEventNs = T0 + (2 * Second) });
        List<OrderCommand> sent = live.TakeOrders();
        Assert.Equal([OrderType.Market, OrderType.Market], sent.Select(c => c.OrderType)); // the entry, then the stop's close — then the process died
        long close = sent[1].ClientOrderId;

        var recovered = new EngineHarness(JournaledOptions(kis));
        StateAssert.Equal(live.Engine, recovered.Engine);
        Assert.Empty(recovered.TakeOrders()); // replay rebuilds the close, it does not send it
        Assert.True(recovered.Engine.Orders.TryFind(entry, out int slot));
        Assert.Equal((true, close), (recovered.Engine.Orders[slot].StopTriggered, recovered.Engine.Orders[slot].StopOrderId));
        recovered.Trade(Aapl, 97m, T0 + (3 * Second));
        Assert.Empty(recovered.TakeOrders()); // still one close

        OrderGroupTests.Reject(recovered, close, RejectReason.NeverPlaced, T0 + (4 * Second)); // the venue never saw it
        OrderCommand again = Assert.Single(recovered.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Market, TimeInForce.Day, Side.Sell, 10L, IntentOrigin.StopLoss), (again.Kind, again.OrderType, again.TimeInForce, again.Side, again.Quantity, again.Origin));
        recovered.Report(again.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (5 * Second));
        recovered.Trade(Aapl, 96m, T0 + (6 * Second));
        Assert.Empty(recovered.TakeOrders()); // once
    }

    [Fact]
    public void CrashAfterTheExitsReachedTheVenue_RecoveryAdoptsThem_AndSendsNothing()
    {
        (_, _, long stopLoss) = CrashAfterTheEntryFill();

        var recovered = new EngineHarness(JournaledOptions());
        recovered.Report(stopLoss, ExecutionType.Accepted, tsNs: T0 + (2 * Second)); // found at the venue
        recovered.Trade(Aapl, 101m, T0 + (3 * Second));
        Assert.Empty(recovered.TakeOrders());

        recovered.Report(stopLoss, ExecutionType.Fill, 10, 98m, tsNs: T0 + (4 * Second));
        recovered.Trade(Aapl, 104m, T0 + (5 * Second));
        Assert.Empty(recovered.TakeOrders()); // the stop closed the position: the held take-profit never goes out
        Assert.Equal(0, recovered.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void Snapshot_CarriesTheGroups_AndTheRestoredEngineGoesOnAsTheLiveOne()
    {
        var live = new EngineHarness(OrderGroupTests.Options());
        live.Trade(Aapl, 100m);
        long entry = OrderGroupTests.Enter(live, new ProtectiveExits { TakeProfitPpm = 40_000, TrailPpm = 30_000 });
        live.Report(entry, ExecutionType.Accepted);
        live.Report(entry, ExecutionType.PartialFill, 4, 100m);
        List<OrderCommand> first = live.TakeOrders();
        Assert.Equal(2, first.Count); // the entry and its trailing stop; the take-profit is held
        live.Report(first[1].ClientOrderId, ExecutionType.Accepted);
        live.Trade(Aapl, 103m, T0 + Second); // the trail's anchor moves: the stop is being replaced
        live.TakeOrders();

        var restored = new EngineHarness(OrderGroupTests.Options());
        restored.Engine.RestoreState(live.Engine.CaptureState());
        StateAssert.Equal(live.Engine, restored.Engine);
        Assert.Equal(1, restored.Engine.OrderManager.ActiveGroups);
        Assert.True(restored.Engine.Orders.TryFind(entry, out int slot));
        OrderRecord group = restored.Engine.Orders[slot];
        Assert.Equal((OrderGroupRole.Entry, 30_000, EngineHarness.Raw(103m), 0L, first[1].ClientOrderId, false), (group.GroupRole, group.Exits.TrailPpm, group.TrailAnchorRaw, group.TakeProfitOrderId, group.StopOrderId, group.TakeProfitTouched));
        Assert.True(restored.Engine.Orders.TryFind(first[1].ClientOrderId, out int stopSlot));
        Assert.True(restored.Engine.Orders[stopSlot].GroupCanceled);

        foreach (EngineHarness h in new[] { live, restored })
        {
            h.Report(first[1].ClientOrderId, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
            h.Report(entry, ExecutionType.Fill, 6, 102m, tsNs: T0 + (3 * Second));
            h.Trade(Aapl, 104m, T0 + (4 * Second));
            h.Trade(Aapl, 106.1m, T0 + (5 * Second)); // the take-profit (average 102.4 + 4 %) is touched
        }

        List<OrderCommand> liveAfter = live.TakeOrders(), restoredAfter = restored.TakeOrders();
        Assert.NotEmpty(liveAfter);
        Assert.Equal(liveAfter.Select(c => (c.Kind, c.ClientOrderId, c.Quantity, c.LimitPriceRaw, c.StopPriceRaw)), restoredAfter.Select(c => (c.Kind, c.ClientOrderId, c.Quantity, c.LimitPriceRaw, c.StopPriceRaw)));
        StateAssert.Equal(live.Engine, restored.Engine);
    }
}
