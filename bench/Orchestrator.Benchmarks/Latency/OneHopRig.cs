using System.Diagnostics;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// One hop between two threads and nothing else, timed from the producer's clock reading to the
/// consumer's:
/// <code>
///   producer (paced) ──▶ [ one queue ] ──▶ consumer
///   reads the clock,                      reads the clock,
///   publishes it                          records now - then
/// </code>
/// Paced by <see cref="OfferedRate"/>, the loop the engine rig uses, so a run beside
/// <see cref="LatencyRig"/> in one process shows how much the engine adds to the hops it is made of.
/// Subclasses supply the queue: <see cref="BareHopRig"/> (Disruptor-net, the engine's ring) and
/// <see cref="ChannelHopRig"/> (the baseline).
/// </summary>
public abstract class OneHopRig : IDisposable
{
    private LatencyRecorder _recorder = new();
    private long _received;

    /// <summary>The implementation's name as the quick mode prints it.</summary>
    public abstract string Implementation { get; }

    /// <summary>How the consumer waits, as the quick mode prints it (<c>yielding</c>, <c>blocking</c>, <c>async</c>).</summary>
    public abstract string WaitStrategy { get; }

    /// <summary>Offers <paramref name="events"/> stamped events at <paramref name="offeredPerSecond"/>, waits until the consumer has seen them all (30 s at most), and returns their latency.</summary>
    public LatencySummary Run(long events, double offeredPerSecond) => Run(events, offeredPerSecond, new LatencyRecorder());

    /// <summary>As <see cref="Run(long, double)"/>, adding to <paramref name="recorder"/>: interleaved rounds of several rigs pool their events.</summary>
    public LatencySummary Run(long events, double offeredPerSecond, LatencyRecorder recorder)
    {
        // Plain write: the consumer reads it only after taking one of the events published below,
        // and every queue here publishes with release semantics.
        _recorder = recorder;
        long target = Volatile.Read(ref _received) + events;
        OfferedRate rate = OfferedRate.Start(offeredPerSecond);
        for (long i = 0; i < events; i++)
        {
            rate.WaitForTurn(i);
            PublishStamped();
        }

        long deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        // Acquire read: pairs with the consumer's release write in Received.
        while (Volatile.Read(ref _received) < target && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Yield();
        }

        return recorder.Summarize();
    }

    /// <summary>Publishes one event carrying <see cref="Stopwatch.GetTimestamp"/>, read as late before the publish as the queue allows.</summary>
    protected abstract void PublishStamped();

    /// <summary>Called on the consumer thread for every event with the producer's clock reading.</summary>
    protected void Received(long publishTimestamp)
    {
        _recorder.Record(publishTimestamp, Stopwatch.GetTimestamp());
        // Release write: one writer (the consumer); Run reads it with acquire.
        Volatile.Write(ref _received, _received + 1);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
