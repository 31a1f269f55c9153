namespace Orchestrator.Agents.Llm;

/// <summary>One LLM agent's model calls so far, as <see cref="LlmCallMetrics.Snapshot"/> copied them.</summary>
/// <param name="Agent">The agent's name (agent_model.yaml entry).</param>
/// <param name="Provider">agent_model.yaml <c>provider</c> (<c>anthropic</c>, <c>openai</c>, <c>openai_compatible</c>).</param>
/// <param name="Model">The model id.</param>
/// <param name="Calls">Model calls made: answered, timed out or refused by the server (retries inside one call are one call).</param>
/// <param name="Failures">Failures by kind (<see cref="Strategy.StrategyFailureKinds"/> values and <c>rate_limited</c>); only kinds seen.</param>
/// <param name="LatencyBucketCounts">Calls per latency bucket, not cumulative: index i counts calls of at most <see cref="LlmCallMetrics.LatencyBucketsSeconds"/>[i] seconds (and more than the bound before it); the last counts the rest.</param>
/// <param name="LatencySumSeconds">The calls' latencies added up, in seconds.</param>
/// <param name="InputTokens">Prompt tokens the server reported.</param>
/// <param name="OutputTokens">Answer tokens the server reported.</param>
/// <param name="EstimatedCost">Tokens times the configured prices per million; null when the agent has no price.</param>
/// <param name="ConsecutiveFailures">Calls failed in a row up to now (0 after an answered, readable call).</param>
/// <param name="LastFailureKind">The kind of the latest failure; null when none.</param>
public sealed record LlmAgentCallStats(
    string Agent,
    string Provider,
    string Model,
    long Calls,
    IReadOnlyDictionary<string, long> Failures,
    IReadOnlyList<long> LatencyBucketCounts,
    double LatencySumSeconds,
    long InputTokens,
    long OutputTokens,
    decimal? EstimatedCost,
    int ConsecutiveFailures,
    string? LastFailureKind);
