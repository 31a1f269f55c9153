using Orchestrator.Benchmarks.Latency;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Tests;

/// <summary>The hop rigs run real threads; what is asserted is what they count, never how fast.</summary>
public sealed class OneHopRigTests
{
    public static TheoryData<string> Rigs => ["disruptor", "channels"];

    private static OneHopRig Create(string implementation) => implementation == "disruptor"
        ? new BareHopRig(WaitStrategyKind.Yielding)
        : new ChannelHopRig();

    [Theory]
    [MemberData(nameof(Rigs))]
    public void Run_ReturnsOnlyAfterTheConsumerHasRecordedEveryEvent(string implementation)
    {
        using OneHopRig rig = Create(implementation);

        LatencySummary s = rig.Run(20_000, 1_000_000);

        Assert.Equal(implementation, rig.Implementation);
        Assert.Equal(20_000, s.Count);
        Assert.True(s.P50Us > 0 && s.P50Us <= s.P99Us && s.P99Us <= s.P999Us && s.P999Us <= s.MaxUs);
    }

    [Theory]
    [MemberData(nameof(Rigs))]
    public void Run_IntoOneRecorder_PoolsRoundsOfSeparateRigs(string implementation)
    {
        var pooled = new LatencyRecorder();
        for (int round = 0; round < 3; round++)
        {
            using OneHopRig rig = Create(implementation);
            rig.Run(1_000, 1_000_000); // warm-up: not pooled
            rig.Run(5_000, 1_000_000, pooled);
        }

        Assert.Equal(15_000, pooled.Summarize().Count);
    }

    [Fact]
    public void BareHopRig_NamesTheWaitStrategyItWasGiven()
    {
        using var yielding = new BareHopRig(WaitStrategyKind.Yielding);
        using var blocking = new BareHopRig(WaitStrategyKind.Blocking);

        Assert.Equal("yielding", yielding.WaitStrategy);
        Assert.Equal("blocking", blocking.WaitStrategy);
    }
}
