using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Issue 18: what <see cref="LlmCallMetrics"/> counts — calls, kinds, the failure streak, latency buckets, tokens and cost.</summary>
public sealed class LlmCallMetricsTests
{
    private readonly LlmCallMetrics _metrics = new();

    [Fact]
    public void MalformedAnswers_AfterAnsweredCalls_ExtendTheStreak_RefusedItemsDoNot()
    {
        for (int i = 1; i <= LlmCallMetrics.DegradedAfter; i++)
        {
            _metrics.RecordSuccess("a", TimeSpan.FromMilliseconds(100), 10, 5); // the metering client: answered
            _metrics.RecordFailure("a", StrategyFailureKinds.MalformedJson, TimeSpan.Zero); // its caller: unreadable
            Assert.Equal(i, _metrics.ConsecutiveFailures("a"));
        }

        _metrics.RecordSuccess("a", TimeSpan.FromMilliseconds(100), 10, 5);
        _metrics.RecordFailure("a", StrategyFailureKinds.InvalidSignal, TimeSpan.Zero);
        Assert.Equal(0, _metrics.ConsecutiveFailures("a"));

        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal(4, stats.Calls); // answer problems add no call
        Assert.Equal(3, stats.Failures[StrategyFailureKinds.MalformedJson]);
        Assert.Equal(1, stats.Failures[StrategyFailureKinds.InvalidSignal]);
    }

    [Fact]
    public void TransportFailures_CountAsCalls_AndTheStreak_UntilAnAnsweredCall()
    {
        _metrics.RecordFailure("a", StrategyFailureKinds.RateLimited, TimeSpan.FromSeconds(3));
        _metrics.RecordFailure("a", StrategyFailureKinds.Timeout, TimeSpan.FromSeconds(30));
        _metrics.RecordFailure("a", StrategyFailureKinds.HttpError, TimeSpan.FromSeconds(0.1));
        Assert.Equal(3, _metrics.ConsecutiveFailures("a"));
        Assert.Equal(0, _metrics.ConsecutiveFailures("never-seen"));

        _metrics.RecordSuccess("a", TimeSpan.FromSeconds(0.3), 100, 20);

        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal((4L, 0, StrategyFailureKinds.HttpError), (stats.Calls, stats.ConsecutiveFailures, stats.LastFailureKind));
        Assert.Equal(33.4, stats.LatencySumSeconds, precision: 6);
        int Bucket(double seconds) => LlmCallMetrics.LatencyBucketsSeconds.TakeWhile(b => seconds > b).Count();
        Assert.Equal(1, stats.LatencyBucketCounts[Bucket(0.1)]);
        Assert.Equal(1, stats.LatencyBucketCounts[Bucket(0.3)]);
        Assert.Equal(1, stats.LatencyBucketCounts[Bucket(3)]);
        Assert.Equal(1, stats.LatencyBucketCounts[Bucket(30)]);
        Assert.Equal(4, stats.LatencyBucketCounts.Sum());
    }

    [Fact]
    public void Cost_IsTokensTimesThePricesPerMillion_NullWithoutPrices_AndRegisterAgainKeepsTheFigures()
    {
        var registered = new List<string>();
        _metrics.AgentRegistered += (_, agent) => registered.Add(agent);
        _metrics.Register("priced", "anthropic", "claude", 3m, 15m);
        _metrics.Register("free", "openai_compatible", "llama", null, null);
        _metrics.RecordSuccess("priced", TimeSpan.FromSeconds(1), 1_000_000, 200_000);
        _metrics.RecordSuccess("free", TimeSpan.FromSeconds(1), 5, 5);
        _metrics.Register("priced", "anthropic", "claude-2", 3m, 15m);

        IReadOnlyList<LlmAgentCallStats> all = _metrics.Snapshot();

        Assert.Equal(["free", "priced"], all.Select(s => s.Agent));
        Assert.Null(all[0].EstimatedCost);
        Assert.Equal(3m + 3m, all[1].EstimatedCost);
        Assert.Equal(("claude-2", 1_000_000L), (all[1].Model, all[1].InputTokens));
        Assert.Equal(["priced", "free"], registered); // once each
    }
}
