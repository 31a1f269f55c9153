using System.Collections.Concurrent;
using Orchestrator.Agents.Strategy;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The model calls of every LLM agent in the process (issue 18): calls, failures by kind, a latency
/// histogram, input and output tokens and an estimated cost per agent, and how many calls in a row
/// failed. One instance per daemon process (the agent host owns it); <c>/metrics</c> and the health
/// monitor read it.
/// </summary>
/// <remarks>
/// <para>Who records what: the metering client that <see cref="LlmChatClients.Create"/> wraps around
/// every provider records each call — <see cref="RecordSuccess"/> with the server's token counts, or
/// <see cref="RecordFailure"/> with <see cref="StrategyFailureKinds.Timeout"/>,
/// <see cref="StrategyFailureKinds.HttpError"/> or <see cref="StrategyFailureKinds.RateLimited"/>.
/// Whether the answer was usable only its caller knows: it records
/// <see cref="StrategyFailureKinds.MalformedJson"/> (the answer was not readable) or
/// <see cref="StrategyFailureKinds.InvalidSignal"/> (one item refused) after the call. Those kinds
/// (any kind but the three transport ones) are failures of a call already counted, so they add no
/// call and no latency.</para>
/// <para>The failure streak (<see cref="ConsecutiveFailures"/>): a transport failure extends it; an
/// answered call ends it, unless its caller then finds the answer unreadable (any answer kind but
/// <see cref="StrategyFailureKinds.InvalidSignal"/>), which takes the ending back and extends the
/// streak instead; a refused item alone neither ends nor extends it (the rest of the answer was good).</para>
/// <para>Thread-safe: any thread may record; each agent's figures change under that agent's own lock,
/// so a snapshot of one agent is consistent. Recording allocates nothing once the agent and the
/// failure kind have been seen.</para>
/// </remarks>
public sealed class LlmCallMetrics
{
    /// <summary>Upper bounds of the latency histogram's buckets, in seconds (a last bucket takes the rest).</summary>
    public static IReadOnlyList<double> LatencyBucketsSeconds { get; } = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    /// <summary>Calls failed in a row after which the agent is reported degraded (one 429 is noise, three are a pattern).</summary>
    public const int DegradedAfter = 3;

    private const string UnknownProvider = "unknown";

    private readonly ConcurrentDictionary<string, AgentCalls> _agents = new(StringComparer.Ordinal);

    /// <summary>Raised once per agent, the first time it is registered or recorded (on the caller's thread).</summary>
    public event EventHandler<string>? AgentRegistered;

    /// <summary>
    /// Declares <paramref name="agent"/> with its provider, model and prices (per million tokens; null =
    /// no cost estimate). Registering again updates them and keeps the figures.
    /// </summary>
    public void Register(string agent, string provider, string model, decimal? inPricePerMTok, decimal? outPricePerMTok)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        AgentCalls calls = Get(agent);
        lock (calls.Gate)
        {
            calls.Provider = provider;
            calls.Model = model;
            calls.InPricePerMTok = inPricePerMTok;
            calls.OutPricePerMTok = outPricePerMTok;
        }
    }

    /// <summary>A call answered after <paramref name="latency"/>, with the server's token counts (0 when it gave none).</summary>
    public void RecordSuccess(string agent, TimeSpan latency, long inputTokens, long outputTokens)
    {
        AgentCalls calls = Get(agent);
        lock (calls.Gate)
        {
            calls.Calls++;
            calls.Observe(latency);
            calls.InputTokens += Math.Max(0, inputTokens);
            calls.OutputTokens += Math.Max(0, outputTokens);
            calls.StreakBeforeLastSuccess = calls.Streak;
            calls.Streak = 0;
            calls.LastWasSuccess = true;
        }
    }

    /// <summary>
    /// A failure of <paramref name="kind"/>: a call that failed after <paramref name="latency"/> (the
    /// transport kinds), or a problem its caller found in an answer already counted (the other kinds;
    /// <paramref name="latency"/> is then ignored). See the remarks for the streak.
    /// </summary>
    public void RecordFailure(string agent, string kind, TimeSpan latency)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        AgentCalls calls = Get(agent);
        lock (calls.Gate)
        {
            calls.Failures[kind] = calls.Failures.GetValueOrDefault(kind) + 1;
            calls.LastFailureKind = kind;
            if (IsCallFailure(kind))
            {
                calls.Calls++;
                calls.Observe(latency);
                calls.Streak++;
                calls.LastWasSuccess = false;
            }
            else if (kind != StrategyFailureKinds.InvalidSignal)
            {
                calls.Streak = calls.LastWasSuccess ? calls.StreakBeforeLastSuccess + 1 : calls.Streak + 1;
                calls.LastWasSuccess = false;
            }
        }
    }

    /// <summary>Calls of <paramref name="agent"/> failed in a row up to now; 0 for an agent never seen.</summary>
    public int ConsecutiveFailures(string agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!_agents.TryGetValue(agent, out AgentCalls? calls))
        {
            return 0;
        }

        lock (calls.Gate)
        {
            return calls.Streak;
        }
    }

    /// <summary>A copy of every agent's figures, ordered by name.</summary>
    public IReadOnlyList<LlmAgentCallStats> Snapshot()
    {
        var list = new List<LlmAgentCallStats>(_agents.Count);
        foreach (KeyValuePair<string, AgentCalls> entry in _agents)
        {
            AgentCalls c = entry.Value;
            lock (c.Gate)
            {
                decimal? cost = c.InPricePerMTok is null && c.OutPricePerMTok is null
                    ? null
                    : ((c.InputTokens * (c.InPricePerMTok ?? 0m)) + (c.OutputTokens * (c.OutPricePerMTok ?? 0m))) / 1_000_000m;
                list.Add(new LlmAgentCallStats(
                    entry.Key, c.Provider, c.Model, c.Calls, new Dictionary<string, long>(c.Failures, StringComparer.Ordinal), [.. c.Buckets], c.LatencySumSeconds,
                    c.InputTokens, c.OutputTokens, cost, c.Streak, c.LastFailureKind));
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Agent, b.Agent));
        return list;
    }

    /// <summary>True for the kinds the metering client records for a call that got no answer (they count as a call).</summary>
    public static bool IsCallFailure(string kind) =>
        kind is StrategyFailureKinds.Timeout or StrategyFailureKinds.HttpError or StrategyFailureKinds.RateLimited;

    private AgentCalls Get(string agent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        if (_agents.TryGetValue(agent, out AgentCalls? calls))
        {
            return calls;
        }

        var created = new AgentCalls();
        if (_agents.TryAdd(agent, created))
        {
            AgentRegistered?.Invoke(this, agent);
            return created;
        }

        return _agents[agent];
    }

    /// <summary>One agent's mutable figures; every field is touched only under <see cref="Gate"/>.</summary>
    private sealed class AgentCalls
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<string, long> Failures = new(StringComparer.Ordinal);
        public readonly long[] Buckets = new long[LatencyBucketsSeconds.Count + 1];
        public string Provider = UnknownProvider;
        public string Model = string.Empty;
        public decimal? InPricePerMTok;
        public decimal? OutPricePerMTok;
        public long Calls;
        public double LatencySumSeconds;
        public long InputTokens;
        public long OutputTokens;
        public int Streak;
        public int StreakBeforeLastSuccess;
        public bool LastWasSuccess;
        public string? LastFailureKind;

        public void Observe(TimeSpan latency)
        {
            double seconds = Math.Max(0, latency.TotalSeconds);
            LatencySumSeconds += seconds;
            IReadOnlyList<double> bounds = LatencyBucketsSeconds;
            int i = 0;
            while (i < bounds.Count && seconds > bounds[i])
            {
                i++;
            }

            Buckets[i]++;
        }
    }
}
