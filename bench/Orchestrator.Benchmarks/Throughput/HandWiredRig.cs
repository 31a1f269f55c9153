using Disruptor;
using Disruptor.Dsl;
using Disruptor.Processing;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// Disruptor-net without its DSL: the ring, one barrier per stage and one processor per stage
/// created and wired by hand, the way Disruptor-net's own perf tests wire their pipelines. The
/// reference the DSL-wired ring is held to ("the DSL must not cost us"):
/// <code>
///   P ──▶ [ ValueRingBuffer ] ◀─ barrier(cursor) ─ S1 ◀─ barrier(S1) ─ S2 ◀─ barrier(S2) ─ S3
///                 ▲                                                                      │
///                 └──────────────── gating sequence: the producer never laps S3 ─────────┘
/// </code>
/// Each processor is made by <see cref="EventProcessorFactory"/> (struct proxies for the handler,
/// the data provider and the sequencer options) and runs on a long-running task, a dedicated
/// thread, as every stage of the engine's <see cref="RingPipeline{T}"/> has one. The wait strategy
/// (yielding, from the engine's own factory), the slot, the producer loop and the handlers are
/// <see cref="RingRig"/>'s: only the wiring differs.
/// </summary>
public sealed class HandWiredRig : ThroughputRig
{
    private readonly ValueRingBuffer<CounterEvent> _ring;
    private readonly IValueEventProcessor<CounterEvent>[] _processors;
    private readonly Task[] _running;

    public HandWiredRig(Topology topology, int bufferSize = Capacity)
        : base(topology)
    {
        _ring = ValueRingBuffer<CounterEvent>.Create(
            topology.Producers == 1 ? ProducerType.Single : ProducerType.Multi,
            static () => default,
            bufferSize,
            WaitStrategies.Create(WaitStrategyKind.Yielding));

        _processors = new IValueEventProcessor<CounterEvent>[topology.Stages];
        for (int stage = 0; stage < topology.Stages; stage++)
        {
            SequenceBarrier barrier = stage == 0 ? _ring.NewBarrier() : _ring.NewBarrier(_processors[stage - 1].Sequence);
            _processors[stage] = stage + 1 < topology.Stages
                ? EventProcessorFactory.Create(_ring, barrier, new IncrementHandler())
                : EventProcessorFactory.Create(_ring, barrier, new LastStageHandler(this));
        }

        _ring.AddGatingSequences(_processors[^1].Sequence);
        _running = new Task[_processors.Length];
        for (int i = 0; i < _processors.Length; i++)
        {
            _running[i] = _processors[i].StartLongRunning();
            _processors[i].WaitUntilStarted(TimeSpan.FromSeconds(5));
        }
    }

    protected override void Produce(int producer, long count) => CounterEvent.PublishCounting(_ring, count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (IValueEventProcessor<CounterEvent> processor in _processors)
            {
                processor.Halt();
            }

            Task.WaitAll(_running, TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }
}
