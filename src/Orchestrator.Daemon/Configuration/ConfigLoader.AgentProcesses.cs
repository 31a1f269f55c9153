using System.Text.RegularExpressions;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Supervision;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Configuration;

/// <summary>The <c>agents: processes:</c> list of <c>daemon.yaml</c>: the agent processes the daemon starts and supervises.</summary>
public static partial class ConfigLoader
{
    /// <summary>Environment variable names that look like secrets: never in daemon.yaml.</summary>
    private static readonly string[] s_secretWords = ["token", "key", "secret", "password", "passwd"];

    private static readonly string[] s_builtInAgents = [DataAgent.AgentName, StrategyAgent.AgentName, ServiceAgent.AgentName];

    /// <summary>Sources the engine and its edges sign with themselves: the signal gateway refuses a hello under them.</summary>
    private static readonly string[] s_reservedSources =
        [EngineSources.RulesName, EngineSources.ExitsName, EngineSources.OperatorName, Adapters.SignalGateway.SignalGateway.DefaultSource, Mcp.OrchestratorMcpTools.SignalSource];

    private static readonly Dictionary<string, RestartPolicy> s_restartPolicies = new(StringComparer.Ordinal)
    {
        ["always"] = RestartPolicy.Always,
        ["on-failure"] = RestartPolicy.OnFailure,
        ["never"] = RestartPolicy.Never,
    };

    /// <summary>Reads and checks every item of <c>agents.processes</c>; errors name the item's key path (<c>agents.processes[0].env.API_KEY</c>).</summary>
    private static List<AgentProcessOptions> ReadAgentProcesses(YamlSection agents, bool agentsEnabled)
    {
        IReadOnlyList<YamlSection>? items = agents.GetSectionList("processes");
        if (items is null)
        {
            return [];
        }

        var processes = new List<AgentProcessOptions>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlSection item in items)
        {
            var defaults = new AgentProcessOptions { Name = "-", Command = "-" };
            string name = item.GetString("name", required: true) ?? string.Empty;
            if (name.Length > 0 && !AgentNameShape().IsMatch(name))
            {
                item.Error("name", $"must be 1 to 64 letters, digits, '_', '-' or '.', got '{name}'");
            }
            else if (s_builtInAgents.Contains(name))
            {
                item.Error("name", $"'{name}' is a built-in agent's name; give the process another");
            }
            else if (s_reservedSources.Contains(name))
            {
                item.Error("name", $"'{name}' is reserved (a source the engine, the gateway or MCP signs with; the gateway would refuse its hello); give the process another");
            }
            else if (name.Length > 0 && !names.Add(name))
            {
                item.Error("name", $"'{name}' is declared twice; each supervised agent needs its own name");
            }

            string command = item.GetString("command", required: true) ?? string.Empty;
            string? workingDir = item.GetString("working_dir");
            if (workingDir is not null && !Directory.Exists(workingDir))
            {
                item.Error("working_dir", $"'{workingDir}' is not a directory");
                workingDir = null;
            }

            var options = defaults with
            {
                Name = name,
                Command = command,
                Args = item.GetStringList("args") ?? [],
                WorkingDirectory = workingDir,
                Environment = ReadAgentEnvironment(item),
                Restart = item.GetEnum("restart", defaults.Restart, s_restartPolicies),
                HeartbeatTimeout = ReadHeartbeatTimeout(item, defaults.HeartbeatTimeout),
                MaxRestarts = item.GetInt("max_restarts", defaults.MaxRestarts, 1, 1000),
                RestartWindow = item.GetDuration("restart_window", defaults.RestartWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                StopGrace = item.GetDuration("stop_grace", defaults.StopGrace, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            };
            if (command.Length > 0 && options.CommandProblem() is { } problem)
            {
                item.Error("command", problem);
            }

            if (item.Section("backoff") is { } backoff)
            {
                options = options with
                {
                    BackoffInitial = backoff.GetDuration("initial", options.BackoffInitial, TimeSpan.Zero, TimeSpan.FromHours(1)),
                    BackoffMax = backoff.GetDuration("max", options.BackoffMax, TimeSpan.Zero, TimeSpan.FromHours(1)),
                };
                if (options.BackoffMax < options.BackoffInitial)
                {
                    backoff.Error("max", $"must be at least backoff.initial ({options.BackoffInitial}), got {options.BackoffMax}");
                }

                backoff.ReportUnknownKeys();
            }

            item.ReportUnknownKeys();
            processes.Add(options);
        }

        if (processes.Count > 0 && !agentsEnabled)
        {
            agents.Error("processes", "needs agents.enabled: true (supervised agents are listed, routed and health-checked by the agent system)");
        }

        return processes;
    }

    /// <summary><c>env:</c> — plain values under valid names; secret-looking names and the variables the supervisor sets are refused.</summary>
    private static Dictionary<string, string> ReadAgentEnvironment(YamlSection item)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.Section("env") is not { } env)
        {
            return environment;
        }

        foreach (string key in env.Keys.ToList())
        {
            string? value = env.GetString(key);
            string? secretWord = Array.Find(s_secretWords, w => key.Contains(w, StringComparison.OrdinalIgnoreCase));
            if (!EnvironmentNameShape().IsMatch(key))
            {
                env.Error(key, "is not a valid environment variable name (letters, digits and '_', not starting with a digit)");
            }
            else if (key is SupervisedAgentVariables.Gateway or SupervisedAgentVariables.Name)
            {
                env.Error(key, "is set by the supervisor for every agent; it cannot be configured");
            }
            else if (secretWord is not null)
            {
                env.Error(key, $"looks like a secret (its name has '{secretWord}'), and daemon.yaml holds no secrets: set it in the environment the daemon starts with (agents inherit it, except the daemon's own credentials) — the value is not shown");
            }
            else if (value is not null)
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    /// <summary><c>heartbeat_timeout:</c> a duration, or <c>0</c> / <c>off</c> for no heartbeat check.</summary>
    private static TimeSpan ReadHeartbeatTimeout(YamlSection item, TimeSpan fallback)
    {
        if (string.Equals(item.GetString("heartbeat_timeout")?.Trim(), "off", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.Zero;
        }

        TimeSpan timeout = item.GetDuration("heartbeat_timeout", fallback, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (timeout > TimeSpan.Zero && timeout < TimeSpan.FromMilliseconds(100))
        {
            item.Error("heartbeat_timeout", $"must be 0/off or at least 100ms, got {timeout}");
            return fallback;
        }

        return timeout;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex AgentNameShape();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNameShape();

    /// <summary>
    /// A supervised agent named like an in-process strategy (<c>strategies:</c>) would never be let in:
    /// the gateway reserves the strategies' names, so its hello is refused and it restarts until paused.
    /// </summary>
    private static void CheckProcessesAgainstStrategies(string? directory, IReadOnlyList<AgentProcessOptions> processes, IReadOnlyList<StrategyDefinition> strategies, List<ConfigError> errors)
    {
        foreach (AgentProcessOptions process in processes)
        {
            if (strategies.Any(strategy => string.Equals(strategy.Name, process.Name, StringComparison.Ordinal)))
            {
                errors.Add(new ConfigError(DisplayPath(directory, DaemonFile), "agents.processes",
                    $"'{process.Name}' is also an in-process strategy's name (strategies:); a supervised agent needs a name of its own"));
            }
        }
    }
}
