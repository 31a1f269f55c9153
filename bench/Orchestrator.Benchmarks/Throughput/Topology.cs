namespace Orchestrator.Benchmarks.Throughput;

/// <summary>
/// The shapes measured, each through every implementation:
/// <code>
///   1p1c       P ──▶ [ queue ] ──▶ C
///
///   3p1c       P1 ─┐
///              P2 ─┼▶ [ queue ] ──▶ C
///              P3 ─┘
///
///   pipeline3  P ──▶ [ queue ] ──▶ S1 ──▶ S2 ──▶ S3
///              (ring: one ring, three chained handlers reading the same slot;
///               queues: three queues, each stage forwarding to the next)
/// </code>
/// </summary>
public sealed record Topology(string Name, int Producers, int Stages)
{
    public static readonly Topology OneToOne = new("1p1c", 1, 1);
    public static readonly Topology ThreeToOne = new("3p1c", 3, 1);
    public static readonly Topology Pipeline3 = new("pipeline3", 1, 3);

    public static IReadOnlyList<Topology> All { get; } = [OneToOne, ThreeToOne, Pipeline3];
}
