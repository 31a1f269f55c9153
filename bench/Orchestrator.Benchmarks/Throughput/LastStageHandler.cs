using Disruptor;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>A ring's last stage: hands each slot's value to its rig. Public for Disruptor-net's struct proxy (see <see cref="IncrementHandler"/>).</summary>
public sealed class LastStageHandler(ThroughputRig rig) : IValueEventHandler<CounterEvent>
{
    public void OnEvent(ref CounterEvent data, long sequence, bool endOfBatch) => rig.Consumed(data.Value);
}
