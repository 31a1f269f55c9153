using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Engine.Options;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// An LLM agent of agent_model.yaml with <c>role: strategy</c> (issue 18): an in-process slow-path
/// <see cref="LlmStrategy"/> named like the entry, trading <see cref="AgentModel.Symbols"/> on its schedule.
/// <see cref="Strategy"/> is its entry among <see cref="DaemonConfig.Strategies"/>, so <c>run</c>,
/// <c>backtest --strategy NAME</c>, source claims and the agent book treat it as any strategy;
/// <see cref="Create"/> builds one that asks another client (a transcript replayer, a test's server).
/// </summary>
/// <param name="Name">The entry's name: the source of its signals, orders and fills.</param>
/// <param name="Model">The entry as loaded.</param>
/// <param name="Options">How its model is asked (key included: never show these options but through their <c>ToString</c>).</param>
/// <param name="Schedule">When it asks, in event time.</param>
/// <param name="Runtime">The call metrics and the risk limits its prompts show (shared by the configuration's LLM agents).</param>
public sealed record LlmAgentDefinition(string Name, AgentModel Model, LlmStrategyOptions Options, LlmSchedule Schedule, LlmAgentRuntime Runtime)
{
    /// <summary>A new strategy asking <paramref name="chat"/> (not disposed by it).</summary>
    public IStrategy Create(IChatClient chat) => new LlmStrategy(Options, chat, Schedule, Runtime.RiskLimitsText, Runtime.Metrics);

    /// <summary>Its entry among the configured strategies: each instance asks a client of its own provider (<see cref="LlmChatClients"/>), metered.</summary>
    public StrategyDefinition Strategy(string agentModelPath) =>
        new(Name, typeof(LlmStrategy).FullName!, agentModelPath, Model.Symbols, Enabled: true, StrategyThreading.SlowPath, () => Create(LlmChatClients.Create(Options, Runtime.Metrics)));
}

/// <summary>
/// What the LLM strategies of one configuration share with the session that runs them: the call
/// metrics (<see cref="Metrics"/>, one per loaded configuration and so per daemon process: their clients
/// record into it, <c>/metrics</c> and the health monitor read it) and the risk limits their prompts
/// show, as the JSON <c>GET /api/risk</c> answers (<see cref="RiskParametersYaml"/>): the configuration's,
/// until <see cref="Follow"/> points them at a running session's current parameters (live changes
/// included). Read on the strategies' threads.
/// </summary>
public sealed class LlmAgentRuntime
{
    private Func<RiskParameters> _source;

    public LlmAgentRuntime(RiskParameters configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _source = () => configured;
    }

    /// <summary>The LLM agents' call metrics.</summary>
    public LlmCallMetrics Metrics { get; } = new();

    /// <summary>From now on the prompts show <paramref name="current"/>'s parameters (thread-safe; read at each model call).</summary>
    public void Follow(Func<RiskParameters> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        Volatile.Write(ref _source, current); // release: a strategy thread that reads the new source sees it whole
    }

    /// <summary>The risk parameters in force, as JSON text.</summary>
    public string RiskLimitsText() => RiskParametersYaml.ToJson(Volatile.Read(ref _source)()).ToJsonString(); // acquire: pairs with Follow's release
}

/// <summary>Turns agent_model.yaml's role-strategy entries into <see cref="LlmAgentDefinition"/>s (called by <see cref="ConfigLoader"/>).</summary>
public static class LlmAgentDefinitions
{
    /// <summary>The entry that configures the built-in router agent, never an LLM strategy of its own.</summary>
    public const string StrategyAgentEntry = "strategy_agent";

    /// <summary>
    /// One definition per entry other than <see cref="StrategyAgentEntry"/> whose role is strategy, in
    /// name order. The entries' own keys were checked when agent_model.yaml was read; here an entry
    /// that still lacks what a strategy needs (symbols the engine trades, a schedule), or is named like a
    /// daemon.yaml strategy, is an error naming the file and key (unless agent_model.yaml's reader already
    /// reported one for that entry), and gets no definition.
    /// </summary>
    /// <param name="agents">agent_model.yaml's entries.</param>
    /// <param name="engine">The engine's options: its symbols, and the configured risk the prompts show until a session follows its own.</param>
    /// <param name="strategyNames">The names daemon.yaml's strategies already take.</param>
    /// <param name="agentModelPath">agent_model.yaml as errors name it.</param>
    /// <param name="errors">Where problems go.</param>
    public static IReadOnlyList<LlmAgentDefinition> From(
        IReadOnlyDictionary<string, AgentModel> agents, EngineOptions engine, IReadOnlyCollection<string> strategyNames, string agentModelPath, List<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(strategyNames);
        ArgumentNullException.ThrowIfNull(errors);
        var runtime = new LlmAgentRuntime(new RiskParameters(engine.Risk, engine.Sizing, engine.Exits));
        var definitions = new List<LlmAgentDefinition>();
        foreach ((string name, AgentModel model) in agents.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (name == StrategyAgentEntry || model.Role != LlmRoles.Strategy)
            {
                continue;
            }

            string key = "agents." + name;
            bool reported = errors.Any(e => e.File == agentModelPath && (e.KeyPath == key || e.KeyPath.StartsWith(key + ".", StringComparison.Ordinal)));
            string? problem = strategyNames.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"{key}: is also the name of a strategy in {ConfigLoader.DaemonFile}; give the agent another name"
                : model.Symbols.Count == 0 ? $"{key}.symbols: role strategy needs the symbols it trades"
                : model.Symbols.FirstOrDefault(s => !engine.Symbols.Contains(s, StringComparer.Ordinal)) is { } unknown ? $"{key}.symbols: '{unknown}' is not traded here ({string.Join(", ", engine.Symbols)})"
                : (model.OnBarClose is null) == (model.Interval is null) ? $"{key}: role strategy needs one of interval or on: bar_close(...)"
                : null;
            if (problem is not null)
            {
                if (!reported || problem.Contains(ConfigLoader.DaemonFile, StringComparison.Ordinal))
                {
                    int colon = problem.IndexOf(": ", StringComparison.Ordinal);
                    errors.Add(new ConfigError(agentModelPath, problem[..colon], problem[(colon + 2)..]));
                }

                continue;
            }

            LlmSchedule schedule = model.OnBarClose is { } timeframe ? LlmSchedule.OnBarClose(timeframe) : LlmSchedule.Every(model.Interval!.Value);
            definitions.Add(new LlmAgentDefinition(name, model, AgentModelOptions.ToLlmOptions(name, model), schedule, runtime));
        }

        return definitions;
    }
}
