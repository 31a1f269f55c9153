using Disruptor;
using Disruptor.Dsl;
using NLog;
using NLog.Targets;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Tests.Ring;

/// <summary>
/// The halt/continue policy on Disruptor-net's processor: HALT stops the stage at the failed event
/// without marking it done (later stages never see it), CONTINUE counts it done and goes on.
/// </summary>
public sealed class FaultPolicyTests
{
    private static (Logger Logger, MemoryTarget Target) NewLogger()
    {
        var target = new MemoryTarget("memory") { Layout = "${level}|${message}|${exception:format=message}" };
        var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        return (factory.GetLogger("ring-test"), target);
    }

    private static void Publish(ValueRingBuffer<TestEvent> ring, long count)
    {
        for (long i = 0; i < count; i++)
        {
            long s = ring.Next();
            ring[s].Value = i;
            ring.Publish(s);
        }
    }

    [Theory]
    [InlineData(WaitStrategyKind.SpinThenPark)]
    [InlineData(WaitStrategyKind.Blocking)]
    [InlineData(WaitStrategyKind.Sleeping)]
    public async Task Halt_WhenHandlerThrows_StopsAtTheFailedEvent_LaterStagesNeverSeeIt_AndTheOwnerIsTold(WaitStrategyKind wait)
    {
        (Logger logger, MemoryTarget log) = NewLogger();
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 64, ProducerType = ProducerType.Single, WaitStrategy = wait, ThreadNamePrefix = "t" }, logger);
        var faultSeen = new ManualResetEventSlim();
        ProcessorFault? reported = null;
        ring.ProcessorFaulted += f =>
        {
            reported = f;
            faultSeen.Set();
        };
        var failing = new ThrowingHandler(throwAt: 5, lastSequence: 9);
        var downstream = new CountingHandler(9);
        ring.HandleEventsWith(failing).Then(downstream);
        ring.Start();

        Publish(ring.RingBuffer, 10); // one batch or several: the failure is mid-batch either way

        Assert.True(faultSeen.Wait(Waits.Hang));
        RingProcessor<TestEvent> stage = ring.Processors[0];
        await Assert.ThrowsAsync<InvalidOperationException>(() => stage.Completion.WaitAsync(Waits.Hang));
        Assert.Equal(5, reported!.Sequence);
        Assert.Equal("ThrowingHandler", reported.ProcessorName);
        Assert.Equal(4, stage.Sequence.Value); // the failed event is not counted as done
        Assert.Equal(5, failing.Count);
        Assert.Same(reported, stage.Fault);

        Assert.Equal(ShutdownResult.Faulted, ring.Shutdown(Waits.Hang));
        Assert.Equal(5, downstream.Count); // later stages saw the events before the failed one, never it or anything after
        Assert.Single(ring.Faults);
        string line = Assert.Single(log.Logs, l => l.StartsWith("Error|", StringComparison.Ordinal));
        Assert.Contains("sequence 5", line, StringComparison.Ordinal);
        Assert.Contains("boom at 5", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Continue_WhenHandlerThrows_LogsAWarningAndProcessesEverythingElse()
    {
        (Logger logger, MemoryTarget log) = NewLogger();
        var ring = new RingPipeline<TestEvent>(
            new RingOptions { BufferSize = 16, ProducerType = ProducerType.Single, WaitStrategy = WaitStrategyKind.Blocking, ExceptionPolicy = ExceptionPolicy.Continue },
            logger);
        var failing = new ThrowingHandler(throwAt: 3, lastSequence: 99);
        var downstream = new CountingHandler(99);
        ring.HandleEventsWith(failing).Then(downstream);
        ring.Start();
        Publish(ring.RingBuffer, 100);

        Assert.True(downstream.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal(99, failing.Count);
        Assert.Equal(100, downstream.Count); // the failed event counted as done and passed on
        Assert.Empty(ring.Faults);
        string line = Assert.Single(log.Logs);
        Assert.StartsWith("Warn|", line, StringComparison.Ordinal);
        Assert.Contains("sequence 3", line, StringComparison.Ordinal);
    }
}
