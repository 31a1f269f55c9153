using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Engine.Tests.Ring;

/// <summary>The glue around Disruptor-net: named threads, lifecycle, drain and timeout on shutdown, every claim published.</summary>
public sealed class RingPipelineTests
{
    [Fact]
    public void Stages_RunOnNamedThreadsOfTheirOwn_WithStartAndShutdownOnThem()
    {
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 8, ThreadNamePrefix = "engine" });
        var first = new ThreadRecordingHandler();
        var second = new ThreadRecordingHandler();
        ring.HandleEventsWith(first).Then(second);
        ring.Start();
        ring.RingBuffer.Publish(ring.RingBuffer.Next());

        Assert.True(second.Seen.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal("engine-ThreadRecordingHandler", first.EventThread);
        Assert.Equal("engine-ThreadRecordingHandler-1", second.EventThread); // repeated type names are numbered
        Assert.Equal(first.EventThread, first.StartThread);
        Assert.Equal(first.EventThread, first.ShutdownThread);
    }

    [Fact]
    public void Shutdown_DrainsEveryPublishedEventBeforeStopping()
    {
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 1024, ProducerType = ProducerType.Single, WaitStrategy = WaitStrategyKind.Sleeping });
        var first = new CountingHandler(999);
        var last = new CountingHandler(999);
        ring.HandleEventsWith(first).Then(last);
        ring.Start();
        for (int i = 0; i < 1000; i++)
        {
            ring.RingBuffer.Publish(ring.RingBuffer.Next());
        }

        // No wait for the stages: Shutdown itself must drain.
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal(1000, last.Count);
        Assert.False(ring.HasBacklog());
    }

    [Fact]
    public async Task Shutdown_WhenAHandlerIsStuck_ReturnsTimedOut()
    {
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 8 });
        var stuck = new BlockingHandler();
        ring.HandleEventsWith(stuck);
        ring.Start();
        ring.RingBuffer.Publish(ring.RingBuffer.Next());
        Assert.True(stuck.Entered.Wait(Waits.Hang));

        Assert.Equal(ShutdownResult.TimedOut, ring.Shutdown(TimeSpan.FromMilliseconds(50)));

        stuck.Release.Set();
        await ring.Processors[0].Completion.WaitAsync(Waits.Hang); // released, it stops: it was halted
    }

    [Fact]
    public void Wiring_AfterStart_IsRefused()
    {
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 8 });
        RingStage<TestEvent> stage = ring.HandleEventsWith(new CountingHandler(0));
        ring.Start();

        Assert.Throws<InvalidOperationException>(() => stage.Then(new CountingHandler(0)));
        Assert.Throws<InvalidOperationException>(() => ring.Start());
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
    }

    [Fact]
    public void RingPublisher_WhenFillingTheSlotThrows_PublishesItAsTheNoOpDefault_AndTheRingGoesOn()
    {
        var ring = new RingPipeline<TestEvent>(new RingOptions { BufferSize = 8, ProducerType = ProducerType.Multi });
        var seen = new RecordingHandler(lastSequence: 1);
        ring.HandleEventsWith(seen);
        ring.Start();

        Assert.Throws<InvalidOperationException>(() => RingPublisher.Publish(ring.RingBuffer, new ThrowingWriter(41)));
        long next = RingPublisher.Publish(ring.RingBuffer, new ValueWriter(42));

        Assert.True(seen.Done.Wait(Waits.Hang)); // the claim that threw did not stall the sequence after it
        Assert.Equal(1, next);
        Assert.Equal(ShutdownResult.Drained, ring.Shutdown(Waits.Hang));
        Assert.Equal(new long[] { 0, 42 }, seen.Values); // the aborted slot went out as default, not half-written
    }

    private readonly struct ValueWriter(long value) : ISlotWriter<TestEvent>
    {
        public void Write(ref TestEvent slot) => slot.Value = value;
    }

    private readonly struct ThrowingWriter(long value) : ISlotWriter<TestEvent>
    {
        public void Write(ref TestEvent slot)
        {
            slot.Value = value; // half-written when the failure comes
            throw new InvalidOperationException("filling failed");
        }
    }

    public sealed class RecordingHandler(long lastSequence) : IValueEventHandler<TestEvent>
    {
        private readonly List<long> _values = [];

        public ManualResetEventSlim Done { get; } = new();

        public IReadOnlyList<long> Values
        {
            get
            {
                lock (_values)
                {
                    return [.. _values];
                }
            }
        }

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            lock (_values)
            {
                _values.Add(data.Value);
            }

            if (sequence == lastSequence)
            {
                Done.Set();
            }
        }
    }
}
