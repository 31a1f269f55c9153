using Orchestrator.Core;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Strategies;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Examples.Tests;

/// <summary>On a running engine, a strategy's exceptions never fault the trading thread.</summary>
public sealed class StrategyFaultTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStrategyThatAlwaysThrows_IsDisabled_AndTheRunningEngineNeverFaults(bool slowPath)
    {
        var strategy = new AlwaysThrows(slowPath);
        using var rig = new StrategyTestRig(StrategyTestRig.Options(["AAPL"], new StrategyRegistration("thrower", strategy, ["AAPL"])));
        var faults = new List<ProcessorFault>();
        rig.Engine.Faulted += faults.Add;

        for (int i = 0; i < 20; i++)
        {
            rig.Publish(Ticks.Trade(0, Ticks.At(0, 15, i), 100m));
        }

        rig.WaitUntilQuiet();
        rig.Engine.PublishSignal(0, Side.Buy, SignalLimits.ConfidenceScalePpm, 0, 1, "someone", null, Ticks.At(0, 15, 30));
        rig.WaitUntilQuiet(); // the order is at the venue before the trade that fills it
        rig.Publish(Ticks.Trade(0, Ticks.At(0, 15, 31), 100.5m));
        rig.WaitUntilQuiet();

        StrategyStatus status = rig.Engine.Strategies!.Status()[0];
        Assert.Empty(faults);
        Assert.True(status.Disabled);
        Assert.Equal(StrategyHost.MaxConsecutiveErrors, status.Errors);
        Assert.Equal(StrategyHost.MaxConsecutiveErrors, strategy.Calls);
        Assert.Equal(1, rig.Engine.Counters.Fills); // the engine went on trading: the outside signal's order filled
    }

    private sealed class AlwaysThrows(bool slowPath) : Strategy<object>
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override StrategyThreading Threading => slowPath ? StrategyThreading.SlowPath : StrategyThreading.FastPath;

        public override void OnTick(in Tick tick)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("always");
        }
    }
}
