using BenchmarkDotNet.Attributes;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// End-to-end engine latency at a fixed offered rate (see <see cref="LatencyScenario"/> for the
/// topology). BenchmarkDotNet times each invocation of <see cref="EventsPerInvoke"/> paced
/// inputs; the latency distribution of the orders (HdrHistogram) is printed at cleanup as
/// <c>p50/p99/p99.9/max</c> in microseconds. The baseline is the same run with the blocking
/// wait strategy (the 2-core default), so the table also shows what waiting costs.
/// </summary>
[MemoryDiagnoser]
public class EngineLatencyBenchmarks : IDisposable
{
    public const int EventsPerInvoke = 100_000;
    public const double OfferedPerSecond = 100_000;

    private LatencyRig? _rig;
    private LatencySummary? _last;

    [Params(LatencyScenario.TickToOrder, LatencyScenario.SignalToOrder)]
    public LatencyScenario Scenario { get; set; }

    [GlobalSetup(Target = nameof(Yielding))]
    public void SetupYielding() => _rig = new LatencyRig(Scenario, Engine.Ring.WaitStrategyKind.Yielding);

    [GlobalSetup(Target = nameof(Blocking))]
    public void SetupBlocking() => _rig = new LatencyRig(Scenario, Engine.Ring.WaitStrategyKind.Blocking);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is { } s)
        {
            Console.WriteLine($"// latency {Scenario}: orders={s.Count} p50={s.P50Us:0.0}us p99={s.P99Us:0.0}us p99.9={s.P999Us:0.0}us max={s.MaxUs:0.0}us");
        }

        Dispose();
    }

    public void Dispose()
    {
        _rig?.Dispose();
        _rig = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke)]
    public long Blocking() => RunOnce();

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long Yielding() => RunOnce();

    private long RunOnce()
    {
        _last = _rig!.Run(EventsPerInvoke, OfferedPerSecond);
        return _last.Count;
    }
}
