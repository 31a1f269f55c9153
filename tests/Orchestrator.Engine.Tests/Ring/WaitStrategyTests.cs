using Disruptor.Dsl;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Tests.Ring;

public sealed class WaitStrategyTests
{
    public static TheoryData<WaitStrategyKind, ProducerType> StrategiesAndProducers()
    {
        var data = new TheoryData<WaitStrategyKind, ProducerType>();
        foreach (WaitStrategyKind kind in Enum.GetValues<WaitStrategyKind>())
        {
            data.Add(kind, ProducerType.Single);
            data.Add(kind, ProducerType.Multi);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StrategiesAndProducers))]
    public void EveryWaitStrategy_DeliversEveryEventThroughATwoStagePipeline(WaitStrategyKind kind, ProducerType producers)
    {
        // Busy-spin burns a core per stage; on two cores keep its run short.
        long count = kind == WaitStrategyKind.BusySpin ? 2_000 : 50_000;
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 256, ProducerType = producers, WaitStrategy = kind });
        var first = new CountingHandler(count - 1);
        var last = new CountingHandler(count - 1);
        ring.HandleEventsWith(first).Then(last);
        ring.Start();
        for (long i = 0; i < count; i++)
        {
            long s = ring.RingBuffer.Next();
            ring.RingBuffer[s].Value = i;
            ring.RingBuffer.Publish(s);
        }

        Assert.True(last.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal(count, first.Count);
        Assert.Equal(count, last.Count);
    }

    [Fact]
    public void SpinThenPark_WhenQuiet_ParksTheStage_AndOnePublishWakesIt()
    {
        var strategy = new SpinThenParkWaitStrategy(TimeSpan.FromMilliseconds(1), TimeSpan.Zero);
        var ring = new ValueDisruptor<TestEvent>(static () => default, 8, TaskScheduler.Default, ProducerType.Single, strategy);
        var handler = new CountingHandler(1);
        ring.HandleEventsWith(handler);
        ring.Start();

        WaitUntil(() => strategy.ParkedStages == 1); // nothing published: the stage parks, not spins
        ring.RingBuffer.Publish(ring.RingBuffer.Next());
        WaitUntil(() => handler.Count == 1);
        WaitUntil(() => strategy.ParkedStages == 1); // quiet again: parked again
        ring.RingBuffer.Publish(ring.RingBuffer.Next());

        Assert.True(handler.Done.Wait(Waits.Hang)); // a publish reaches a parked stage
        ring.Halt();
        WaitUntil(() => strategy.ParkedStages == 0); // and halting wakes it too
    }

    [Theory]
    [InlineData("spin-then-park", WaitStrategyKind.SpinThenPark)]
    [InlineData("SPIN_THEN_PARK", WaitStrategyKind.SpinThenPark)]
    [InlineData("blocking", WaitStrategyKind.Blocking)]
    [InlineData("sleeping", WaitStrategyKind.Sleeping)]
    [InlineData("yielding", WaitStrategyKind.Yielding)]
    [InlineData("busy-spin", WaitStrategyKind.BusySpin)]
    public void TryParse_AcceptsEveryConfiguredName(string name, WaitStrategyKind expected)
    {
        Assert.True(WaitStrategies.TryParse(name, out WaitStrategyKind? kind));
        Assert.Equal(expected, kind);
        Assert.Contains(name.ToLowerInvariant().Replace('_', '-'), WaitStrategies.ValidNames, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RefusesAnUnknownName()
    {
        Assert.False(WaitStrategies.TryParse("spinning", out WaitStrategyKind? kind));
        Assert.Null(kind);
    }

    [Fact]
    public void DefaultWaitStrategy_SpinsThenParks_NotABlockingWakeUpPerEvent()
    {
        Assert.Equal(WaitStrategyKind.SpinThenPark, new EngineOptions().WaitStrategy);
        Assert.IsType<SpinThenParkWaitStrategy>(WaitStrategies.Create(new EngineOptions().WaitStrategy));
    }

    /// <summary>Polls a condition another thread makes true; the timeout only guards against a hang.</summary>
    private static void WaitUntil(Func<bool> condition)
    {
        var spinner = default(SpinWait);
        long deadline = Environment.TickCount64 + (long)Waits.Hang.TotalMilliseconds;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "condition not reached");
            spinner.SpinOnce(10);
        }
    }
}
