using Disruptor;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// A ring stage before the last: adds one to the slot. Public, as every ring handler here:
/// Disruptor-net generates a struct proxy (no interface call per event) only for visible types.
/// </summary>
public sealed class IncrementHandler : IValueEventHandler<CounterEvent>
{
    public void OnEvent(ref CounterEvent data, long sequence, bool endOfBatch) => data.Value++;
}
