using Orchestrator.Agents.Supervision;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests;

/// <summary>daemon.yaml <c>agents: processes:</c>: every key read and checked, errors naming file, key and reason; check-config exits 2.</summary>
public sealed class AgentProcessConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-agentproc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string processes)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "agents:\n  processes:\n" + processes);
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Fact]
    public void FullEntry_IsReadIntoTheSupervisorsOptions()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load($"""
                - name: sma_agent
                  command: python3
                  args: [examples/sma_agent.py, --symbol, AAPL]
                  working_dir: {_dir}
                  env: {"{"} SMA_FAST: "5", LOG_LEVEL: debug {"}"}
                  restart: always
                  heartbeat_timeout: 15s
                  max_restarts: 3
                  restart_window: 10m
                  backoff: {"{"} initial: 500ms, max: 30s {"}"}
                  stop_grace: 2s
                - name: quiet_agent
                  command: sh
                  heartbeat_timeout: off
            """);
        Assert.Empty(errors);
        AgentProcessOptions sma = config!.Daemon.Agents.Processes[0];
        Assert.Equal("sma_agent", sma.Name);
        Assert.Equal("python3", sma.Command);
        Assert.Equal(["examples/sma_agent.py", "--symbol", "AAPL"], sma.Args);
        Assert.Equal(_dir, sma.WorkingDirectory);
        Assert.Equal("5", sma.Environment["SMA_FAST"]);
        Assert.Equal(RestartPolicy.Always, sma.Restart);
        Assert.Equal(TimeSpan.FromSeconds(15), sma.HeartbeatTimeout);
        Assert.Equal(3, sma.MaxRestarts);
        Assert.Equal(TimeSpan.FromMinutes(10), sma.RestartWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(500), sma.BackoffInitial);
        Assert.Equal(TimeSpan.FromSeconds(30), sma.BackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(2), sma.StopGrace);
        AgentProcessOptions quiet = config.Daemon.Agents.Processes[1];
        Assert.Equal(TimeSpan.Zero, quiet.HeartbeatTimeout);
        Assert.Equal(RestartPolicy.OnFailure, quiet.Restart);
    }

    [Fact]
    public void NoProcesses_MeansNone()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);
        Assert.Empty(config!.Daemon.Agents.Processes);
    }

    [Theory]
    [InlineData("    - command: sh\n", "agents.processes[0].name: is required")]
    [InlineData("    - { name: 'bad name', command: sh }\n", "agents.processes[0].name: must be 1 to 64 letters, digits, '_', '-' or '.', got 'bad name'")]
    [InlineData("    - { name: strategy_agent, command: sh }\n", "agents.processes[0].name: 'strategy_agent' is a built-in agent's name; give the process another")]
    [InlineData("    - { name: rules, command: sh }\n", "agents.processes[0].name: 'rules' is reserved (a source the engine, the gateway or MCP signs with; the gateway would refuse its hello); give the process another")]
    [InlineData("    - { name: mcp, command: sh }\n", "agents.processes[0].name: 'mcp' is reserved (a source the engine, the gateway or MCP signs with; the gateway would refuse its hello); give the process another")]
    [InlineData("    - { name: a, command: sh }\n    - { name: a, command: sh }\n", "agents.processes[1].name: 'a' is declared twice; each supervised agent needs its own name")]
    [InlineData("    - { name: a }\n", "agents.processes[0].command: is required")]
    [InlineData("    - { name: a, command: no-such-program-anywhere }\n", "agents.processes[0].command: 'no-such-program-anywhere' is not found on PATH")]
    [InlineData("    - { name: a, command: ./missing.py }\n", "agents.processes[0].command: './missing.py' is not an executable file")]
    [InlineData("    - { name: a, command: sh, working_dir: /no/such/dir }\n", "agents.processes[0].working_dir: '/no/such/dir' is not a directory")]
    [InlineData("    - { name: a, command: sh, restart: sometimes }\n", "agents.processes[0].restart: must be one of always, on-failure, never, got 'sometimes'")]
    [InlineData("    - { name: a, command: sh, heartbeat_timeout: 10ms }\n", "agents.processes[0].heartbeat_timeout: must be 0/off or at least 100ms, got 00:00:00.0100000")]
    [InlineData("    - { name: a, command: sh, heartbeat_timeout: soon }\n", "agents.processes[0].heartbeat_timeout: must be a duration such as 2s, 500ms or 5m, got 'soon'")]
    [InlineData("    - { name: a, command: sh, max_restarts: 0 }\n", "agents.processes[0].max_restarts: must be between 1 and 1000, got 0")]
    [InlineData("    - { name: a, command: sh, backoff: { initial: 10s, max: 1s } }\n", "agents.processes[0].backoff.max: must be at least backoff.initial (00:00:10), got 00:00:01")]
    [InlineData("    - { name: a, command: sh, backoff: { start: 1s } }\n", "agents.processes[0].backoff.start: is not a known key")]
    [InlineData("    - { name: a, command: sh, restarts: 3 }\n", "agents.processes[0].restarts: is not a known key")]
    [InlineData("    - { name: a, command: sh, args: [a, [b]] }\n", "agents.processes[0].args: must be a list of plain values")]
    [InlineData("    - { name: a, command: sh, env: { 1BAD: x } }\n", "agents.processes[0].env.1BAD: is not a valid environment variable name (letters, digits and '_', not starting with a digit)")]
    [InlineData("    - { name: a, command: sh, env: { ORCHESTRATOR_GATEWAY: '127.0.0.1:1' } }\n", "agents.processes[0].env.ORCHESTRATOR_GATEWAY: is set by the supervisor for every agent; it cannot be configured")]
    [InlineData("    - { name: a, command: sh, env: { OPENAI_API_KEY: sk-live-123 } }\n", "agents.processes[0].env.OPENAI_API_KEY: looks like a secret (its name has 'key')")]
    [InlineData("    - { name: a, command: sh, env: { ORCHESTRATOR_AGENT_TOKEN: abc } }\n", "agents.processes[0].env.ORCHESTRATOR_AGENT_TOKEN: looks like a secret (its name has 'token')")]
    [InlineData("    - { name: a, command: sh, env: { DB_Password: hunter2 } }\n", "agents.processes[0].env.DB_Password: looks like a secret (its name has 'password')")]
    [InlineData("    - { name: a, command: sh, env: { BROKER_SECRET: s } }\n", "agents.processes[0].env.BROKER_SECRET: looks like a secret (its name has 'secret')")]
    public void BadEntry_IsOneErrorNamingFileKeyAndReason(string processes, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(processes);
        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal(Path.Combine(_dir, ConfigLoader.DaemonFile), error.File);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-123", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Processes_WithTheAgentSystemOff_AreRefused()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "agents:\n  enabled: false\n  processes:\n    - { name: a, command: sh }\n");
        (_, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Contains("agents.processes: needs agents.enabled: true", Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_SecretInAgentEnv_ExitsTwoNamingFileAndKey_WithoutTheValue()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "agents:\n  processes:\n    - name: a\n      command: sh\n      env:\n        API_TOKEN: do-not-print-me\n");
        (int exit, string output) = DaemonProcessTests.Run(_dir, "check-config", "--config", _dir);
        Assert.True(exit == 2, output);
        Assert.Contains(Path.Combine(_dir, ConfigLoader.DaemonFile) + ":6:20: agents.processes[0].env.API_TOKEN: looks like a secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", output, StringComparison.Ordinal);
    }
}
