using Orchestrator.Benchmarks.Latency;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Tests;

/// <summary>The latency suite's real engine: what it measures, never how fast.</summary>
public sealed class LatencyRigTests
{
    [Fact]
    public void Run_MeasuresToTheGatewayThreadsReceipt_BeyondTheOrderManagersHandOff()
    {
        using var rig = new LatencyRig(LatencyScenario.SignalToOrder, WaitStrategyKind.Yielding);

        LatencySummary receipt = rig.Run(2_000, 20_000);
        LatencySummary handoff = rig.HandoffRecorder.Summarize();

        // The same orders on both sides; each one reaches the gateway thread after the order manager
        // handed it to the outbound ring, so every percentile to the receipt is at least the one to
        // the hand-off, and the second hop (a cross-thread ring hop) shows at the median. A suite that
        // stopped at the hand-off reports the two alike.
        Assert.True(receipt.Count > 0);
        Assert.Equal(handoff.Count, receipt.Count);
        Assert.True(receipt.P50Us > handoff.P50Us, $"receipt p50 {receipt.P50Us} us, hand-off p50 {handoff.P50Us} us");
        Assert.True(receipt.P99Us >= handoff.P99Us);
        Assert.True(receipt.MaxUs >= handoff.MaxUs);
        Assert.Equal(receipt.Count, rig.Recorder.Summarize().Count);
    }

    [Fact]
    public void Run_IntoRecorders_PoolsRoundsOfSeparateRigs()
    {
        var receipt = new LatencyRecorder();
        var handoff = new LatencyRecorder();
        long[] pooled = new long[2];
        for (int round = 0; round < pooled.Length; round++)
        {
            using var rig = new LatencyRig(LatencyScenario.SignalToOrder, WaitStrategyKind.Yielding);
            pooled[round] = rig.Run(500, 20_000, receipt, handoff).Count;
        }

        Assert.True(pooled[0] > 0);
        Assert.True(pooled[1] > pooled[0]); // the second rig added to the first one's orders
        Assert.Equal(handoff.Summarize().Count, pooled[1]);
    }
}
