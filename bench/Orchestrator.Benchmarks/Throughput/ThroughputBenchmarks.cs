using BenchmarkDotNet.Attributes;

namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// Events per second through one topology (see <see cref="Topology"/> for the diagrams), the
/// ring against Channels (the baseline), BlockingCollection, a bare ConcurrentQueue and
/// Disruptor-net wired by hand (<see cref="HandWiredRig"/>) in the same run. Each method
/// gets its own rig (consumer threads started once, in setup), so idle consumers of one
/// implementation never steal cores from another.
/// </summary>
[MemoryDiagnoser]
public abstract class ThroughputBenchmarks
{
    public const int EventsPerInvoke = 1_000_000;

    private ThroughputRig? _rig;

    protected abstract Topology Topology { get; }

    [GlobalSetup(Target = nameof(Channels))]
    public void SetupChannels() => _rig = Implementation.Create(Implementation.Channels, Topology);

    [GlobalSetup(Target = nameof(Ring))]
    public void SetupRing() => _rig = Implementation.Create(Implementation.Ring, Topology);

    [GlobalSetup(Target = nameof(HandWired))]
    public void SetupHandWired() => _rig = Implementation.Create(Implementation.HandWired, Topology);

    [GlobalSetup(Target = nameof(BlockingCollection))]
    public void SetupBlockingCollection() => _rig = Implementation.Create(Implementation.BlockingCollection, Topology);

    [GlobalSetup(Target = nameof(ConcurrentQueue))]
    public void SetupConcurrentQueue() => _rig = Implementation.Create(Implementation.ConcurrentQueue, Topology);

    [GlobalCleanup]
    public void Cleanup() => _rig?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke)]
    public long Channels() => _rig!.Run(EventsPerInvoke);

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long Ring() => _rig!.Run(EventsPerInvoke);

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long HandWired() => _rig!.Run(EventsPerInvoke);

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long BlockingCollection() => _rig!.Run(EventsPerInvoke);

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long ConcurrentQueue() => _rig!.Run(EventsPerInvoke);
}

/// <summary><c>P ──▶ [queue] ──▶ C</c></summary>
public class OneToOneThroughputBenchmarks : ThroughputBenchmarks
{
    protected override Topology Topology => Topology.OneToOne;
}

/// <summary><c>P1,P2,P3 ──▶ [queue] ──▶ C</c></summary>
public class ThreeToOneThroughputBenchmarks : ThroughputBenchmarks
{
    protected override Topology Topology => Topology.ThreeToOne;
}

/// <summary><c>P ──▶ [queue] ──▶ S1 ──▶ S2 ──▶ S3</c></summary>
public class PipelineThroughputBenchmarks : ThroughputBenchmarks
{
    protected override Topology Topology => Topology.Pipeline3;
}
