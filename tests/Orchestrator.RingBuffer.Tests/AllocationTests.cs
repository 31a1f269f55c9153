namespace Orchestrator.RingBuffer.Tests;

/// <summary>Steady state allocates nothing, on the producer thread or the consumer threads.</summary>
public sealed class AllocationTests
{
    private const long Warmup = 100_000;
    private const long Measured = 1_000_000;

    /// <summary>Reads its own thread's allocation counter at the start and end of the measured window.</summary>
    private sealed class AllocationProbe(long startAt, long endAt) : IEventHandler<TestEvent>
    {
        private long _before;

        public long Allocated { get; private set; } = -1;

        public ManualResetEventSlim Done { get; } = new();

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            data.StageA = data.Value * 2;
            if (sequence == startAt)
            {
                _before = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (sequence == endAt)
            {
                Allocated = GC.GetAllocatedBytesForCurrentThread() - _before;
                Done.Set();
            }
        }
    }

    [Theory]
    [InlineData(ProducerType.Single, WaitStrategyKind.Yielding)]
    [InlineData(ProducerType.Multi, WaitStrategyKind.Yielding)]
    [InlineData(ProducerType.Single, WaitStrategyKind.Blocking)]
    [InlineData(ProducerType.Multi, WaitStrategyKind.Sleeping)]
    public void SteadyState_AllocatesZeroBytesPerEvent(ProducerType type, WaitStrategyKind wait)
    {
        var disruptor = new Disruptor<TestEvent>(new DisruptorOptions { BufferSize = 1024, ProducerType = type, WaitStrategy = wait });
        long last = Warmup + Measured - 1;
        var first = new AllocationProbe(Warmup, last);
        var second = new AllocationProbe(Warmup, last);
        disruptor.HandleEventsWith(first).Then(second);
        RingBuffer<TestEvent> ring = disruptor.Start();

        PublishRange(ring, 0, Warmup);
        long before = GC.GetAllocatedBytesForCurrentThread();
        PublishRange(ring, Warmup, Measured);
        long producerAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(second.Done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);
        Assert.Equal(0, producerAllocated);
        Assert.Equal(0, first.Allocated);
        Assert.Equal(0, second.Allocated);
    }

    private static void PublishRange(RingBuffer<TestEvent> ring, long from, long count)
    {
        for (long i = from; i < from + count; i++)
        {
            long s = ring.Next();
            ring[s].Value = i;
            ring.Publish(s);
        }
    }
}
