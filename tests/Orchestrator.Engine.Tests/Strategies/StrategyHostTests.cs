using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Strategies;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests.Strategies;

/// <summary>The strategy host driven inline (backtest wiring): what a strategy sees and what its signals become.</summary>
public sealed class StrategyHostTests
{
    private const long Minute = 60 * EngineHarness.Second;

    [Fact]
    public void Submit_FromOnTick_IsDecidedAtOnce_AndTheOrderCarriesTheStrategyAndItsSignalId()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1 };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        SubmitResult result = strategy.Results.Single();
        Assert.Equal(SubmitStatus.Accepted, result.Status);
        Assert.Equal(SignalLimits.StrategySignalIdBase + 1, result.SignalId);
        Assert.Equal(10, result.Quantity);
        OrderCommand order = Assert.Single(harness.TakeOrders());
        Assert.Equal(result.ClientOrderId, order.ClientOrderId);
        Assert.True(harness.Engine.Orders.TryFind(result.ClientOrderId, out int slot));
        OrderRecord record = harness.Engine.Orders[slot];
        Assert.Equal(harness.Engine.Sources.Intern("scripted"), record.SourceId);
        Assert.Equal(result.SignalId, record.SignalId);
        Assert.Equal(1, harness.Engine.Strategies!.Status()[0].Taken);
    }

    [Fact]
    public void Submit_CarriesTheWholeOrderIntent_TypeStopTifAndAQuantityCapOnSizing()
    {
        var strategy = new ScriptedStrategy
        {
            BuyOnTickNumber = 1,
            SignalToSend = new StrategySignal { SymbolId = 0, Side = Side.Buy, Quantity = 7, OrderType = OrderType.Stop, StopPriceRaw = EngineHarness.Raw(101m), Tif = TimeInForce.Gtc, Reason = "stop_entry" },
        };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        SubmitResult result = strategy.Results.Single();
        Assert.Equal(SubmitStatus.Accepted, result.Status);
        Assert.Equal(7, result.Quantity); // sizing would give 10: the signal's quantity caps it
        OrderCommand order = Assert.Single(harness.TakeOrders());
        Assert.Equal((OrderType.Stop, EngineHarness.Raw(101m), 0L, TimeInForce.Gtc, 7L), (order.OrderType, order.StopPriceRaw, order.LimitPriceRaw, order.TimeInForce, order.Quantity));
    }

    [Fact]
    public void Submit_AMalformedIntent_IsRefusedBeforeTheEngine()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1, SignalToSend = new StrategySignal { SymbolId = 0, Side = Side.Buy, OrderType = OrderType.Limit } };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        Assert.Equal((SubmitStatus.Refused, RejectReason.InvalidSignal), (strategy.Results.Single().Status, strategy.Results.Single().Reject));
        Assert.Empty(harness.TakeOrders());
        Assert.Equal("limit_price: required by this order type", new StrategySignal { Side = Side.Buy, OrderType = OrderType.Limit }.ShapeError());
    }

    [Fact]
    public void Submit_ForASymbolTheStrategyDoesNotTrade_IsRefusedBeforeTheEngine()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1, BuySymbol = 1 };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        SubmitResult result = strategy.Results.Single();
        Assert.Equal(SubmitStatus.Refused, result.Status);
        Assert.Equal(RejectReason.SymbolNotAllowed, result.Reject);
        Assert.Empty(harness.TakeOrders());
    }

    [Fact]
    public void Submit_RefusedByRisk_SaysWhy()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1 };
        EngineHarness harness = Harness(strategy, o => o with { Risk = o.Risk with { MinConfidence = 0.99m } }, confidencePpm: 500_000);

        harness.Trade(0, 100m);

        Assert.Equal(SubmitStatus.Rejected, strategy.Results.Single().Status);
        Assert.Equal(RejectReason.LowConfidence, strategy.Results.Single().Reject);
    }

    [Fact]
    public void ReportsOfItsOwnOrders_ReachOnOrderUpdateAndOnFill_AndItsPosition_OthersDoNot()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1 };
        EngineHarness harness = Harness(strategy);
        harness.Trade(0, 100m);
        long mine = strategy.Results.Single().ClientOrderId;

        harness.Report(mine, ExecutionType.Accepted);
        harness.Report(mine, ExecutionType.Fill, 10, 100m);
        long other = harness.Open(0, Side.Buy, 100m); // an outside signal's order, filled

        Assert.NotEqual(mine, other);
        Assert.Equal([ExecutionType.Accepted], strategy.Updates.Select(u => u.ExecType));
        Fill fill = Assert.Single(strategy.Fills);
        Assert.Equal(mine, fill.ClientOrderId);
        Assert.Equal(strategy.Results.Single().SignalId, fill.SignalId);
        Assert.Equal(10, fill.Quantity);
        Assert.Equal(10, strategy.PositionSeenAtFill);
        Assert.Equal(10, strategy.Context!.Position(0));
        Assert.Equal(20, strategy.Context.AccountPosition(0));
    }

    [Fact]
    public void Bars_CloseOnEventTime_BeforeTheTickPastThem_ShortestTimeframeFirst()
    {
        var strategy = new ScriptedStrategy { WantedTimeframes = [Timeframe.FiveMinutes, Timeframe.OneMinute] };
        EngineHarness harness = Harness(strategy);
        long t = EngineHarness.T0 - (EngineHarness.T0 % (5 * Minute)); // a 5-minute boundary

        harness.Trade(0, 100m, t + (10 * EngineHarness.Second), size: 5);
        harness.Trade(0, 103m, t + (20 * EngineHarness.Second), size: 5);
        harness.Trade(0, 99m, t + (50 * EngineHarness.Second), size: 5);
        harness.Trade(0, 101m, t + (70 * EngineHarness.Second), size: 7); // closes the first 1m bar
        Assert.Equal(["tick", "tick", "tick", "bar 1m", "tick"], strategy.Calls.Where(c => c is "tick" or "bar 1m" or "bar 5m"));
        Bar first = Assert.Single(strategy.Bars);
        Assert.Equal(Timeframe.OneMinute, first.Timeframe);
        Assert.Equal(t, first.StartNs);
        Assert.Equal((100m, 103m, 99m, 99m, 15L), (FixedPoint.ToDecimal(first.OpenRaw), FixedPoint.ToDecimal(first.HighRaw), FixedPoint.ToDecimal(first.LowRaw), FixedPoint.ToDecimal(first.CloseRaw), first.Volume));
        Assert.Equal("bar 1m", strategy.Calls[^2]); // the bar came before the tick that closed it

        harness.Trade(0, 102m, t + (5 * Minute) + 1, size: 1); // closes the second 1m bar and the 5m bar, 1m first
        Assert.Equal([Timeframe.OneMinute, Timeframe.OneMinute, Timeframe.FiveMinutes], strategy.Bars.Select(b => b.Timeframe));
        Assert.Equal(22, strategy.Bars[2].Volume);
        Assert.Equal(101m, FixedPoint.ToDecimal(strategy.Bars[2].CloseRaw));
    }

    [Fact]
    public void Timers_FireOnTheFirstEventAtOrAfterTheirTime_EarliestFirst_OnEventTimeOnly()
    {
        var strategy = new ScriptedStrategy { TimersAtStart = [EngineHarness.T0 + (2 * Minute), EngineHarness.T0 + Minute] };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m, EngineHarness.T0);
        Assert.Empty(strategy.Timers);
        harness.Trade(1, 50m, EngineHarness.T0 + (Minute - 1)); // another symbol's event: time still advances, not yet due
        Assert.Empty(strategy.Timers);
        harness.Command(CommandKind.PublishSnapshot, EngineHarness.T0 + (3 * Minute)); // any event's time counts

        Assert.Equal([EngineHarness.T0 + Minute, EngineHarness.T0 + (2 * Minute)], strategy.Timers);
    }

    [Fact]
    public void AThrowingStrategy_IsCaughtAndCounted_DisabledAfterFiveInARow_AndTheEngineGoesOn()
    {
        var strategy = new ScriptedStrategy { ThrowOnTick = true };
        EngineHarness harness = Harness(strategy);

        for (int i = 0; i < StrategyHost.MaxConsecutiveErrors + 3; i++)
        {
            harness.Trade(0, 100m + i, EngineHarness.T0 + i);
        }

        StrategyStatus status = harness.Engine.Strategies!.Status()[0];
        Assert.Equal(StrategyHost.MaxConsecutiveErrors, status.Errors);
        Assert.True(status.Disabled);
        Assert.Equal(StrategyHost.MaxConsecutiveErrors, strategy.Calls.Count(c => c == "tick")); // no call once disabled
        EngineEvent signal = harness.Signal(0, Side.Buy, tsNs: EngineHarness.T0 + 100);
        Assert.NotEqual(0, signal.ClientOrderId); // the engine still trades
    }

    [Fact]
    public void AStrategyThatThrowsNowAndThen_IsNotDisabled_ItsStreakResets()
    {
        var strategy = new ScriptedStrategy { ThrowEveryOtherTick = true };
        EngineHarness harness = Harness(strategy);

        for (int i = 0; i < 4 * StrategyHost.MaxConsecutiveErrors; i++)
        {
            harness.Trade(0, 100m, EngineHarness.T0 + i);
        }

        StrategyStatus status = harness.Engine.Strategies!.Status()[0];
        Assert.Equal(2 * StrategyHost.MaxConsecutiveErrors, status.Errors);
        Assert.False(status.Disabled);
    }

    [Fact]
    public void ASlowPathStrategy_RunsInlineInABacktest_DecidedAtOnce()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1, Slow = true };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        Assert.Equal(SubmitStatus.Accepted, strategy.Results.Single().Status); // inline: decided at once, deterministic
        Assert.Single(harness.TakeOrders());
    }

    [Fact]
    public void OutsideAJournalReplay_IsReplayingIsFalse_InlineAsInABacktest()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1, Slow = true };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        Assert.Equal([false], strategy.ReplayingSeen);
    }

    [Fact]
    public void WhileAJournalIsReplayed_ASlowPathStrategyGetsItsCallbacks_ButItsSubmitsAreSuppressedAndCounted()
    {
        var strategy = new ScriptedStrategy { BuyOnTickNumber = 1, Slow = true };
        EngineHarness harness = Harness(strategy);

        harness.Engine.OrderManager.SuppressSending = true; // as JournalReplayer does: its signals are in the journal
        harness.Trade(0, 100m);
        harness.Engine.OrderManager.SuppressSending = false;

        Assert.Equal(["start", "tick"], strategy.Calls); // its state is rebuilt from the replayed events
        Assert.Equal([true], strategy.ReplayingSeen); // and it is told so: it can skip work only a signal needs (a model call)
        SubmitResult suppressed = strategy.Results.Single();
        Assert.Equal(SubmitStatus.Queued, suppressed.Status); // as live: queued, decided later (it is: the journal holds it)
        Assert.Equal(0, suppressed.SignalId);
        Assert.Empty(harness.TakeOrders());
        Assert.Equal(0, harness.Engine.Orders.OpenCount);
        StrategyStatus status = harness.Engine.Strategies!.Status()[0];
        Assert.Equal(1, status.ReplaySuppressed);
        Assert.Equal(0, status.Taken);
    }

    [Fact]
    public void Registrations_AreChecked_NamingTheStrategyAndTheProblem()
    {
        var strategy = new ScriptedStrategy();
        ArgumentException unknown = Assert.Throws<ArgumentException>(() => new EngineHarness(EngineHarness.DefaultOptions() with { Strategies = [new StrategyRegistration("s1", strategy, ["TSLA"])] }));
        Assert.Contains("strategy 's1': symbols: 'TSLA' is not traded here", unknown.Message, StringComparison.Ordinal);
        ArgumentException twice = Assert.Throws<ArgumentException>(() => new EngineHarness(EngineHarness.DefaultOptions() with
        {
            Strategies = [new StrategyRegistration("s1", strategy, ["AAPL"]), new StrategyRegistration("s1", new ScriptedStrategy(), ["AAPL"])],
        }));
        Assert.Contains("strategy 's1': the name is used twice", twice.Message, StringComparison.Ordinal);
    }

    private static EngineHarness Harness(ScriptedStrategy strategy, Func<EngineOptions, EngineOptions>? change = null, int confidencePpm = SignalLimits.ConfidenceScalePpm)
    {
        strategy.ConfidencePpm = confidencePpm;
        EngineOptions options = EngineHarness.DefaultOptions() with { Strategies = [new StrategyRegistration("scripted", strategy, ["AAPL"])] };
        return new EngineHarness(change?.Invoke(options) ?? options);
    }
}
