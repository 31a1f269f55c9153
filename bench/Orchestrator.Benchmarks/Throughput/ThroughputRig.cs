namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// One implementation wired in one <see cref="Topology"/>, with its consumer threads started
/// once. <see cref="Run"/> pushes a number of events through and returns when the last stage
/// has seen them all; the same rig serves BenchmarkDotNet and the quick mode.
/// </summary>
public abstract class ThroughputRig : IDisposable
{
    private readonly ManualResetEventSlim _done = new();
    private readonly ProducerGang _producers;
    private long _target;
    private long _consumed;
    private long _checksum;

    /// <summary>
    /// Slots (ring) or bound (queues), the same for every implementation. 2^20 rather than the
    /// classic 2^16: in an interleaved A/B on the 2-vCPU CI machine the larger ring was faster
    /// in every pair for 1p1c (42→170, 58→60, 48→73 M events/s) while Channels did not change
    /// (5-10 M/s either way). A ring the producer can run far ahead in keeps the consumer off
    /// the cache lines being written, which is what cross-core transfers cost on that machine.
    /// </summary>
    public const int Capacity = 1 << 20;

    protected ThroughputRig(Topology topology)
    {
        Topology = topology;
        _producers = new ProducerGang(topology.Producers, Produce);
    }

    public Topology Topology { get; }

    /// <summary>Sends <paramref name="events"/> through (split between producers) and waits for the last stage.</summary>
    public long Run(long events)
    {
        long perProducer = events / Topology.Producers;
        long total = perProducer * Topology.Producers;
        _done.Reset();
        // Release write: consumers read the new target after seeing any of this run's events.
        Volatile.Write(ref _target, Volatile.Read(ref _consumed) + total);
        _producers.Run(perProducer);
        _done.Wait();
        return _checksum;
    }

    /// <summary>Called by the last stage for every event, on its thread.</summary>
    protected internal void Consumed(long value)
    {
        _checksum += value;
        long consumed = _consumed + 1;
        // Release write: Run's acquire read sees the count; one writer (the last stage).
        Volatile.Write(ref _consumed, consumed);
        if (consumed == Volatile.Read(ref _target))
        {
            _done.Set();
        }
    }

    /// <summary>Publishes <paramref name="count"/> events from producer <paramref name="producer"/>.</summary>
    protected abstract void Produce(int producer, long count);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _producers.Dispose();
            _done.Dispose();
        }
    }
}
