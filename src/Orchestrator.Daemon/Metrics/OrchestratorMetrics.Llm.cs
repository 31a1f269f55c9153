using System.Diagnostics.Metrics;
using System.Globalization;
using Orchestrator.Agents.Llm;

namespace Orchestrator.Daemon.Metrics;

/// <summary>The LLM agents' model calls (issue 18), on <see cref="AgentsMeter"/>, tagged <c>agent</c> (names from agent_model.yaml: a bounded set).</summary>
public sealed partial class OrchestratorMetrics
{
    /// <summary>The latency histogram's instrument; <see cref="PrometheusExporter"/> renders it with its <c>.sum</c> and <c>.count</c> as one histogram.</summary>
    public const string LlmCallDurationName = "orchestrator.llm.call_duration";

    /// <summary>
    /// Adds the instruments of <paramref name="calls"/>: calls (tags provider, model), failures by kind,
    /// a latency histogram (<c>orchestrator_llm_call_duration_seconds</c>, buckets
    /// <see cref="LlmCallMetrics.LatencyBucketsSeconds"/>), input and output tokens, the estimated cost
    /// (agents with a price in agent_model.yaml) and calls failed in a row. Read from a snapshot of
    /// <paramref name="calls"/> at each collection.
    /// </summary>
    public void ObserveLlmCalls(LlmCallMetrics calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        Meter m = AgentsMeter;
        m.CreateObservableCounter("orchestrator.llm.calls", () => calls.Snapshot().Select(s => new Measurement<long>(s.Calls, Agent(s), new("provider", s.Provider), new("model", s.Model))), "{call}", "Model calls of each LLM agent (a call's retries are one call)");
        m.CreateObservableCounter("orchestrator.llm.failures", () => LlmFailures(calls), "{failure}", "Failed model calls and refused answers of each LLM agent, by kind (timeout, http_error, rate_limited, malformed_json, invalid_signal)");
        m.CreateObservableCounter(LlmCallDurationName + ".bucket", () => LlmDurationBuckets(calls), "s", "Model call latency of each LLM agent, retries included");
        m.CreateObservableCounter(LlmCallDurationName + ".sum", () => calls.Snapshot().Select(s => new Measurement<double>(s.LatencySumSeconds, Agent(s))), "s", "Model call latency of each LLM agent, retries included");
        m.CreateObservableCounter(LlmCallDurationName + ".count", () => calls.Snapshot().Select(s => new Measurement<long>(s.LatencyBucketCounts.Sum(), Agent(s))), "s", "Model call latency of each LLM agent, retries included");
        m.CreateObservableCounter("orchestrator.llm.input_tokens", () => calls.Snapshot().Select(s => new Measurement<long>(s.InputTokens, Agent(s))), "{token}", "Prompt tokens of each LLM agent, as its server reported them");
        m.CreateObservableCounter("orchestrator.llm.output_tokens", () => calls.Snapshot().Select(s => new Measurement<long>(s.OutputTokens, Agent(s))), "{token}", "Answer tokens of each LLM agent, as its server reported them");
        m.CreateObservableCounter("orchestrator.llm.estimated_cost", () => calls.Snapshot().Where(s => s.EstimatedCost is not null).Select(s => new Measurement<double>((double)s.EstimatedCost!.Value, Agent(s))), "{currency}", "Estimated cost of each LLM agent's calls: tokens times agent_model.yaml's prices per million (agents with prices only)");
        m.CreateObservableGauge("orchestrator.llm.consecutive_failures", () => calls.Snapshot().Select(s => new Measurement<int>(s.ConsecutiveFailures, Agent(s))), "{call}", "Model calls of each LLM agent failed in a row up to now (degraded from " + LlmCallMetrics.DegradedAfter.ToString(CultureInfo.InvariantCulture) + ")");
    }

    private static KeyValuePair<string, object?> Agent(LlmAgentCallStats stats) => new("agent", stats.Agent);

    private static IEnumerable<Measurement<long>> LlmFailures(LlmCallMetrics calls)
    {
        foreach (LlmAgentCallStats s in calls.Snapshot())
        {
            foreach (KeyValuePair<string, long> failure in s.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                yield return new(failure.Value, Agent(s), new("kind", failure.Key));
            }
        }
    }

    /// <summary>Cumulative counts per bucket bound (Prometheus' <c>le</c>), the last <c>+Inf</c>.</summary>
    private static IEnumerable<Measurement<long>> LlmDurationBuckets(LlmCallMetrics calls)
    {
        IReadOnlyList<double> bounds = LlmCallMetrics.LatencyBucketsSeconds;
        foreach (LlmAgentCallStats s in calls.Snapshot())
        {
            long cumulative = 0;
            for (int i = 0; i < s.LatencyBucketCounts.Count; i++)
            {
                cumulative += s.LatencyBucketCounts[i];
                string le = i < bounds.Count ? bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                yield return new(cumulative, Agent(s), new("le", le));
            }
        }
    }
}
