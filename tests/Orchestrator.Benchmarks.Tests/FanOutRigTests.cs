using Orchestrator.Benchmarks.Gateway;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Benchmarks.Tests;

/// <summary>The fan-out rig over a real engine, gateway and loopback agents: that it counts what each agent was sent, never how fast.</summary>
public sealed class FanOutRigTests
{
    [Fact]
    public void Rounds_WithTwoReadingAgents_CountEveryTickEachAgentWasSent_RoundByRound()
    {
        using var rig = new FanOutRig();
        var engine = new LatencyRecorder();

        // Two rounds on one rig, the same agent names: the gateway's counters run on over the run, a
        // round must report only its own ticks. A low rate and few ticks: the market-data ring
        // (65,536 events) holds them all, so nothing may be dropped.
        long[] offered = [3_000, 2_000];
        foreach (long ticks in offered)
        {
            FanOutRound round = rig.Run(readers: 2, stalled: false, ticks, offeredPerSecond: 20_000, engine);

            Assert.True(round.Settled);
            Assert.Equal(ticks, round.Offered);
            Assert.Equal(["fan0", "fan1"], round.Agents.Select(a => a.Name).Order());
            foreach (FanOutAgentResult agent in round.Agents)
            {
                Assert.True(agent.Reads);
                Assert.Equal(ticks, agent.Ticks); // read by the agent, line by line
                Assert.Equal(0, agent.Dropped);
                Assert.Equal(ticks, agent.SentByGateway); // the gateway's own count for this round
                Assert.Equal(0, agent.DroppedByGateway);
                Assert.True(agent.TicksPerSecond > 0);
            }
        }

        // About one tick in ten becomes an order (the momentum rule): the engine's latency was recorded too.
        Assert.True(engine.Summarize().Count > 0);
    }

    [Fact]
    public void Summary_OfTwoRounds_RatesEachReaderOverTheOfferingWindows_AndLeavesTheStalledAgentOut()
    {
        FanOutRound Round(long readerTicks) => new(1_000, 0.5, Settled: true,
        [
            new FanOutAgentResult("fan0", Reads: true, Ticks: 1_000, Dropped: 0, SentByGateway: 1_000, DroppedByGateway: 0, TicksPerSecond: 2_000, DrainMs: 1),
            new FanOutAgentResult("fan1", Reads: true, Ticks: readerTicks, Dropped: 1_000 - readerTicks, SentByGateway: readerTicks, DroppedByGateway: 1_000 - readerTicks, TicksPerSecond: readerTicks / 0.5, DrainMs: 3),
            new FanOutAgentResult("fan_stalled", Reads: false, Ticks: 0, Dropped: 0, SentByGateway: 300, DroppedByGateway: 0, TicksPerSecond: 0, DrainMs: 0),
        ]);

        FanOutSummary s = FanOutSummary.Of([Round(1_000), Round(500)]);

        Assert.Equal(2_000, s.MaxTicksPerSecond); // fan0: 2,000 ticks over 1 s of offering
        Assert.Equal(1_500, s.MinTicksPerSecond); // fan1: 1,500 ticks over 1 s
        Assert.Equal(1_750, s.MeanTicksPerSecond);
        Assert.Equal(500, s.MaxDropped);
        Assert.Equal(0.75, s.MinDeliveredFraction);
        Assert.Equal(3, s.MaxDrainMs);
        Assert.True(s.CountsMatchGateway);
        Assert.Equal(300, s.StalledSentPerRound);
    }

    [Fact]
    public void Goals_HoldTheSlowestAgentToTheRate_AndTheEnginesP50ToTheNoAgentRounds()
    {
        var noAgents = new LatencySummary(1_000, P50Us: 10, P99Us: 50, P999Us: 80, MaxUs: 90);
        FanOutSummary Agents(double slowest) => new(slowest, 99_950, 99_999, MaxDropped: 0, MaxDrainMs: 1, MinDeliveredFraction: 1, CountsMatchGateway: true, Settled: true, StalledSentPerRound: 0);

        // The p99 may move; the goal is the p50's.
        Goal[] met = [.. FanOutBench.Goals(noAgents with { P50Us = 11, P99Us = 500 }, noAgents, Agents(99_100))];
        Goal[] slowAgent = [.. FanOutBench.Goals(noAgents, noAgents, Agents(98_000))];
        Goal[] slowerEngine = [.. FanOutBench.Goals(noAgents with { P50Us = 11.5 }, noAgents, Agents(100_000))];

        Assert.Equal(["min_agent_ticks_per_s", "p50_vs_no_agents"], met.Select(g => g.Name));
        Assert.All(met, g => Assert.True(g.Met, g.ToString()));
        Assert.Equal([false, true], slowAgent.Select(g => g.Met));
        Assert.Equal([true, false], slowerEngine.Select(g => g.Met));
        Assert.Equal(1.15, slowerEngine[1].Measured, 6);
    }
}
