using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>Disruptor-net through the engine's glue (<see cref="RingPipeline{T}"/>): one ring, stages chained as handlers on their own threads.</summary>
public sealed class RingRig : ThroughputRig
{
    public struct ValueEvent
    {
        public long Value;
    }

    private readonly RingPipeline<ValueEvent> _disruptor;
    private readonly ValueRingBuffer<ValueEvent> _ring;

    public RingRig(Topology topology, WaitStrategyKind waitStrategy = WaitStrategyKind.Yielding, int bufferSize = Capacity)
        : base(topology)
    {
        _disruptor = new RingPipeline<ValueEvent>(new RingOptions
        {
            BufferSize = bufferSize,
            ProducerType = topology.Producers == 1 ? ProducerType.Single : ProducerType.Multi,
            WaitStrategy = waitStrategy,
            ThreadNamePrefix = "bench",
        });

        RingStage<ValueEvent>? group = null;
        for (int stage = 1; stage < topology.Stages; stage++)
        {
            var handler = new IncrementHandler();
            group = group is null ? _disruptor.HandleEventsWith(handler) : group.Then(handler);
        }

        var last = new LastStageHandler(this);
        if (group is null)
        {
            _disruptor.HandleEventsWith(last);
        }
        else
        {
            group.Then(last);
        }

        _ring = _disruptor.Start();
    }

    protected override void Produce(int producer, long count)
    {
        ValueRingBuffer<ValueEvent> ring = _ring;
        for (long i = 0; i < count; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = i;
            ring.Publish(sequence);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disruptor.Shutdown(TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }

    public sealed class IncrementHandler : IValueEventHandler<ValueEvent>
    {
        public void OnEvent(ref ValueEvent data, long sequence, bool endOfBatch) => data.Value++;
    }

    public sealed class LastStageHandler(RingRig rig) : IValueEventHandler<ValueEvent>
    {
        public void OnEvent(ref ValueEvent data, long sequence, bool endOfBatch) => rig.Consumed(data.Value);
    }
}
