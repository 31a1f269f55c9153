namespace Orchestrator.Benchmarks.Throughput;

/// <summary>The implementations compared side by side; names as the quick mode prints them.</summary>
public static class Implementation
{
    public const string Ring = "disruptor";
    public const string Channels = "channels";
    public const string BlockingCollection = "blockingcollection";

    public static IReadOnlyList<string> All { get; } = [Ring, Channels, BlockingCollection];

    public static ThroughputRig Create(string implementation, Topology topology) => implementation switch
    {
        Ring => new RingRig(topology),
        Channels => new ChannelsRig(topology),
        BlockingCollection => new BlockingCollectionRig(topology),
        _ => throw new ArgumentOutOfRangeException(nameof(implementation), implementation, "Unknown implementation."),
    };
}
