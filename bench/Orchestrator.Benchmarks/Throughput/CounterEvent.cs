namespace Orchestrator.Benchmarks.Throughput;

/// <summary>The slot every ring rig passes along: a counter each stage increments in place.</summary>
public struct CounterEvent
{
    public long Value;
}
