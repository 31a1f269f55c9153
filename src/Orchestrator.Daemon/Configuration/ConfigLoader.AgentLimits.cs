using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>agents: limits:</c> of <c>daemon.yaml</c>: per-agent risk limits on top of the account's,
/// keyed by the agent's (or strategy's) source name, in any case (the engine matches source names
/// without regard to case). Fixed for the run: the risk file's live
/// reload does not change them.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>Largest <c>max_position</c> accepted (shares); beyond it the number is a typo.</summary>
    public const long MaxAgentPosition = 1_000_000_000_000;

    /// <summary>Reads <c>agents.limits</c> (each NAME: max_position, max_orders_per_minute, symbols) into <paramref name="agents"/>.</summary>
    private static AgentSettings ReadAgentLimits(YamlSection agents, AgentSettings settings)
    {
        if (agents.Section("limits") is not { } limits)
        {
            return settings;
        }

        var read = new List<AgentLimit>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // agent names are case-insensitive
        foreach (string name in limits.Keys.ToList())
        {
            if (limits.Section(name) is not { } entry)
            {
                continue;
            }

            if (!seen.TryAdd(name, name))
            {
                limits.Error(name, $"names the same agent as '{seen[name]}': agent names are case-insensitive; give its limits once");
            }

            if (!IsUsableSourceName(name))
            {
                limits.Error(name, $"is not a usable agent name: 1 to {SignalLimits.MaxSourceLength} characters, no control characters, no leading or trailing space (it must match the name the agent sends as its source)");
            }

            read.Add(new AgentLimit
            {
                Name = name,
                MaxPosition = entry.GetLong("max_position", 0, 0, MaxAgentPosition),
                MaxOrdersPerMinute = entry.GetInt("max_orders_per_minute", 0, 0, 1_000_000),
                Symbols = entry.GetStringList("symbols")?.Select(s => s.ToUpperInvariant()).ToArray() ?? [],
            });
            entry.ReportUnknownKeys();
        }

        limits.ReportUnknownKeys();
        return settings with { Limits = read };
    }

    /// <summary>Whether <paramref name="name"/> can be a signal source's name (agents.limits, consolidation).</summary>
    private static bool IsUsableSourceName(string name) =>
        name.Length > 0 && name.Length <= SignalLimits.MaxSourceLength && SignalLimits.IsSafeText(name) && name.Trim().Length == name.Length;

    /// <summary>
    /// Carries the limits into the engine's options; a symbol outside the watch list is an error
    /// naming the agent's key (such a limit would refuse every order of the agent silently).
    /// </summary>
    private static EngineOptions WithAgentLimits(string? directory, EngineOptions engine, AgentSettings agents, List<ConfigError> errors)
    {
        foreach (AgentLimit limit in agents.Limits)
        {
            foreach (string symbol in limit.Symbols)
            {
                if (!engine.Symbols.Contains(symbol, StringComparer.Ordinal))
                {
                    errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "agents.limits." + limit.Name + ".symbols",
                        $"'{symbol}' is not in the watch list ({string.Join(", ", engine.Symbols)}); an agent may only be limited to symbols the account trades"));
                }
            }
        }

        return engine with { AgentLimits = agents.Limits };
    }
}
