namespace Orchestrator.Benchmarks.Throughput;

/// <summary>The implementations compared side by side; names as the quick mode prints them.</summary>
public static class Implementation
{
    /// <summary>Disruptor-net as the engine wires it (<c>RingPipeline</c>, the DSL).</summary>
    public const string Ring = "disruptor";

    /// <summary>Disruptor-net wired by hand, no DSL: what the DSL-wired ring is held to.</summary>
    public const string HandWired = "handwired";

    public const string Channels = "channels";
    public const string BlockingCollection = "blockingcollection";
    public const string ConcurrentQueue = "concurrentqueue";

    public static IReadOnlyList<string> All { get; } = [Ring, HandWired, Channels, BlockingCollection, ConcurrentQueue];

    public static ThroughputRig Create(string implementation, Topology topology) => implementation switch
    {
        Ring => new RingRig(topology),
        HandWired => new HandWiredRig(topology),
        Channels => new ChannelsRig(topology),
        BlockingCollection => new BlockingCollectionRig(topology),
        ConcurrentQueue => new ConcurrentQueueRig(topology),
        _ => throw new ArgumentOutOfRangeException(nameof(implementation), implementation, "Unknown implementation."),
    };
}
