using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19, order groups: an entry's protective exits become a take-profit and a stop held by the order
/// manager (one cancels the other, resized by partial fills, never above the position, trailing stops moved
/// in event time), or travel with the entry where the venue holds brackets.
/// </summary>
public sealed class OrderGroupTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;

    internal static EngineOptions Options(VenueCapabilities capabilities = VenueCapabilities.None) => EngineHarness.DefaultOptions() with
    {
        Instruments = new Dictionary<string, InstrumentInfo>
        {
            // A venue the capability table does not know, so exactly these capabilities hold (None stays None: no
            // amend, no native exits; a known venue's name would give None its table entry). Shortable: the
            // symbol may be sold short where risk's allow_short_selling lets it (the short-entry test).
            ["AAPL"] = new() { Symbol = "AAPL", Exchange = "XNYS", Currency = "USD", Venue = "test-venue", Capabilities = capabilities, Shortable = true },
        },
    };

    internal static ProtectiveExits Bracket(int takeProfitPpm = 40_000, int stopLossPpm = 20_000) => new() { TakeProfitPpm = takeProfitPpm, StopLossPpm = stopLossPpm };

    /// <summary>A buy signal for 10 AAPL (fixed-quantity sizing) carrying <paramref name="exits"/>; returns the entry's id.</summary>
    internal static long Enter(EngineHarness h, in ProtectiveExits exits, long tsNs = T0, long signalId = 1)
    {
        EngineEvent e = h.Process(new EngineEvent
        {
            Kind = EventKind.TradeSignal,
            SymbolId = Aapl,
            SignalSide = Side.Buy,
            ConfidencePpm = 900_000,
            SignalId = signalId,
            Exits = exits,
            TsEventNs = tsNs,
        });
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.NotEqual(0, e.ClientOrderId);
        return e.ClientOrderId;
    }

    internal static EngineEvent Reject(EngineHarness h, long clientOrderId, RejectReason reason, long tsNs = T0) =>
        h.Process(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = clientOrderId, ExecType = ExecutionType.Rejected, ReportReject = reason, TsEventNs = tsNs });

    private static (EngineHarness H, long Entry) Filled(in ProtectiveExits exits, long quantity = 10, decimal price = 100m, VenueCapabilities capabilities = VenueCapabilities.None)
    {
        var h = new EngineHarness(Options(capabilities));
        h.Trade(Aapl, 100m);
        long entry = Enter(h, exits);
        h.Report(entry, ExecutionType.Accepted);
        h.Report(entry, quantity == 10 ? ExecutionType.Fill : ExecutionType.PartialFill, quantity, price);
        return (h, entry);
    }

    private static OrderRecord Order(EngineHarness h, long clientOrderId)
    {
        Assert.True(h.Engine.Orders.TryFind(clientOrderId, out int slot), "order " + clientOrderId + " is not in the table");
        return h.Engine.Orders[slot];
    }

    [Fact]
    public void EntryFill_PlacesTakeProfitAndStopLoss_ForTheFilledQuantity_AtTheAverageFillPrice()
    {
        (EngineHarness h, long entry) = Filled(Bracket());

        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(3, sent.Count);
        Assert.Equal(entry, sent[0].ClientOrderId);
        Assert.Equal(OrderGroupRole.None, sent[0].GroupRole); // emulated: the venue sees a plain entry
        OrderCommand stopLoss = sent[1], takeProfit = sent[2]; // the stop goes out first
        Assert.Equal((OrderType.Limit, Side.Sell, 10L, EngineHarness.Raw(104m), TimeInForce.Gtc, IntentOrigin.TakeProfit), (takeProfit.OrderType, takeProfit.Side, takeProfit.Quantity, takeProfit.LimitPriceRaw, takeProfit.TimeInForce, takeProfit.Origin));
        Assert.Equal((OrderType.Stop, Side.Sell, 10L, EngineHarness.Raw(98m), TimeInForce.Gtc, IntentOrigin.StopLoss), (stopLoss.OrderType, stopLoss.Side, stopLoss.Quantity, stopLoss.StopPriceRaw, stopLoss.TimeInForce, stopLoss.Origin));

        OrderRecord group = Order(h, entry);
        Assert.Equal((OrderGroupRole.Entry, entry, takeProfit.ClientOrderId, stopLoss.ClientOrderId), (group.GroupRole, group.GroupId, group.TakeProfitOrderId, group.StopOrderId));
        Assert.Equal((OrderGroupRole.TakeProfit, entry), (Order(h, takeProfit.ClientOrderId).GroupRole, Order(h, takeProfit.ClientOrderId).GroupId));
        Assert.Equal(1, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void ExitPrices_GivenAsPrices_AreUsedAsTheyAre()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TakeProfitRaw = EngineHarness.Raw(120m), StopLossRaw = EngineHarness.Raw(90m) });
        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(EngineHarness.Raw(90m), sent[1].StopPriceRaw);
        Assert.Equal(EngineHarness.Raw(120m), sent[2].LimitPriceRaw);
    }

    [Fact]
    public void TakeProfitFill_CancelsTheStopLoss_AndTheGroupEnds()
    {
        (EngineHarness h, long entry) = Filled(Bracket());
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        h.Report(tp, ExecutionType.Fill, 10, 104m, tsNs: T0 + Second);

        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, sl), (cancel.Kind, cancel.ClientOrderId));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        Assert.Empty(h.TakeOrders()); // the group's own cancel: nothing replaces it
        Assert.Equal(0, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
        Assert.Equal(10, Order(h, entry).ExitedQuantity);
    }

    [Fact]
    public void PartialExitFill_ShrinksTheOtherExit_ByAsMuch()
    {
        (EngineHarness h, _) = Filled(Bracket());
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        h.Report(tp, ExecutionType.PartialFill, 4, 104m, tsNs: T0 + Second);

        // No amend at this venue: the stop is canceled, and replaced for 6 once the venue confirms.
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, sl), (cancel.Kind, cancel.ClientOrderId));
        h.Trade(Aapl, 101m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders()); // never two stops at once
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (3 * Second));
        OrderCommand replacement = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Stop, 6L, EngineHarness.Raw(98m)), (replacement.Kind, replacement.OrderType, replacement.Quantity, replacement.StopPriceRaw));
        Assert.Equal(6, Order(h, tp).LeavesQuantity); // the take-profit already holds 6
    }

    [Fact]
    public void PartialEntryFills_ResizeTheExits_ToWhatIsFilled_AtTheNewAveragePrice()
    {
        (EngineHarness h, long entry) = Filled(Bracket(), quantity: 4, price: 100m);
        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal([4L, 4L], sent.Skip(1).Select(c => c.Quantity));
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        h.Report(entry, ExecutionType.Fill, 6, 105m, tsNs: T0 + Second); // average 103

        List<OrderCommand> cancels = h.TakeOrders();
        Assert.Equal([(OrderCommandKind.CancelOrder, sl), (OrderCommandKind.CancelOrder, tp)], cancels.Select(c => (c.Kind, c.ClientOrderId)));
        h.Report(tp, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        List<OrderCommand> placed = h.TakeOrders();
        Assert.Equal(2, placed.Count);
        Assert.Equal((10L, EngineHarness.Raw(107.12m)), (placed[0].Quantity, placed[0].LimitPriceRaw)); // 103 + 4 % (its Canceled came first)
        Assert.Equal((10L, EngineHarness.Raw(100.94m)), (placed[1].Quantity, placed[1].StopPriceRaw)); // 103 − 2 %
    }

    internal static EngineEvent Replaced(EngineHarness h, long clientOrderId, long quantity, decimal limit, decimal stop, long tsNs) =>
        h.Process(new EngineEvent
        {
            Kind = EventKind.ExecutionReport,
            ReportOrderId = clientOrderId,
            ExecType = ExecutionType.Replaced,
            ReportQuantity = quantity,
            ReportLimitRaw = EngineHarness.Raw(limit),
            ReportStopRaw = EngineHarness.Raw(stop),
            TsEventNs = tsNs,
        });

    [Fact]
    public void WhereTheVenueAmends_PartialEntryFills_AmendTheExitsInPlace()
    {
        (EngineHarness h, long entry) = Filled(Bracket(), quantity: 4, price: 100m, capabilities: VenueCapabilities.Amend);
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        h.Report(entry, ExecutionType.Fill, 6, 105m, tsNs: T0 + Second); // average 103

        List<OrderCommand> amends = h.TakeOrders();
        Assert.Equal(
            [(OrderCommandKind.AmendOrder, sl, 10L, 0L, EngineHarness.Raw(100.94m)), (OrderCommandKind.AmendOrder, tp, 10L, EngineHarness.Raw(107.12m), 0L)],
            amends.Select(c => (c.Kind, c.ClientOrderId, c.Quantity, c.LimitPriceRaw, c.StopPriceRaw)));
        Replaced(h, tp, 10, 107.12m, 0m, T0 + (2 * Second));
        Replaced(h, sl, 10, 0m, 100.94m, T0 + (2 * Second));
        h.Trade(Aapl, 103m, T0 + (3 * Second));
        Assert.Empty(h.TakeOrders()); // in place: nothing more
        Assert.Equal(20, h.Engine.Orders.ExitSellQuantity(Aapl));
    }

    [Fact]
    public void WhereTheVenueAmends_TheTrailingStopIsMovedInPlace_AndAnAmendRefusedIsReplaced()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TrailPpm = 30_000 }, capabilities: VenueCapabilities.Amend);
        long stop = h.TakeOrders()[1].ClientOrderId;
        h.Report(stop, ExecutionType.Accepted);

        h.Trade(Aapl, 110m, T0 + Second);
        OrderCommand amend = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.AmendOrder, stop, 10L, EngineHarness.Raw(106.70m)), (amend.Kind, amend.ClientOrderId, amend.Quantity, amend.StopPriceRaw));
        h.Trade(Aapl, 111m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders()); // one amend in flight at a time

        h.Process(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = stop, ExecType = ExecutionType.AmendRejected, ReportReject = RejectReason.BrokerRejected, TsEventNs = T0 + (3 * Second) });
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, stop), (cancel.Kind, cancel.ClientOrderId));
        h.Report(stop, ExecutionType.Canceled, tsNs: T0 + (4 * Second));
        OrderCommand replacement = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Stop, EngineHarness.Raw(107.67m)), (replacement.Kind, replacement.OrderType, replacement.StopPriceRaw)); // 111 − 3 %
    }

    [Fact]
    public void PositionShrunkByAnotherOrder_ShrinksTheExits_NeverLargerThanThePosition()
    {
        (EngineHarness h, _) = Filled(Bracket());
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        // A plain sell of 4 (another signal) fills: 6 shares are left to protect.
        EngineEvent sell = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalQuantity = 4, SignalId = 2, TsEventNs = T0 + Second });
        Assert.Equal(RejectReason.None, sell.Reject);
        Assert.Single(h.TakeOrders());
        h.Report(sell.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + Second);
        h.Report(sell.ClientOrderId, ExecutionType.Fill, sell.Quantity, 101m, tsNs: T0 + Second);
        Assert.Equal(10 - sell.Quantity, h.Engine.Portfolio.Quantity(Aapl));

        List<OrderCommand> cancels = h.TakeOrders();
        Assert.Equal([sl, tp], cancels.Select(c => c.ClientOrderId));
        h.Report(tp, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        List<OrderCommand> placed = h.TakeOrders();
        Assert.Equal([10 - sell.Quantity, 10 - sell.Quantity], placed.Select(c => c.Quantity));
    }

    [Fact]
    public void TrailingStop_FollowsTheBestPrice_InEventTime_NeverBack()
    {
        (EngineHarness h, long entry) = Filled(new ProtectiveExits { TrailPpm = 30_000 }); // 3 %
        OrderCommand stop = h.TakeOrders()[1];
        Assert.Equal((OrderType.Stop, EngineHarness.Raw(97m), IntentOrigin.TrailingStop), (stop.OrderType, stop.StopPriceRaw, stop.Origin));
        h.Report(stop.ClientOrderId, ExecutionType.Accepted);

        h.Trade(Aapl, 110m, T0 + Second); // anchor 110: the stop goes to 106.70
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, stop.ClientOrderId), (cancel.Kind, cancel.ClientOrderId));
        h.Report(stop.ClientOrderId, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        OrderCommand moved = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Stop, 10L, EngineHarness.Raw(106.70m)), (moved.OrderType, moved.Quantity, moved.StopPriceRaw));
        h.Report(moved.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (2 * Second));

        h.Trade(Aapl, 107m, T0 + (3 * Second)); // lower: the stop stays
        Assert.Empty(h.TakeOrders());
        Assert.Equal(EngineHarness.Raw(110m), Order(h, entry).TrailAnchorRaw);
        Assert.Equal(EngineHarness.Raw(110m), Order(h, moved.ClientOrderId).TrailAnchorRaw);
    }

    [Fact]
    public void ShortEntry_GetsBuyExits_BelowAndAboveItsAverage()
    {
        var h = new EngineHarness(Options() with { Risk = EngineHarness.DefaultOptions().Risk with { AllowShortSelling = true } });
        h.Trade(Aapl, 100m);
        EngineEvent e = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalId = 1, Exits = Bracket(), TsEventNs = T0 });
        Assert.Equal(RejectReason.None, e.Reject);
        h.Report(e.ClientOrderId, ExecutionType.Accepted);
        h.Report(e.ClientOrderId, ExecutionType.Fill, e.Quantity, 100m);

        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(3, sent.Count);
        Assert.Equal((Side.Buy, OrderType.Stop, e.Quantity, EngineHarness.Raw(102m)), (sent[1].Side, sent[1].OrderType, sent[1].Quantity, sent[1].StopPriceRaw)); // the stop first
        Assert.Equal((Side.Buy, OrderType.Limit, e.Quantity, EngineHarness.Raw(96m)), (sent[2].Side, sent[2].OrderType, sent[2].Quantity, sent[2].LimitPriceRaw));
    }

    [Fact]
    public void StopLossAndTrail_MakeOneStop_AtTheTighterOfBoth()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { StopLossPpm = 50_000, TrailPpm = 30_000 });
        OrderCommand stop = h.TakeOrders()[1];
        Assert.Equal(EngineHarness.Raw(97m), stop.StopPriceRaw); // trail 97 above stop-loss 95
    }

    [Fact]
    public void NativeBracket_TravelsWithTheEntry_AndNothingIsEmulated()
    {
        ProtectiveExits exits = Bracket();
        (EngineHarness h, long entry) = Filled(exits, capabilities: VenueCapabilities.NativeBracket);
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderGroupRole.Entry, entry, exits.TakeProfitPpm, exits.StopLossPpm), (sent.GroupRole, sent.GroupId, sent.Exits.TakeProfitPpm, sent.Exits.StopLossPpm));
        Assert.True(Order(h, entry).ExitsNative);
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void NativeTrailingStop_IsSentAsTheVenuesTrailingStop_AndNotMoved()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TrailPpm = 30_000 }, capabilities: VenueCapabilities.NativeTrailingStop);
        OrderCommand stop = h.TakeOrders()[1];
        Assert.Equal((OrderType.TrailingStop, 30_000, 0L), (stop.OrderType, stop.TrailPpm, stop.StopPriceRaw));
        h.Report(stop.ClientOrderId, ExecutionType.Accepted);
        h.Trade(Aapl, 120m, T0 + Second);
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void ExitRejectedByTheVenue_IsDropped_NotPlacedAgain()
    {
        var h = new EngineHarness(Options(), startAudit: true);
        h.Trade(Aapl, 100m);
        long entry = Enter(h, Bracket());
        h.Report(entry, ExecutionType.Accepted);
        h.Report(entry, ExecutionType.Fill, 10, 100m);
        long tp = h.TakeOrders()[2].ClientOrderId; // after the stop

        Reject(h, tp, RejectReason.BrokerRejected, T0 + Second);
        h.Trade(Aapl, 101m, T0 + (2 * Second));

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, Order(h, entry).TakeProfitOrderId);
        Assert.Equal(0, Order(h, entry).Exits.TakeProfitPpm);
        Assert.NotEqual(0, Order(h, entry).StopOrderId); // the stop still protects
        Assert.Equal(Orchestrator.Engine.Ring.ShutdownResult.Drained, h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30))); // every audit line rendered
        Assert.Contains(h.Audit.Lines, l => l.Record.Kind == AuditKind.GroupExitDropped && l.Record.ClientOrderId == tp && l.Message.Contains("not placed again", StringComparison.Ordinal));
    }

    [Fact]
    public void KillSwitchCancels_TheExits_AndTheGroupDoesNotPlaceThemAgain()
    {
        (EngineHarness h, _) = Filled(Bracket());
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(tp, ExecutionType.Accepted);
        h.Report(sl, ExecutionType.Accepted);

        h.Command(CommandKind.EngageKillSwitch, T0 + Second);
        Assert.Equal(2, h.TakeOrders().Count(c => c.Kind == OrderCommandKind.CancelOrder));
        h.Report(tp, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        h.Trade(Aapl, 99m, T0 + (3 * Second));

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void ExitNeverPlacedBeforeACrash_IsPlacedAgain_Once()
    {
        (EngineHarness h, _) = Filled(Bracket());
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId, tp = sent[2].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        Reject(h, tp, RejectReason.NeverPlaced, T0 + Second);

        OrderCommand again = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Limit, 10L, EngineHarness.Raw(104m)), (again.OrderType, again.Quantity, again.LimitPriceRaw));
        h.Trade(Aapl, 101m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
    }

    [Fact]
    public void OrdersWithoutExits_KeepTheGlobalExits()
    {
        EngineOptions options = Options() with { Exits = new ExitOptions { StopLossFraction = 0.02m } };
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m);
        h.TakeOrders();
        Assert.Equal(IntentOrigin.StopLoss, h.Trade(Aapl, 97m, T0 + Second).Origin);
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void ExitsWorking_ReplaceTheGlobalExits_ForTheirPosition()
    {
        EngineOptions options = Options() with { Exits = new ExitOptions { StopLossFraction = 0.01m } };
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        long entry = Enter(h, Bracket());
        h.Report(entry, ExecutionType.Accepted);
        h.Report(entry, ExecutionType.Fill, 10, 100m);
        h.TakeOrders();

        Assert.False(h.Trade(Aapl, 98.5m, T0 + Second).HasIntent); // the group's own 2 % stop holds, not the global 1 %
    }
}
