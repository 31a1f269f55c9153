using BenchmarkDotNet.Attributes;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// One hop between two threads at the engine suite's offered rate (see <see cref="OneHopRig"/>
/// for the topology): a bounded Channel (the baseline) against one Disruptor-net ring hop waiting
/// with the yielding or the blocking strategy. Set beside <see cref="EngineLatencyBenchmarks"/>, it
/// is the floor the engine's two hops are measured against. The latency distribution
/// (HdrHistogram) of the last invocation is printed at cleanup as <c>p50/p99/p99.9/max</c> in µs.
/// </summary>
[MemoryDiagnoser]
public class OneHopLatencyBenchmarks : IDisposable
{
    private OneHopRig? _rig;
    private LatencySummary? _last;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel() => _rig = new ChannelHopRig();

    [GlobalSetup(Target = nameof(RingYielding))]
    public void SetupRingYielding() => _rig = new BareHopRig(WaitStrategyKind.Yielding);

    [GlobalSetup(Target = nameof(RingBlocking))]
    public void SetupRingBlocking() => _rig = new BareHopRig(WaitStrategyKind.Blocking);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is { } s && _rig is { } rig)
        {
            Console.WriteLine($"// latency one hop {rig.Implementation}/{rig.WaitStrategy}: events={s.Count} p50={s.P50Us:0.0}us p99={s.P99Us:0.0}us p99.9={s.P999Us:0.0}us max={s.MaxUs:0.0}us");
        }

        Dispose();
    }

    public void Dispose()
    {
        _rig?.Dispose();
        _rig = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EngineLatencyBenchmarks.EventsPerInvoke)]
    public long Channel() => RunOnce();

    [Benchmark(OperationsPerInvoke = EngineLatencyBenchmarks.EventsPerInvoke)]
    public long RingYielding() => RunOnce();

    [Benchmark(OperationsPerInvoke = EngineLatencyBenchmarks.EventsPerInvoke)]
    public long RingBlocking() => RunOnce();

    private long RunOnce()
    {
        _last = _rig!.Run(EngineLatencyBenchmarks.EventsPerInvoke, EngineLatencyBenchmarks.OfferedPerSecond);
        return _last.Count;
    }
}
