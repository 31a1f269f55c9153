using NLog;
using NLog.Targets;

namespace Orchestrator.RingBuffer.Tests;

public sealed class ExceptionPolicyTests
{
    private static (Logger Logger, MemoryTarget Target) NewLogger()
    {
        var target = new MemoryTarget("memory") { Layout = "${level}|${message}|${exception:format=message}" };
        var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        return (factory.GetLogger("ring-test"), target);
    }

    private static void Publish(RingBuffer<TestEvent> ring, long count)
    {
        for (long i = 0; i < count; i++)
        {
            long s = ring.Next();
            ring[s].Value = i;
            ring.Publish(s);
        }
    }

    [Fact]
    public async Task Halt_WhenHandlerThrows_StopsAtTheFailedEvent_LogsItsSequence_AndTellsTheOwner()
    {
        (Logger logger, MemoryTarget log) = NewLogger();
        var disruptor = new Disruptor<TestEvent>(
            new DisruptorOptions { BufferSize = 64, ProducerType = ProducerType.Single, WaitStrategy = WaitStrategyKind.Blocking },
            new LoggingExceptionHandler<TestEvent>(ExceptionPolicy.Halt, logger));
        var faultSeen = new ManualResetEventSlim();
        ProcessorFault? reported = null;
        disruptor.ProcessorFaulted += f =>
        {
            reported = f;
            faultSeen.Set();
        };
        var failing = new ThrowingHandler(throwAt: 5, lastSequence: 9);
        var downstream = new CountingHandler(9);
        disruptor.HandleEventsWith(failing).Then(downstream);
        RingBuffer<TestEvent> ring = disruptor.Start();

        Publish(ring, 10);

        Assert.True(faultSeen.Wait(Waits.Hang));
        IEventProcessor processor = disruptor.Processors[0];
        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.Completion.WaitAsync(Waits.Hang));
        Assert.Equal(5, reported!.Sequence);
        Assert.Equal(4, processor.Sequence.Value); // the failed event is not counted as done
        Assert.Equal(5, failing.Count);

        Assert.Equal(ShutdownResult.Faulted, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(5, downstream.Count); // later stages never saw the failed event or anything after it
        Assert.Single(disruptor.Faults);
        string line = Assert.Single(log.Logs);
        Assert.StartsWith("Error|", line, StringComparison.Ordinal);
        Assert.Contains("sequence 5", line, StringComparison.Ordinal);
        Assert.Contains("boom at 5", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Continue_WhenHandlerThrows_LogsAWarningAndProcessesEverythingElse()
    {
        (Logger logger, MemoryTarget log) = NewLogger();
        var disruptor = new Disruptor<TestEvent>(
            new DisruptorOptions { BufferSize = 16, ProducerType = ProducerType.Single, WaitStrategy = WaitStrategyKind.Blocking },
            new LoggingExceptionHandler<TestEvent>(ExceptionPolicy.Continue, logger));
        var failing = new ThrowingHandler(throwAt: 3, lastSequence: 99);
        var downstream = new CountingHandler(99);
        disruptor.HandleEventsWith(failing).Then(downstream);
        Publish(disruptor.Start(), 100);

        Assert.True(downstream.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(99, failing.Count);
        Assert.Equal(100, downstream.Count);
        Assert.Empty(disruptor.Faults);
        string line = Assert.Single(log.Logs);
        Assert.StartsWith("Warn|", line, StringComparison.Ordinal);
        Assert.Contains("sequence 3", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_IsTakenFromOptions_WhenNoHandlerIsGiven()
    {
        var disruptor = new Disruptor<TestEvent>(new DisruptorOptions
        {
            BufferSize = 16,
            ProducerType = ProducerType.Single,
            WaitStrategy = WaitStrategyKind.Blocking,
            ExceptionPolicy = ExceptionPolicy.Continue,
        });
        var failing = new ThrowingHandler(throwAt: 0, lastSequence: 4);
        disruptor.HandleEventsWith(failing);
        Publish(disruptor.Start(), 5);

        Assert.True(failing.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(4, failing.Count);
    }

    [Fact]
    public void Halt_WhenTheExceptionHandlerItselfThrows_StillHalts()
    {
        var disruptor = new Disruptor<TestEvent>(
            new DisruptorOptions { BufferSize = 16, ProducerType = ProducerType.Single, WaitStrategy = WaitStrategyKind.Blocking },
            new BrokenExceptionHandler());
        disruptor.HandleEventsWith(new ThrowingHandler(throwAt: 1, lastSequence: 4));
        Publish(disruptor.Start(), 5);

        Assert.Equal(ShutdownResult.Faulted, disruptor.Shutdown(Waits.Hang));
        ProcessorFault fault = Assert.Single(disruptor.Faults);
        Assert.Equal(1, fault.Sequence);
        Assert.IsType<AggregateException>(fault.Exception);
    }

    private sealed class BrokenExceptionHandler : IExceptionHandler<TestEvent>
    {
        public ExceptionPolicy OnEventException(Exception exception, long sequence, ref TestEvent data, string processorName) =>
            throw new InvalidOperationException("the policy failed too");

        public void OnStartException(Exception exception, string processorName)
        {
        }

        public void OnShutdownException(Exception exception, string processorName)
        {
        }
    }
}
