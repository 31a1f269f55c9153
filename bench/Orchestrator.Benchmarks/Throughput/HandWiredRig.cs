using Disruptor;
using Disruptor.Processing;

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
/// the data provider and the sequencer options) and runs on its own long-running task, which is
/// what the DSL does too; the wait strategy is yielding, as in every throughput rig.
/// </summary>
public sealed class HandWiredRig : ThroughputRig
{
    private readonly ValueRingBuffer<CounterEvent> _ring;
    private readonly IValueEventProcessor<CounterEvent>[] _processors;
    private readonly Task[] _running;

    public HandWiredRig(Topology topology, int bufferSize = Capacity)
        : base(topology)
    {
        _ring = topology.Producers == 1
            ? ValueRingBuffer<CounterEvent>.CreateSingleProducer(() => default, bufferSize, new YieldingWaitStrategy())
            : ValueRingBuffer<CounterEvent>.CreateMultiProducer(() => default, bufferSize, new YieldingWaitStrategy());

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

    protected override void Produce(int producer, long count)
    {
        ValueRingBuffer<CounterEvent> ring = _ring;
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
            foreach (IValueEventProcessor<CounterEvent> processor in _processors)
            {
                processor.Halt();
            }

            Task.WaitAll(_running, TimeSpan.FromSeconds(10));
        }

        base.Dispose(disposing);
    }

    private sealed class IncrementHandler : IValueEventHandler<CounterEvent>
    {
        public void OnEvent(ref CounterEvent data, long sequence, bool endOfBatch) => data.Value++;
    }

    private sealed class LastStageHandler(HandWiredRig rig) : IValueEventHandler<CounterEvent>
    {
        public void OnEvent(ref CounterEvent data, long sequence, bool endOfBatch) => rig.Consumed(data.Value);
    }
}
