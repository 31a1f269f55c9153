using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 19, order groups: an entry's protective exits become a take-profit and a stop held by the order
/// manager (one cancels the other, resized by partial fills, never above the position, trailing stops moved
/// in event time), or travel with the entry where the venue holds brackets. Only one exit of the shares rests
/// at the venue (a venue refuses a second sell of shares an order holds): the stop rests, the engine holds the
/// take-profit until the market reaches it, then cancels the stop and places the take-profit.
/// </summary>
public sealed class OrderGroupTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;
    private const long Second = EngineHarness.Second;

    internal static EngineOptions Options(VenueCapabilities capabilities = VenueCapabilities.StopOrders) => EngineHarness.DefaultOptions() with
    {
        Instruments = new Dictionary<string, InstrumentInfo>
        {
            // A venue the capability table does not know, so exactly these capabilities hold (by default it holds
            // stops and nothing else: no amend, no native exits; a known venue's name would give None its table
            // entry). Shortable: the
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

    private static (EngineHarness H, long Entry) Filled(in ProtectiveExits exits, long quantity = 10, decimal price = 100m, VenueCapabilities capabilities = VenueCapabilities.StopOrders, bool startAudit = false)
    {
        var h = new EngineHarness(Options(capabilities), startAudit);
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

    /// <summary>
    /// The market reaches the held take-profit at <paramref name="price"/>: the resting stop <paramref name="stop"/> is
    /// canceled, nothing else goes out until its Canceled, then the take-profit is placed; returns it.
    /// </summary>
    internal static OrderCommand TouchTakeProfit(EngineHarness h, long stop, decimal price, long tsNs)
    {
        h.Trade(Aapl, price, tsNs);
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, stop), (cancel.Kind, cancel.ClientOrderId));
        h.Trade(Aapl, price, tsNs + 1);
        Assert.Empty(h.TakeOrders()); // never both exits at the venue
        h.Report(stop, ExecutionType.Canceled, tsNs: tsNs + 2);
        OrderCommand takeProfit = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.SubmitOrder, OrderType.Limit, IntentOrigin.TakeProfit, TimeInForce.Gtc), (takeProfit.Kind, takeProfit.OrderType, takeProfit.Origin, takeProfit.TimeInForce));
        return takeProfit;
    }

    [Fact]
    public void EntryFill_PlacesTheStop_ForTheFilledQuantity_AtTheAverageFillPrice_AndHoldsTheTakeProfit()
    {
        (EngineHarness h, long entry) = Filled(Bracket());

        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(2, sent.Count); // the entry and its stop: the take-profit is the engine's until touched
        Assert.Equal(entry, sent[0].ClientOrderId);
        Assert.Equal(OrderGroupRole.None, sent[0].GroupRole); // emulated: the venue sees a plain entry
        OrderCommand stopLoss = sent[1];
        Assert.Equal((OrderType.Stop, Side.Sell, 10L, EngineHarness.Raw(98m), TimeInForce.Gtc, IntentOrigin.StopLoss), (stopLoss.OrderType, stopLoss.Side, stopLoss.Quantity, stopLoss.StopPriceRaw, stopLoss.TimeInForce, stopLoss.Origin));

        OrderRecord group = Order(h, entry);
        Assert.Equal((OrderGroupRole.Entry, entry, 0L, stopLoss.ClientOrderId, false), (group.GroupRole, group.GroupId, group.TakeProfitOrderId, group.StopOrderId, group.TakeProfitTouched));
        Assert.Equal((OrderGroupRole.StopLoss, entry), (Order(h, stopLoss.ClientOrderId).GroupRole, Order(h, stopLoss.ClientOrderId).GroupId));
        Assert.Equal(1, h.Engine.OrderManager.ActiveGroups);
        h.Report(stopLoss.ClientOrderId, ExecutionType.Accepted);

        h.Trade(Aapl, 103.99m, T0 + Second); // below the take-profit: held
        Assert.Empty(h.TakeOrders());

        OrderCommand takeProfit = TouchTakeProfit(h, stopLoss.ClientOrderId, 104m, T0 + (2 * Second));
        Assert.Equal((Side.Sell, 10L, EngineHarness.Raw(104m)), (takeProfit.Side, takeProfit.Quantity, takeProfit.LimitPriceRaw));
        group = Order(h, entry);
        Assert.Equal((takeProfit.ClientOrderId, 0L, true), (group.TakeProfitOrderId, group.StopOrderId, group.TakeProfitTouched));
        Assert.Equal((OrderGroupRole.TakeProfit, entry), (Order(h, takeProfit.ClientOrderId).GroupRole, Order(h, takeProfit.ClientOrderId).GroupId));
    }

    [Fact]
    public void HeldTakeProfit_IsTouchedByABarsHigh_ForALong()
    {
        (EngineHarness h, _) = Filled(Bracket());
        long stop = h.TakeOrders()[1].ClientOrderId;
        h.Report(stop, ExecutionType.Accepted);

        h.Process(new EngineEvent { Kind = EventKind.Bar, SymbolId = Aapl, PriceRaw = EngineHarness.Raw(101m), OpenRaw = EngineHarness.Raw(100m), HighRaw = EngineHarness.Raw(104.5m), LowRaw = EngineHarness.Raw(99m), Size = 100, TsEventNs = T0 + Second });

        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, stop), (cancel.Kind, cancel.ClientOrderId));
    }

    [Fact]
    public void ExitPrices_GivenAsPrices_AreUsedAsTheyAre()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TakeProfitRaw = EngineHarness.Raw(120m), StopLossRaw = EngineHarness.Raw(90m) });
        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(2, sent.Count);
        Assert.Equal(EngineHarness.Raw(90m), sent[1].StopPriceRaw);
        h.Report(sent[1].ClientOrderId, ExecutionType.Accepted);
        Assert.Equal(EngineHarness.Raw(120m), TouchTakeProfit(h, sent[1].ClientOrderId, 120m, T0 + Second).LimitPriceRaw);
    }

    [Fact]
    public void TakeProfitTouched_ReplacesTheStop_AndItsFillEndsTheGroup()
    {
        (EngineHarness h, long entry) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);
        long tp = TouchTakeProfit(h, sl, 104m, T0 + Second).ClientOrderId;
        h.Report(tp, ExecutionType.Accepted, tsNs: T0 + (2 * Second));

        h.Report(tp, ExecutionType.Fill, 10, 104m, tsNs: T0 + (3 * Second));

        Assert.Empty(h.TakeOrders()); // the stop is gone already: nothing to cancel, nothing replaces it
        Assert.Equal(0, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
        Assert.Equal(10, Order(h, entry).ExitedQuantity);
    }

    [Fact]
    public void StopFilledWhileItsCancelIsOnTheWay_TheTakeProfitIsNeverPlaced_AndTheGroupEnds()
    {
        (EngineHarness h, long entry) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);
        h.Trade(Aapl, 104m, T0 + Second); // touched: the stop's cancel goes out
        Assert.Equal(OrderCommandKind.CancelOrder, Assert.Single(h.TakeOrders()).Kind);

        h.Report(sl, ExecutionType.Fill, 10, 98m, tsNs: T0 + (2 * Second)); // the venue filled it first

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
        Assert.Equal((10L, 0L), (Order(h, entry).ExitedQuantity, Order(h, entry).TakeProfitOrderId));
    }

    [Fact]
    public void StopFill_EndsTheGroup_AndTheHeldTakeProfitIsNeverPlaced()
    {
        (EngineHarness h, _) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Report(sl, ExecutionType.Fill, 10, 98m, tsNs: T0 + Second);
        h.Trade(Aapl, 105m, T0 + (2 * Second));

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void PartialExitFill_ShrinksTheOtherExit_ByAsMuch()
    {
        (EngineHarness h, _) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Report(sl, ExecutionType.PartialFill, 4, 98m, tsNs: T0 + Second);
        Assert.Empty(h.TakeOrders()); // the stop holds the 6 left; the held take-profit shrinks with it

        // The take-profit, when touched, goes out for the 6 the stop's partial fill left.
        OrderCommand takeProfit = TouchTakeProfit(h, sl, 104m, T0 + (2 * Second));
        Assert.Equal((6L, EngineHarness.Raw(104m)), (takeProfit.Quantity, takeProfit.LimitPriceRaw));
    }

    [Fact]
    public void PartialEntryFills_ResizeTheExits_ToWhatIsFilled_AtTheNewAveragePrice()
    {
        (EngineHarness h, long entry) = Filled(Bracket(), quantity: 4, price: 100m);
        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal([4L], sent.Skip(1).Select(c => c.Quantity));
        long sl = sent[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Report(entry, ExecutionType.Fill, 6, 105m, tsNs: T0 + Second); // average 103

        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, sl), (cancel.Kind, cancel.ClientOrderId));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        OrderCommand stop = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Stop, 10L, EngineHarness.Raw(100.94m)), (stop.OrderType, stop.Quantity, stop.StopPriceRaw)); // 103 − 2 %
        h.Report(stop.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (2 * Second));

        h.Trade(Aapl, 107.11m, T0 + (3 * Second)); // the take-profit moved with the average: not yet
        Assert.Empty(h.TakeOrders());
        OrderCommand takeProfit = TouchTakeProfit(h, stop.ClientOrderId, 107.12m, T0 + (4 * Second));
        Assert.Equal((10L, EngineHarness.Raw(107.12m)), (takeProfit.Quantity, takeProfit.LimitPriceRaw)); // 103 + 4 %
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
        (EngineHarness h, long entry) = Filled(Bracket(), quantity: 4, price: 100m, capabilities: VenueCapabilities.StopOrders | VenueCapabilities.Amend);
        List<OrderCommand> sent = h.TakeOrders();
        long sl = sent[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Report(entry, ExecutionType.Fill, 6, 105m, tsNs: T0 + Second); // average 103

        OrderCommand amend = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.AmendOrder, sl, 10L, 0L, EngineHarness.Raw(100.94m)), (amend.Kind, amend.ClientOrderId, amend.Quantity, amend.LimitPriceRaw, amend.StopPriceRaw));
        Replaced(h, sl, 10, 0m, 100.94m, T0 + (2 * Second));
        h.Trade(Aapl, 103m, T0 + (3 * Second));
        Assert.Empty(h.TakeOrders()); // in place: nothing more
        Assert.Equal(10, h.Engine.Orders.ExitSellQuantity(Aapl)); // one exit of the 10 shares at the venue
    }

    [Fact]
    public void WhereTheVenueAmends_TheTrailingStopIsMovedInPlace_AndAnAmendRefusedIsReplaced()
    {
        (EngineHarness h, _) = Filled(new ProtectiveExits { TrailPpm = 30_000 }, capabilities: VenueCapabilities.StopOrders | VenueCapabilities.Amend);
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
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        // A plain sell of 4 (another signal) fills: 6 shares are left to protect.
        EngineEvent sell = h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalQuantity = 4, SignalId = 2, TsEventNs = T0 + Second });
        Assert.Equal(RejectReason.None, sell.Reject);
        Assert.Single(h.TakeOrders());
        h.Report(sell.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + Second);
        h.Report(sell.ClientOrderId, ExecutionType.Fill, sell.Quantity, 101m, tsNs: T0 + Second);
        Assert.Equal(10 - sell.Quantity, h.Engine.Portfolio.Quantity(Aapl));

        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, sl), (cancel.Kind, cancel.ClientOrderId));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        OrderCommand stop = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Stop, 10 - sell.Quantity), (stop.OrderType, stop.Quantity));
        h.Report(stop.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + (2 * Second));
        Assert.Equal(10 - sell.Quantity, TouchTakeProfit(h, stop.ClientOrderId, 104m, T0 + (3 * Second)).Quantity);
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
        Assert.Equal(2, sent.Count);
        Assert.Equal((Side.Buy, OrderType.Stop, e.Quantity, EngineHarness.Raw(102m)), (sent[1].Side, sent[1].OrderType, sent[1].Quantity, sent[1].StopPriceRaw));
        h.Report(sent[1].ClientOrderId, ExecutionType.Accepted);

        h.Trade(Aapl, 96.01m, T0 + Second); // above a short's take-profit: held
        Assert.Empty(h.TakeOrders());
        OrderCommand takeProfit = TouchTakeProfit(h, sent[1].ClientOrderId, 96m, T0 + (2 * Second));
        Assert.Equal((Side.Buy, OrderType.Limit, e.Quantity, EngineHarness.Raw(96m)), (takeProfit.Side, takeProfit.OrderType, takeProfit.Quantity, takeProfit.LimitPriceRaw));
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
        // Priced exits: a market entry with percent exits has no price for the venue's bracket to measure from, so the
        // engine holds those (issue 19, NativeLegTests.AnEntrysExits_GoToTheVenueOnlyWhereItsBracketTakesThem_ElseTheEngineHoldsThem).
        var exits = new ProtectiveExits { TakeProfitRaw = EngineHarness.Raw(104m), StopLossRaw = EngineHarness.Raw(98m) };
        (EngineHarness h, long entry) = Filled(exits, capabilities: VenueCapabilities.NativeBracket);
        OrderCommand sent = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderGroupRole.Entry, entry, exits.TakeProfitRaw, exits.StopLossRaw), (sent.GroupRole, sent.GroupId, sent.Exits.TakeProfitRaw, sent.Exits.StopLossRaw));
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
        (EngineHarness h, long entry) = Filled(Bracket(), startAudit: true);
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);
        long tp = TouchTakeProfit(h, sl, 104m, T0 + Second).ClientOrderId;

        Reject(h, tp, RejectReason.BrokerRejected, T0 + (2 * Second));

        // The stop, which the touch retired, protects again: the venue refused the take-profit.
        OrderCommand stop = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Stop, 10L, EngineHarness.Raw(98m)), (stop.OrderType, stop.Quantity, stop.StopPriceRaw));
        h.Trade(Aapl, 105m, T0 + (3 * Second));
        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, Order(h, entry).TakeProfitOrderId);
        Assert.Equal(0, Order(h, entry).Exits.TakeProfitPpm);
        Assert.Equal(stop.ClientOrderId, Order(h, entry).StopOrderId);
        Assert.Equal(Orchestrator.Engine.Ring.ShutdownResult.Drained, h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30))); // every audit line rendered
        Assert.Contains(h.Audit.Lines, l => l.Record.Kind == AuditKind.GroupExitDropped && l.Record.ClientOrderId == tp && l.Message.Contains("not placed again", StringComparison.Ordinal));
    }

    [Fact]
    public void StopRejectedByTheVenue_IsDropped_AndTheTakeProfitGoesOut()
    {
        (EngineHarness h, long entry) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;

        Reject(h, sl, RejectReason.BrokerRejected, T0 + Second);

        OrderCommand takeProfit = Assert.Single(h.TakeOrders()); // the only exit left: it rests now
        Assert.Equal((OrderType.Limit, 10L, EngineHarness.Raw(104m)), (takeProfit.OrderType, takeProfit.Quantity, takeProfit.LimitPriceRaw));
        h.Trade(Aapl, 90m, T0 + (2 * Second));
        Assert.Empty(h.TakeOrders());
        Assert.Equal((0L, 0), (Order(h, entry).StopOrderId, Order(h, entry).Exits.StopLossPpm));
    }

    [Fact]
    public void StopCanceledBySomeoneElse_TakesTheHeldTakeProfitAlong()
    {
        (EngineHarness h, long entry) = Filled(Bracket(), startAudit: true);
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + Second); // the operator, at the venue
        h.Trade(Aapl, 105m, T0 + (2 * Second));

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
        Assert.False(Order(h, entry).Exits.Any);
        Assert.Equal(Orchestrator.Engine.Ring.ShutdownResult.Drained, h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30)));
        Assert.Contains(h.Audit.Lines, l => l.Record.Kind == AuditKind.GroupExitDropped && l.Record.ClientOrderId == 0 && l.Record.Origin == IntentOrigin.TakeProfit);
    }

    [Fact]
    public void KillSwitchCancels_TheExits_AndTheGroupDoesNotPlaceThemAgain()
    {
        (EngineHarness h, _) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;
        h.Report(sl, ExecutionType.Accepted);

        h.Command(CommandKind.EngageKillSwitch, T0 + Second);
        OrderCommand cancel = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, sl), (cancel.Kind, cancel.ClientOrderId));
        h.Report(sl, ExecutionType.Canceled, tsNs: T0 + (2 * Second));
        h.Trade(Aapl, 105m, T0 + (3 * Second)); // the held take-profit went with the stop: not placed either

        Assert.Empty(h.TakeOrders());
        Assert.Equal(0, h.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void ExitNeverPlacedBeforeACrash_IsPlacedAgain_Once()
    {
        (EngineHarness h, _) = Filled(Bracket());
        long sl = h.TakeOrders()[1].ClientOrderId;

        Reject(h, sl, RejectReason.NeverPlaced, T0 + Second);

        OrderCommand again = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderType.Stop, 10L, EngineHarness.Raw(98m)), (again.OrderType, again.Quantity, again.StopPriceRaw));
        h.Report(again.ClientOrderId, ExecutionType.Accepted, tsNs: T0 + Second);
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
