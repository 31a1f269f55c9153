using Orchestrator.Benchmarks.Throughput;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Benchmarks.Tests;

public sealed class QuickBenchGoalsTests
{
    private static Dictionary<string, double> Rates(double ring, double handWired, double channels, double blockingCollection, double concurrentQueue = 20e6) => new()
    {
        [Implementation.Ring] = ring,
        [Implementation.HandWired] = handWired,
        [Implementation.Channels] = channels,
        [Implementation.BlockingCollection] = blockingCollection,
        [Implementation.ConcurrentQueue] = concurrentQueue,
    };

    [Fact]
    public void ThroughputGoals_ThreeProducers_HoldTheRingToFourTimesChannels()
    {
        Goal goal = Assert.Single(QuickBench.ThroughputGoals(Topology.ThreeToOne, Rates(45e6, 50e6, 10e6, 2e6)));

        Assert.Equal(Implementation.Ring + "_vs_channels", goal.Name);
        Assert.Equal(4.5, goal.Measured, 9);
        Assert.Equal(4, goal.Target);
        Assert.True(goal.Met);
    }

    [Fact]
    public void ThroughputGoals_OneToOne_HoldTheRingToTenTimesChannels()
    {
        Goal goal = Assert.Single(QuickBench.ThroughputGoals(Topology.OneToOne, Rates(45e6, 50e6, 10e6, 2e6)));

        Assert.Equal(10, goal.Target);
        Assert.False(goal.Met); // 4.5x is enough for 3p1c, not for 1p1c
    }

    [Fact]
    public void ThroughputGoals_Pipeline_AlsoHoldTheRingWithinTenPercentOfTheHandWiredPipeline()
    {
        Goal[] goals = [.. QuickBench.ThroughputGoals(Topology.Pipeline3, Rates(88e6, 100e6, 5e6, 1e6))];

        Assert.Equal(2, goals.Length);
        Assert.Equal((Implementation.Ring + "_vs_channels", 17.6, 10.0, true), (goals[0].Name, Math.Round(goals[0].Measured, 9), goals[0].Target, goals[0].Met));
        Assert.Equal((Implementation.Ring + "_vs_handwired", 0.88, 0.9, false), (goals[1].Name, Math.Round(goals[1].Measured, 9), goals[1].Target, goals[1].Met));
    }

    [Fact]
    public void RatioLine_NamesTheRingOverEveryAlternative()
    {
        string line = QuickBench.RatioLine(Topology.Pipeline3, Rates(90e6, 100e6, 5e6, 1e6));

        Assert.Equal($"scenario=pipeline3 {Implementation.Ring}_vs_handwired=0.90x {Implementation.Ring}_vs_channels=18.00x {Implementation.Ring}_vs_blockingcollection=90.00x {Implementation.Ring}_vs_concurrentqueue=4.50x", line);
    }

    [Fact]
    public void LatencyGoals_RatiosAreTheEnginesPercentilesOverTheBareHopsOfTheSameRun()
    {
        var engine = new LatencySummary(1000, P50Us: 3.0, P99Us: 40.0, P999Us: 250.0, MaxUs: 900.0);
        var bareHop = new LatencySummary(1000, P50Us: 1.0, P99Us: 25.0, P999Us: 99.0, MaxUs: 500.0);

        Goal[] goals = [.. QuickBench.LatencyGoals("tick_to_order", engine, bareHop)];

        Assert.Equal(
            [("p50_us", 3.0, true), ("p99_us", 40.0, true), ("p999_us", 250.0, false), ("p50_vs_bare_hop", 3.0, false), ("p99_vs_bare_hop", 1.6, true)],
            goals.Select(g => (g.Name, Math.Round(g.Measured, 9), g.Met)));
    }
}
