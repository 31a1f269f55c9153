using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Amend and cancel signals (issue 19): judged against their target order, sent as commands, and the venue's answers applied.</summary>
public sealed class AmendCancelTests
{
    private static EngineEvent Action(SignalAction action, long target, long quantity = 0, decimal limit = 0m, decimal stop = 0m, int sourceId = 0, long tsNs = EngineHarness.T0, int symbolId = -1) => new()
    {
        Kind = EventKind.TradeSignal,
        SymbolId = symbolId,
        Action = action,
        TargetOrderId = target,
        SignalQuantity = quantity,
        SignalPriceRaw = EngineHarness.Raw(limit),
        SignalStopRaw = EngineHarness.Raw(stop),
        SourceId = sourceId,
        SignalId = 77,
        TsEventNs = tsNs,
    };

    /// <summary>A resting buy limit of 10 at 100 (accepted), the outbound ring emptied.</summary>
    private static (EngineHarness H, long Id) RestingBuyLimit(EngineOptions? options = null)
    {
        var h = new EngineHarness(options);
        h.Trade(0, 100m);
        EngineEvent e = h.Signal(0, Side.Buy, limit: 100m);
        Assert.Equal(RejectReason.None, e.Reject);
        h.Report(e.ClientOrderId, ExecutionType.Accepted);
        h.TakeOrders();
        return (h, e.ClientOrderId);
    }

    private static OrderRecord Order(EngineHarness h, long id)
    {
        Assert.True(h.Engine.Orders.TryFind(id, out int slot));
        return h.Engine.Orders[slot];
    }

    [Fact]
    public void AmendSignal_SendsAnAmendOrder_AndTheOrderChangesOnlyWhenReplaced()
    {
        (EngineHarness h, long id) = RestingBuyLimit();

        EngineEvent amend = h.Process(Action(SignalAction.Amend, id, quantity: 15, limit: 99m));
        Assert.Equal(RejectReason.None, amend.Reject);
        Assert.Equal(id, amend.ClientOrderId); // the ack names the order it changes

        OrderCommand command = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.AmendOrder, id, 15L, EngineHarness.Raw(99m), Side.Buy, OrderType.Limit), (command.Kind, command.ClientOrderId, command.Quantity, command.LimitPriceRaw, command.Side, command.OrderType));
        OrderRecord pending = Order(h, id);
        Assert.True(pending.AmendPending);
        Assert.Equal((10L, EngineHarness.Raw(100m)), (pending.Quantity, pending.LimitRaw)); // not yet
        Assert.Equal(10, h.Engine.Orders.WorkingBuyQuantity(0));

        h.Process(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = id, ExecType = ExecutionType.Replaced, ReportQuantity = 15, ReportLimitRaw = EngineHarness.Raw(99m), LeavesQuantity = 15, TsEventNs = EngineHarness.T0 });
        OrderRecord replaced = Order(h, id);
        Assert.False(replaced.AmendPending);
        Assert.Equal((15L, EngineHarness.Raw(99m), 15L), (replaced.Quantity, replaced.LimitRaw, replaced.LeavesQuantity));
        Assert.Equal(15, h.Engine.Orders.WorkingBuyQuantity(0)); // working quantities follow the new leaves
        Assert.Equal(0, h.Engine.Counters.IllegalReports);

        h.Report(id, ExecutionType.Fill, 15, 99m);
        Assert.Equal(15, h.Engine.Portfolio.Quantity(0));
        Assert.Equal(0, h.Engine.Orders.WorkingBuyQuantity(0));
    }

    [Fact]
    public void AmendRejected_LeavesTheOrderAsItWas_AndAllowsTheNextAmend()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        h.Process(Action(SignalAction.Amend, id, limit: 99m));
        Assert.Equal(RejectReason.NotAmendable, h.Process(Action(SignalAction.Amend, id, limit: 98m)).Reject); // one amend at a time

        h.Process(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = id, ExecType = ExecutionType.AmendRejected, ReportReject = RejectReason.BrokerRejected, TsEventNs = EngineHarness.T0 });
        OrderRecord order = Order(h, id);
        Assert.False(order.AmendPending);
        Assert.Equal((10L, EngineHarness.Raw(100m), OrderStatus.Accepted), (order.Quantity, order.LimitRaw, order.Status));
        Assert.Equal(RejectReason.None, h.Process(Action(SignalAction.Amend, id, limit: 98m)).Reject);
    }

    [Fact]
    public void AmendOrCancel_OfAnOrderThatIsNotTheSourcesOrNotOpen_IsNoSuchOrder()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        Assert.Equal(RejectReason.NoSuchOrder, h.Process(Action(SignalAction.Cancel, id, sourceId: 5)).Reject); // another source's
        Assert.Equal(RejectReason.NoSuchOrder, h.Process(Action(SignalAction.Amend, id + 1000, limit: 99m)).Reject); // never was
        Assert.Equal(RejectReason.NoSuchOrder, h.Process(Action(SignalAction.Cancel, id, symbolId: 1)).Reject); // not in that symbol
        h.Report(id, ExecutionType.Fill, 10, 100m);
        Assert.Equal(RejectReason.NoSuchOrder, h.Process(Action(SignalAction.Amend, id, limit: 99m)).Reject); // done
        Assert.Empty(h.TakeOrders());
        Assert.Equal(4, h.Engine.Counters.Rejects(RejectReason.NoSuchOrder));
    }

    [Fact]
    public void Amend_ThatTheOrderCannotTake_IsNotAmendable()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        h.Report(id, ExecutionType.PartialFill, 4, 100m);
        Assert.Equal(RejectReason.NotAmendable, h.Process(Action(SignalAction.Amend, id, quantity: 4)).Reject); // not above what is filled
        Assert.Equal(RejectReason.NotAmendable, h.Process(Action(SignalAction.Amend, id, stop: 95m)).Reject); // a limit order has no stop
        Assert.Equal(RejectReason.NotAmendable, h.Process(Action(SignalAction.Amend, id)).Reject); // changes nothing
        EngineEvent side = Action(SignalAction.Amend, id, limit: 99m);
        side.SignalSide = Side.Sell;
        Assert.Equal(RejectReason.NotAmendable, h.Process(side).Reject); // a side is not amended
        Assert.Empty(h.TakeOrders());

        Assert.Equal(RejectReason.None, h.Process(Action(SignalAction.Amend, id, quantity: 5)).Reject); // 1 left: fine
    }

    [Fact]
    public void Amend_ThatAddsRisk_MeetsTheCollarMaxPositionAndBuyingPower_AReducingOnePasses()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Risk = EngineHarness.DefaultOptions().Risk with { PriceCollarFraction = 0.05m },
            Sizing = EngineHarness.DefaultOptions().Sizing with { MaxPositionFraction = 0.05m }, // 5,000 of 100,000: 50 shares at 100
        };
        (EngineHarness h, long id) = RestingBuyLimit(options);
        Assert.Equal(RejectReason.PriceCollar, h.Process(Action(SignalAction.Amend, id, limit: 110m)).Reject);
        Assert.Equal(RejectReason.MaxPosition, h.Process(Action(SignalAction.Amend, id, quantity: 60)).Reject);
        Assert.Equal(RejectReason.None, h.Process(Action(SignalAction.Amend, id, quantity: 5)).Reject);

        (EngineHarness poor, long poorId) = RestingBuyLimit(EngineHarness.DefaultOptions() with { StartingCash = 1_500m, Risk = EngineHarness.DefaultOptions().Risk with { PriceCollarFraction = 0m } });
        Assert.Equal(RejectReason.InsufficientBuyingPower, poor.Process(Action(SignalAction.Amend, poorId, limit: 160m)).Reject); // 1,600 where 1,000 is held and 500 free
    }

    [Fact]
    public void KillSwitch_RefusesAnAmendThatAddsRisk_NotACancel()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        h.Engine.Risk.Apply(EngineHarness.DefaultOptions().Risk with { KillSwitchEngaged = true });
        Assert.Equal(RejectReason.KillSwitch, h.Process(Action(SignalAction.Amend, id, quantity: 12)).Reject);
        Assert.Equal(RejectReason.None, h.Process(Action(SignalAction.Amend, id, quantity: 8)).Reject);
    }

    [Fact]
    public void CancelSignal_SendsACancel_MarksItPending_AndASecondCancelIsRefused()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        EngineEvent cancel = h.Process(Action(SignalAction.Cancel, id));
        Assert.Equal((RejectReason.None, id), (cancel.Reject, cancel.ClientOrderId));
        OrderCommand command = Assert.Single(h.TakeOrders());
        Assert.Equal((OrderCommandKind.CancelOrder, id), (command.Kind, command.ClientOrderId));
        Assert.True(Order(h, id).CancelPending);
        Assert.Equal(RejectReason.NotAmendable, h.Process(Action(SignalAction.Cancel, id)).Reject);

        h.Report(id, ExecutionType.Canceled);
        Assert.Equal(OrderStatus.Canceled, Order(h, id).Status);
        Assert.Equal(0, h.Engine.Orders.WorkingBuyQuantity(0));
    }

    [Fact]
    public void ReplacedReport_ForAClosedOrder_OrBelowItsFills_IsIllegal()
    {
        (EngineHarness h, long id) = RestingBuyLimit();
        h.Report(id, ExecutionType.PartialFill, 6, 100m);
        h.Process(new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = id, ExecType = ExecutionType.Replaced, ReportQuantity = 5, ReportLimitRaw = EngineHarness.Raw(100m), TsEventNs = EngineHarness.T0 });
        Assert.Equal(1, h.Engine.Counters.IllegalReports);
        Assert.Equal(10, Order(h, id).Quantity);
    }

    [Fact]
    public void CancelAndAmendInFlightAtACrash_ArePendingAfterReplay_SoTheGatewayResendsThem()
    {
        using var dir = new TempDirectory();
        EngineOptions options = EngineHarness.DefaultOptions() with { JournalDirectory = dir.Path, Journal = new() { Fsync = JournalFsync.None } };
        var engine = new TradingEngine(options, NullAuditWriter.Instance);
        var venue = new AcceptOnlyVenue(engine);
        engine.ConnectGateway(venue);
        engine.Start();
        engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = EngineHarness.Raw(100m), Size = 100, TsEventNs = EngineHarness.T0 });
        engine.PublishSignal(0, Side.Buy, 900_000, EngineHarness.Raw(100m), 1, null, null, EngineHarness.T0);
        engine.PublishSignal(0, Side.Buy, 900_000, EngineHarness.Raw(99m), 2, null, null, EngineHarness.T0);
        Assert.True(engine.WaitUntilQuiet(TimeSpan.FromSeconds(30)));
        long canceled = venue.Submitted[0], amended = venue.Submitted[1];
        engine.Publish(new ActionWriter(Action(SignalAction.Cancel, canceled)));
        engine.Publish(new ActionWriter(Action(SignalAction.Amend, amended, quantity: 12)));
        Assert.True(engine.WaitUntilQuiet(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, venue.Unanswered); // the crash: the venue never answered the cancel or the amend
        engine.Shutdown(TimeSpan.FromSeconds(30));

        JournalReplay replay = JournalReplayer.Replay(dir.Path, options);
        Assert.True(replay.Engine.Orders.TryFind(canceled, out int slot));
        OrderRecord order = replay.Engine.Orders[slot];
        Assert.Equal((OrderStatus.Accepted, true), (order.Status, order.CancelPending));
        Assert.True(replay.Engine.Orders.TryFind(amended, out slot));
        order = replay.Engine.Orders[slot];
        Assert.Equal((true, 12L, 10L), (order.AmendPending, order.AmendQuantity, order.Quantity));
    }

    private readonly struct ActionWriter(EngineEvent e) : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot) => slot = e;
    }

    /// <summary>Accepts every new order; never answers a cancel or an amend (they are lost with the crash).</summary>
    private sealed class AcceptOnlyVenue(TradingEngine engine) : IValueEventHandler<OrderCommand>
    {
        public List<long> Submitted { get; } = [];

        public int Unanswered { get; private set; }

        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind != OrderCommandKind.SubmitOrder)
            {
                Unanswered++;
                return;
            }

            Submitted.Add(data.ClientOrderId);
            engine.PublishExecutionReport(new ExecutionReport { ClientOrderId = data.ClientOrderId, SymbolId = data.SymbolId, Side = data.Side, ExecType = ExecutionType.Accepted, LeavesQuantity = data.Quantity, TsEventNs = data.TsEventNs });
        }
    }
}
