using System.Diagnostics;
using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// The floor under the engine's latency: one Disruptor-net ring hop.
/// <code>
///   producer (paced) ──▶ [ ValueRingBuffer&lt;Ping&gt; ] ──▶ consumer (records latency)
/// </code>
/// The producer claims a slot, stamps it with <see cref="Stopwatch.GetTimestamp"/> and publishes
/// (the publish scope's Dispose), as the engine stamps its inputs; the consumer waits with the
/// wait strategy given, built by the engine's own factory (<see cref="WaitStrategies"/>), which the
/// quick mode sets to the engine's.
/// </summary>
public sealed class BareHopRig : OneHopRig
{
    private const int BufferSize = 1 << 16;

    private readonly ValueDisruptor<Ping> _disruptor;
    private readonly ValueRingBuffer<Ping> _ring;

    /// <summary>A started ring with one consumer thread waiting with <paramref name="waitStrategy"/>, built by the engine's own factory.</summary>
    public BareHopRig(WaitStrategyKind waitStrategy)
    {
        _disruptor = new ValueDisruptor<Ping>(static () => default, BufferSize, TaskScheduler.Default, ProducerType.Single, WaitStrategies.Create(waitStrategy));
        _disruptor.HandleEventsWith(new ReceivingHandler(this));
        _ring = _disruptor.Start();
        WaitStrategy = waitStrategy.ToString().ToLowerInvariant();
    }

    public override string Implementation => "disruptor";

    /// <summary>The wait strategy's name in lower case: <c>yielding</c>, <c>blocking</c>, <c>sleeping</c>, <c>busyspin</c>.</summary>
    public override string WaitStrategy { get; }

    protected override void PublishStamped()
    {
        using ValueRingBuffer<Ping>.UnpublishedEventScope scope = _ring.PublishEvent();
        scope.Event().PublishTimestamp = Stopwatch.GetTimestamp();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disruptor.Shutdown(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>One slot: the producer's clock reading.</summary>
    public struct Ping
    {
        public long PublishTimestamp;
    }

    /// <summary>Hands each ping to the rig; called on the consumer thread only. Public: Disruptor-net generates a struct proxy only for visible handler types.</summary>
    public sealed class ReceivingHandler(BareHopRig rig) : IValueEventHandler<Ping>
    {
        public void OnEvent(ref Ping data, long sequence, bool endOfBatch) => rig.Received(data.PublishTimestamp);
    }
}
