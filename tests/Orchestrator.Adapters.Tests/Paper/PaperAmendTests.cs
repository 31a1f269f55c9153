using Disruptor;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Amend and cancel on the paper venue (issue 19): the exchange's rules, and the engine driving it end to end.</summary>
public sealed class PaperAmendTests
{
    private const long P100 = 100_000_000;
    private readonly PaperExchange _exchange = NewExchange(slippageBps: 0);
    private readonly RecordingSink _sink = new();

    private static OrderCommand AmendOf(in OrderCommand order, long quantity, long limitRaw)
    {
        OrderCommand amend = order;
        amend.Kind = OrderCommandKind.AmendOrder;
        amend.Quantity = quantity;
        amend.LimitPriceRaw = limitRaw;
        return amend;
    }

    [Fact]
    public void Amend_OfARestingLimit_ReportsReplaced_AndTheNewTermsTrade()
    {
        _exchange.OnMarketData(Trade(P100), _sink);
        OrderCommand buy = Limit(1, Side.Buy, 10, 99_000_000);
        _exchange.Submit(buy, _sink);

        _exchange.Amend(AmendOf(buy, 20, 100_000_000), _sink);
        ExecutionReport replaced = _sink.Last;
        Assert.Equal((ExecutionType.Replaced, 20L, 100_000_000L, 20L), (replaced.ExecType, replaced.Quantity, replaced.LimitRaw, replaced.LeavesQuantity));
        Assert.Equal(20 * P100, _exchange.ReservedCashRaw); // the reservation follows the new terms

        _exchange.OnMarketData(Trade(P100), _sink); // at the old limit it would not have filled
        Assert.Equal((ExecutionType.Fill, 20L), (_sink.Last.ExecType, _sink.Last.FillQuantity));
        Assert.Equal(20, _exchange.GetPosition(0));
    }

    [Fact]
    public void Amend_ThatAddsShares_LosesItsPlace_OneThatOnlyReducesKeepsIt()
    {
        _exchange.OnMarketData(Trade(P100), _sink);
        OrderCommand first = Limit(1, Side.Buy, 10, P100);
        _exchange.Submit(first, _sink);
        _exchange.Submit(Limit(2, Side.Buy, 10, P100), _sink);
        _exchange.Amend(AmendOf(first, 8, P100), _sink); // fewer shares: stays first
        _exchange.OnMarketData(Trade(P100, size: 8), _sink);
        Assert.Equal((1L, 8L), (_sink.Last.ClientOrderId, _sink.Last.FillQuantity));

        OrderCommand third = Limit(3, Side.Buy, 10, P100);
        _exchange.Submit(third, _sink);
        OrderCommand second = Limit(2, Side.Buy, 10, P100);
        _exchange.Amend(AmendOf(second, 12, P100), _sink); // more shares: behind order 3
        _exchange.OnMarketData(Trade(P100, size: 10), _sink);
        Assert.Equal((3L, 10L), (_sink.Last.ClientOrderId, _sink.Last.FillQuantity));
    }

    [Fact]
    public void Amend_TheVenueCannotTake_IsAmendRejected_AndTheOrderStands()
    {
        _exchange.OnMarketData(Trade(P100), _sink);
        OrderCommand buy = Limit(1, Side.Buy, 10, P100);
        _exchange.Submit(buy, _sink);
        _exchange.OnMarketData(Trade(P100, size: 4), _sink); // 4 filled

        _exchange.Amend(AmendOf(buy, 4, P100), _sink);
        Assert.Equal((ExecutionType.AmendRejected, RejectReason.NotAmendable), (_sink.Last.ExecType, _sink.Last.Reject));
        _exchange.Amend(AmendOf(buy, 10_000, P100), _sink);
        Assert.Equal((ExecutionType.AmendRejected, RejectReason.InsufficientBuyingPower), (_sink.Last.ExecType, _sink.Last.Reject));
        _exchange.Amend(AmendOf(Limit(9, Side.Buy, 10, P100), 5, P100), _sink);
        Assert.Equal((ExecutionType.AmendRejected, RejectReason.NoSuchOrder, 9L), (_sink.Last.ExecType, _sink.Last.Reject, _sink.Last.ClientOrderId));

        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.Equal(6, order.LeavesQuantity);
    }

    [Fact]
    public void EngineAmendAndCancelSignals_OnThePaperVenue_ReplaceAndCancelTheOrders()
    {
        var rig = new InlinePaperRig();
        rig.Tick(100m);
        long a = rig.Signal(Side.Buy, 99m);
        long b = rig.Signal(Side.Buy, 98m);
        Assert.Equal(OrderStatus.Accepted, rig.Order(a).Status);

        Assert.Equal(RejectReason.None, rig.Action(SignalAction.Amend, a, quantity: 15, limit: 100m).Reject);
        OrderRecord amended = rig.Order(a);
        Assert.Equal((15L, FixedPoint.FromDecimal(100m), false), (amended.Quantity, amended.LimitRaw, amended.AmendPending));

        Assert.Equal(RejectReason.None, rig.Action(SignalAction.Cancel, b).Reject);
        Assert.Equal(OrderStatus.Canceled, rig.Order(b).Status);

        rig.Tick(100m);
        Assert.Equal(OrderStatus.Filled, rig.Order(a).Status);
        Assert.Equal(15, rig.Engine.Portfolio.Quantity(0));
        Assert.Equal(15, rig.Gateway.Exchange.GetPosition(0));
    }

    [Fact]
    public void CancelAndAmendInFlightAtACrash_AreResentWhenThePaperVenueTakesTheOrdersOver()
    {
        var rig = new InlinePaperRig();
        rig.Gateway.Recover(100_000 * FixedPoint.Scale, [0, 0], [P100, 0],
        [
            (Limit(1, Side.Buy, 10, 99_000_000), 10, true, true, default),
            (Limit(2, Side.Buy, 10, 98_000_000), 10, true, false, AmendOf(Limit(2, Side.Buy, 10, 98_000_000), 12, 98_500_000)),
        ]);

        List<ExecutionReport> reports = rig.Reports;
        Assert.Contains(reports, r => r.ClientOrderId == 1 && r.ExecType == ExecutionType.Canceled);
        Assert.Contains(reports, r => r.ClientOrderId == 2 && r.ExecType == ExecutionType.Replaced && r.Quantity == 12);
        Assert.False(rig.Gateway.Exchange.TryGetOpenOrder(1, out _));
        Assert.True(rig.Gateway.Exchange.TryGetOpenOrder(2, out PaperOrder two));
        Assert.Equal(12, two.LeavesQuantity);
    }

    /// <summary>
    /// The real engine (handlers inline on the test thread) and the real paper gateway: every order the
    /// engine hands out goes to the gateway, every report comes back into the engine, until quiet.
    /// </summary>
    private sealed class InlinePaperRig : IExecutionReportSink
    {
        private const long T0 = 1_736_000_000_000_000_000;
        private readonly Queue<ExecutionReport> _pending = new();
        private long _sequence;
        private long _outboundRead = -1;
        private long _signalId;

        public InlinePaperRig()
        {
            Engine = new TradingEngine(new EngineOptions
            {
                Symbols = ["AAPL", "MSFT"],
                StartingCash = 100_000m,
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
                Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 1000 },
                Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
                Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            }, NullAuditWriter.Instance);
            Gateway = new PaperBrokerGateway(new PaperExchange(new PaperExchangeOptions { SymbolCount = 2, SlippageBps = 0, CommissionBps = 0 }), this, new LatencyRecorder());
        }

        public TradingEngine Engine { get; }

        public PaperBrokerGateway Gateway { get; }

        public List<ExecutionReport> Reports { get; } = [];

        public void OnExecutionReport(in ExecutionReport report)
        {
            Reports.Add(report);
            _pending.Enqueue(report);
        }

        public void Tick(decimal price)
        {
            var tick = new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(price), Size = 1_000, TsEventNs = T0 };
            Gateway.OnMarketData(tick); // the venue sees it first, as at a real one
            var e = default(EngineEvent);
            e.SetMarketData(tick);
            Run(e);
        }

        public long Signal(Side side, decimal limit)
        {
            EngineEvent e = Run(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, SignalSide = side, ConfidencePpm = 900_000, SignalPriceRaw = FixedPoint.FromDecimal(limit), SignalId = ++_signalId, TsEventNs = T0 });
            Assert.Equal(RejectReason.None, e.Reject);
            return e.ClientOrderId;
        }

        public EngineEvent Action(SignalAction action, long target, long quantity = 0, decimal limit = 0m) =>
            Run(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, Action = action, TargetOrderId = target, SignalQuantity = quantity, SignalPriceRaw = FixedPoint.FromDecimal(limit), SignalId = ++_signalId, TsEventNs = T0 });

        public OrderRecord Order(long id)
        {
            Assert.True(Engine.Orders.TryFind(id, out int slot));
            return Engine.Orders[slot];
        }

        /// <summary>Runs the event, then hands out orders and feeds back reports until neither is left.</summary>
        private EngineEvent Run(EngineEvent e)
        {
            Engine.ProcessInline(ref e, _sequence++);
            while (true)
            {
                ValueRingBuffer<OrderCommand> outbound = Engine.Outbound;
                if (_outboundRead < outbound.Cursor)
                {
                    _outboundRead++;
                    Gateway.OnEvent(ref outbound[_outboundRead], _outboundRead, true);
                    continue;
                }

                if (!_pending.TryDequeue(out ExecutionReport report))
                {
                    return e;
                }

                var r = default(EngineEvent);
                r.SetExecutionReport(report);
                Engine.ProcessInline(ref r, _sequence++);
            }
        }
    }
}
