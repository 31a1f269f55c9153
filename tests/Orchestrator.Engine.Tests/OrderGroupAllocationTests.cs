using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Issue 19: the order groups' path — exits placed on fills, trailing stops moved on trades, one exit canceling the other — allocates nothing.</summary>
public sealed class OrderGroupAllocationTests
{
    private const int Aapl = 0;

    [Fact]
    public void BracketsAndTrailingStops_PlacedMovedAndCanceled_AllocateZeroBytes()
    {
        var rig = new Rig(new EngineHarness(OrderGroupTests.Options()).Engine);

        rig.Run(3_000); // warm-up: JIT past tiered compilation, first-use statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        rig.Run(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(13_000, rig.GroupsClosed); // every round's group ran to its end: the stop placed, moved, swapped for the take-profit, which filled
        Assert.Equal(0, rig.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void HeldStops_WatchedTriggeredAndClosedAtMarket_AllocateZeroBytes()
    {
        var rig = new HeldRig(new EngineHarness(OrderGroupTests.Options(VenueCapabilities.Amend)).Engine); // no venue stops (KIS)

        rig.Run(3_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        rig.Run(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(13_000, rig.GroupsClosed); // every round: the held trailing stop moved, triggered, closed at market
        Assert.Equal(0, rig.Engine.OrderManager.ActiveGroups);
    }

    [Fact]
    public void HeldStopOrders_HeldAmendedCanceledTriggeredAndFilled_AllocateZeroBytes()
    {
        var rig = new HeldOrderRig(new EngineHarness(OrderGroupTests.Options(VenueCapabilities.Amend)).Engine); // no venue stops (KIS)
        AssertHeldRoundsAllocateNothing(rig.Run, () => rig.Triggered, rig.Engine); // every round: one held stop amended and sent at market, one canceled while held
        Assert.Equal(13_000, rig.EndsTold); // and that cancel told in the engine's ended orders (the agent feed's), taken every round
    }

    [Fact]
    public void HeldTrailingStopOrders_HeldMarkMovedAmendedCanceledTriggeredAndFilled_AllocateZeroBytes()
    {
        var rig = new HeldTrailingRig(new EngineHarness(OrderGroupTests.Options(VenueCapabilities.Amend)).Engine); // no venue trailing stops (KIS)
        AssertHeldRoundsAllocateNothing(rig.Run, () => rig.Triggered, rig.Engine); // every round: one held trailing stop's mark moved, amended, sent at market; one canceled while held
    }

    /// <summary>Rounds of held orders on one engine: how many of them triggered as they should.</summary>
    private abstract class HeldRounds(TradingEngine engine)
    {
        protected Rig Rig { get; } = new(engine);

        public TradingEngine Engine => Rig.Engine;

        public long Triggered { get; protected set; }

        public abstract void Run(int rounds);
    }

    /// <summary>3,000 rounds to warm up, then 10,000 measured: 0 bytes, every round's held order triggered, nothing left open or held.</summary>
    private static void AssertHeldRoundsAllocateNothing(Action<int> run, Func<long> triggered, TradingEngine engine)
    {
        run(3_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        run(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(13_000, triggered());
        Assert.Equal((0, 0), (engine.Orders.OpenCount, engine.OrderManager.HeldOrders));
    }

    /// <summary>One round at a venue without trailing stops: a position of 10; two sell trailing stops are held; the mark rises, one is amended, the other canceled; a retrace sends the first at market, which fills.</summary>
    private sealed class HeldTrailingRig(TradingEngine engine) : HeldRounds(engine)
    {
        public override void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                Rig.Tick(100_000_000);
                long open = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = (5L * i) + 1 });
                Rig.Report(open, ExecutionType.Accepted, 0, 0);
                Rig.Report(open, ExecutionType.Fill, 10, 100_000_000);
                long first = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalId = (5L * i) + 2, SignalOrderType = OrderType.TrailingStop, SignalQuantity = 5, Exits = new ProtectiveExits { TrailPpm = 10_000 } });
                long second = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalId = (5L * i) + 3, SignalOrderType = OrderType.TrailingStop, SignalQuantity = 5, Exits = new ProtectiveExits { TrailRaw = 2_000_000 }, SignalTif = TimeInForce.Gtc });
                Rig.Tick(103_000_000); // both marks rise to 103
                Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = -1, Action = SignalAction.Amend, TargetOrderId = first, SignalQuantity = 10, SignalId = (5L * i) + 4 });
                Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = -1, Action = SignalAction.Cancel, TargetOrderId = second, SignalId = (5L * i) + 5 });
                Engine.Orders.TryFind(first, out int slot);
                bool held = Engine.Orders[slot].Status == OrderStatus.Held && Engine.Orders[slot].Quantity == 10 && Engine.Orders[slot].TrailAnchorRaw == 103_000_000;
                Rig.Tick(101_900_000); // 1 % below the mark: the first is reached, sent at market
                if (held && Engine.Orders[slot].Status == OrderStatus.PendingNew)
                {
                    Triggered++;
                }

                Rig.Report(first, ExecutionType.Accepted, 0, 0);
                Rig.Report(first, ExecutionType.Fill, 10, 101_900_000);
            }
        }
    }

    /// <summary>One round at a venue without stops: two buy stops are held; one is amended, the other canceled; a trade reaches the first, which goes out at market and fills; a sell closes the position.</summary>
    private sealed class HeldOrderRig(TradingEngine engine) : HeldRounds(engine)
    {
        private readonly EngineEndedOrders _ended = engine.FollowEndedOrders();

        /// <summary>Held orders the engine told as canceled in its ended orders.</summary>
        public long EndsTold { get; private set; }

        public override void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                Rig.Tick(100_000_000);
                long first = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = (5L * i) + 1, SignalOrderType = OrderType.Stop, SignalStopRaw = 101_000_000 });
                long second = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = (5L * i) + 2, SignalOrderType = OrderType.StopLimit, SignalStopRaw = 103_000_000, SignalPriceRaw = 104_000_000, SignalTif = TimeInForce.Gtc });
                Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = -1, Action = SignalAction.Amend, TargetOrderId = first, SignalStopRaw = 101_500_000, SignalId = (5L * i) + 3 });
                Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = -1, Action = SignalAction.Cancel, TargetOrderId = second, SignalId = (5L * i) + 4 });
                while (_ended.TryTake(long.MaxValue, out EngineEndedOrder ended))
                {
                    EndsTold += ended.OrderId == second && ended.Status == OrderStatus.Canceled ? 1 : 0;
                }

                Rig.Tick(101_600_000); // the first is reached: sent at market
                Engine.Orders.TryFind(first, out int slot);
                if (Engine.Orders[slot].Status == OrderStatus.PendingNew)
                {
                    Triggered++;
                }

                Rig.Report(first, ExecutionType.Accepted, 0, 0);
                Rig.Report(first, ExecutionType.Fill, 10, 101_600_000);
                long close = Rig.Signal(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Sell, ConfidencePpm = 900_000, SignalId = (5L * i) + 5 });
                Rig.Report(close, ExecutionType.Accepted, 0, 0);
                Rig.Report(close, ExecutionType.Fill, 10, 101_600_000);
            }
        }
    }

    /// <summary>One round at a venue without stops: an entry with a take-profit and a trailing stop fills, the price rises (the held stop moves), falls to it, the market close fills.</summary>
    private sealed class HeldRig(TradingEngine engine)
    {
        private readonly Rig _rig = new(engine);

        public TradingEngine Engine => _rig.Engine;

        public long GroupsClosed { get; private set; }

        public void Run(int rounds)
        {
            var exits = new ProtectiveExits { TakeProfitPpm = 50_000, TrailPpm = 20_000 };
            for (int i = 0; i < rounds; i++)
            {
                long entry = _rig.Enter(exits, i + 1);
                _rig.Tick(103_000_000); // anchor 103: the held stop is 100.94
                _rig.Tick(100_900_000); // reached: a market close
                Engine.Orders.TryFind(entry, out int slot);
                long close = Engine.Orders[slot].StopOrderId;
                _rig.Report(close, ExecutionType.Accepted, 0, 0);
                _rig.Report(close, ExecutionType.Fill, 10, 100_900_000);
                if (!Engine.Orders[slot].GroupOpen && Engine.Portfolio.Quantity(Aapl) == 0)
                {
                    GroupsClosed++;
                }
            }
        }
    }

    /// <summary>One round: an entry with a take-profit and a trailing stop fills, the price rises (the stop is replaced higher), the take-profit is touched (the stop is canceled, the take-profit placed) and fills.</summary>
    private sealed class Rig(TradingEngine engine)
    {
        private long _sequence;
        private long _ts = EngineHarness.T0;

        public TradingEngine Engine { get; } = engine;

        public long GroupsClosed { get; private set; }

        public void Run(int rounds)
        {
            var exits = new ProtectiveExits { TakeProfitPpm = 50_000, TrailPpm = 20_000 };
            for (int i = 0; i < rounds; i++)
            {
                long entry = Enter(exits, i + 1);
                Engine.Orders.TryFind(entry, out int slot);
                long stop = Engine.Orders[slot].StopOrderId; // the take-profit is held by the engine
                Report(stop, ExecutionType.Accepted, 0, 0);

                Tick(102_000_000); // the trail's anchor rises: the stop is canceled to be replaced
                Report(stop, ExecutionType.Canceled, 0, 0);
                stop = Engine.Orders[slot].StopOrderId; // the replacement
                Report(stop, ExecutionType.Accepted, 0, 0);

                Tick(105_000_000); // the take-profit is touched: the stop is canceled, then the take-profit placed
                Report(stop, ExecutionType.Canceled, 0, 0);
                long takeProfit = Engine.Orders[slot].TakeProfitOrderId;
                Report(takeProfit, ExecutionType.Accepted, 0, 0);
                Report(takeProfit, ExecutionType.Fill, 10, 105_000_000);
                if (!Engine.Orders[slot].GroupOpen && Engine.Portfolio.Quantity(Aapl) == 0)
                {
                    GroupsClosed++;
                }
            }
        }

        /// <summary>A buy of 10 with <paramref name="exits"/>, filled at 100; returns the entry's id.</summary>
        public long Enter(ProtectiveExits exits, long signalId)
        {
            Tick(100_000_000);
            var signal = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = signalId, Exits = exits, TsEventNs = Next() };
            Engine.ProcessInline(ref signal, _sequence++);
            long entry = signal.ClientOrderId;
            Report(entry, ExecutionType.Accepted, 0, 0);
            Report(entry, ExecutionType.Fill, 10, 100_000_000);
            return entry;
        }

        private long Next() => _ts += 1_000_000;

        /// <summary>Processes a signal now; returns the id of the order it made or acted on.</summary>
        public long Signal(EngineEvent signal)
        {
            signal.TsEventNs = Next();
            Engine.ProcessInline(ref signal, _sequence++);
            return signal.ClientOrderId;
        }

        public void Tick(long priceRaw)
        {
            var e = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = Aapl, PriceRaw = priceRaw, Size = 100, TsEventNs = Next() };
            Engine.ProcessInline(ref e, _sequence++);
        }

        public void Report(long clientOrderId, ExecutionType type, long quantity, long priceRaw)
        {
            var e = new EngineEvent { Kind = EventKind.ExecutionReport, ReportOrderId = clientOrderId, ExecType = type, FillQuantity = quantity, FillPriceRaw = priceRaw, TsEventNs = Next() };
            Engine.ProcessInline(ref e, _sequence++);
        }
    }
}
