using Disruptor;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>The slot every ring rig passes along: a counter each stage before the last increments in place.</summary>
public struct CounterEvent
{
    public long Value;

    /// <summary>Publishes 0 .. <paramref name="count"/> - 1, one claim and one publish each: the producer loop of every ring rig.</summary>
    public static void PublishCounting(ValueRingBuffer<CounterEvent> ring, long count)
    {
        for (long i = 0; i < count; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = i;
            ring.Publish(sequence);
        }
    }
}
