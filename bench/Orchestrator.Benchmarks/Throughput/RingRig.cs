using Disruptor;
using Disruptor.Dsl;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>Disruptor-net through the engine's glue (<see cref="RingPipeline{T}"/>): one ring, stages chained as handlers on their own threads.</summary>
public sealed class RingRig : ThroughputRig
{
    private readonly RingPipeline<CounterEvent> _disruptor;
    private readonly ValueRingBuffer<CounterEvent> _ring;

    public RingRig(Topology topology, WaitStrategyKind waitStrategy = WaitStrategyKind.Yielding, int bufferSize = Capacity)
        : base(topology)
    {
        _disruptor = new RingPipeline<CounterEvent>(new RingOptions
        {
            BufferSize = bufferSize,
            ProducerType = topology.Producers == 1 ? ProducerType.Single : ProducerType.Multi,
            WaitStrategy = waitStrategy,
            ThreadNamePrefix = "bench",
        });

        RingStage<CounterEvent>? group = null;
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

    protected override void Produce(int producer, long count) => CounterEvent.PublishCounting(_ring, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disruptor.Shutdown(TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }
}
