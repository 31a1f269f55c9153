using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Agents.Alerts;
using Orchestrator.Agents.Supervision;
using Orchestrator.Agents.Tests.Alerts;

namespace Orchestrator.Agents.Tests.Supervision;

/// <summary>
/// The supervisor with real processes (sh and python3 scripts in a temporary directory): environment,
/// captured output, restart policies and backoff, SIGTERM then SIGKILL, process groups, the pause
/// after too many restarts, and the heartbeat timeout. States and counts are asserted, never durations.
/// </summary>
public sealed class AgentSupervisorTests : IDisposable
{
    private readonly AgentScripts _scripts = new();
    private readonly TestLog _log = new();
    private readonly TestLog _output = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();

    public void Dispose() => _scripts.Dispose();

    private AgentProcessOptions Options(string name, string script) => new()
    {
        Name = name,
        Command = script,
        WorkingDirectory = _scripts.Directory,
        BackoffInitial = TimeSpan.FromMilliseconds(1),
        BackoffMax = TimeSpan.FromMilliseconds(20),
        MaxRestarts = 1000,
        RestartWindow = TimeSpan.FromHours(1),
        HeartbeatTimeout = TimeSpan.Zero,
        StopGrace = TimeSpan.FromSeconds(10),
    };

    private AgentSupervisor Supervisor(AgentProcessOptions options, Func<string, DateTimeOffset?>? heartbeat = null, AlertService? alerts = null, IReadOnlyCollection<string>? withheld = null) =>
        new([options], new AgentSupervisorLinks
        {
            GatewayAddress = "127.0.0.1:7499",
            RegisterToken = (name, token) => _tokens[name] = token,
            UnregisterToken = name => _tokens.TryRemove(name, out _),
            LastHeartbeat = heartbeat,
            Alerts = alerts,
            WithheldEnvironment = withheld ?? [],
            MaxOutputLineBytes = 256,
        }, logger: _log.Logger, outputLogger: _output.Logger);

    private static SupervisedAgentStatus StatusOf(AgentSupervisor supervisor, string name) =>
        supervisor.TryGetStatus(name, out SupervisedAgentStatus? s) ? s! : throw new InvalidOperationException("not supervised: " + name);

    [Fact]
    public async Task Start_GivesGatewayNameAndFreshToken_AndCapturesOutputWithTheTokenScrubbed()
    {
        const string Withheld = "ORC_SUPERVISOR_TEST_WITHHELD_SECRET";
        Environment.SetEnvironmentVariable(Withheld, "daemon-credential");
        string tokenFile = _scripts.PathOf("token.txt");
        string script = _scripts.Write("hello.sh", $"""
            #!/bin/sh
            echo "gateway=$ORCHESTRATOR_GATEWAY name=$ORCHESTRATOR_AGENT_NAME extra=$EXTRA withheld=[${Withheld}]"
            echo "my token is $ORCHESTRATOR_AGENT_TOKEN"
            printf '%s' "$ORCHESTRATOR_AGENT_TOKEN" > '{tokenFile}'
            echo "to stderr" >&2
            printf 'no newline at the end'
            """);
        AgentProcessOptions options = Options("hello_agent", script) with { Restart = RestartPolicy.Never, Environment = new Dictionary<string, string> { ["EXTRA"] = "configured" } };
        string? registered = null;
        await using (AgentSupervisor supervisor = Supervisor(options, withheld: [Withheld]))
        {
            supervisor.StatusChanged += (_, s) => registered ??= _tokens.GetValueOrDefault("hello_agent");
            supervisor.Start();
            await AgentScripts.UntilAsync(() => StatusOf(supervisor, "hello_agent").State == SupervisedAgentState.Stopped && _output.Lines.Length >= 4, "the agent ran and its output was read");
            SupervisedAgentStatus status = StatusOf(supervisor, "hello_agent");
            Assert.Equal(0, status.LastExitCode);
            Assert.Equal(0, status.Restarts);
        }

        string token = await File.ReadAllTextAsync(tokenFile);
        Assert.Equal(48, token.Length);
        Assert.Equal(token, registered); // the token the agent got is the one registered with the gateway
        Assert.False(_tokens.ContainsKey("hello_agent"), "the token is unregistered once the process ended");
        string[] lines = _output.Lines;
        Assert.Contains(lines, l => l.Contains("hello_agent | gateway=127.0.0.1:7499 name=hello_agent extra=configured withheld=[]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("hello_agent | my token is ***", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("hello_agent (stderr) | to stderr", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("| no newline at the end", StringComparison.Ordinal));
        Assert.DoesNotContain(_output.Lines.Concat(_log.Lines), l => l.Contains(token, StringComparison.Ordinal) || l.Contains("daemon-credential", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Output_LineLongerThanTheLimit_IsCutThereAndTheNextLineSurvives_TokenCutInsideItStillScrubbed()
    {
        string script = _scripts.Write("long.sh", """
            #!/bin/sh
            head -c 240 /dev/zero | tr '\0' 'x'
            printf '%s' "$ORCHESTRATOR_AGENT_TOKEN"
            head -c 100000 /dev/zero | tr '\0' 'y'
            echo
            echo next line
            """);
        await using AgentSupervisor supervisor = Supervisor(Options("long_agent", script) with { Restart = RestartPolicy.Never });
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "long_agent").State == SupervisedAgentState.Stopped && _output.Lines.Length >= 2, "both lines read");
        string[] lines = _output.Lines;
        string cut = Assert.Single(lines, l => l.Contains("xxxx", StringComparison.Ordinal));
        Assert.EndsWith(AgentOutputPumpMarker, cut, StringComparison.Ordinal);
        Assert.DoesNotContain("yyyy", cut, StringComparison.Ordinal);
        Assert.Contains("***", cut, StringComparison.Ordinal); // the 16 token characters that fit are not shown
        Assert.Contains(lines, l => l.EndsWith("| next line", StringComparison.Ordinal));
    }

    private const string AgentOutputPumpMarker = " …(line cut)";

    [Fact]
    public async Task ExitWithFailure_IsRestartedWithBackoff_CountingRestartsAndKeepingTheExitCode()
    {
        string script = _scripts.Write("crash.sh", "#!/bin/sh\necho crashing\nexit 3\n");
        var states = new ConcurrentQueue<SupervisedAgentState>();
        await using AgentSupervisor supervisor = Supervisor(Options("crash_agent", script) with { Restart = RestartPolicy.OnFailure });
        supervisor.StatusChanged += (_, s) => states.Enqueue(s.State);
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "crash_agent").Restarts >= 3, "three restarts");
        SupervisedAgentStatus status = StatusOf(supervisor, "crash_agent");
        Assert.Equal(3, status.LastExitCode);
        Assert.Contains("exited with code 3", status.LastReason, StringComparison.Ordinal);
        Assert.Contains(SupervisedAgentState.Backoff, states);
        Assert.True(supervisor.RestartsOf("crash_agent") >= 3);
        Assert.Equal(0, supervisor.RestartsOf("not_supervised"));
        Assert.Contains(_log.At("WARN"), l => l.Contains("crash_agent: exited with code 3", StringComparison.Ordinal) && l.Contains("restarting in", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RestartPolicy.Never, 3)]
    [InlineData(RestartPolicy.OnFailure, 0)]
    public async Task End_WhenThePolicySaysSo_StaysStoppedWithoutRestart(RestartPolicy policy, int exitCode)
    {
        string script = _scripts.Write("end.sh", $"#!/bin/sh\nexit {exitCode}\n");
        await using AgentSupervisor supervisor = Supervisor(Options("end_agent", script) with { Restart = policy });
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "end_agent") is { State: SupervisedAgentState.Stopped, LastExitCode: not null }, "the agent ended");
        SupervisedAgentStatus status = StatusOf(supervisor, "end_agent");
        Assert.Equal(exitCode, status.LastExitCode);
        Assert.Equal(0, status.Restarts);
        Assert.Null(status.ProcessId);
    }

    [Fact]
    public async Task Always_RestartsEvenAfterExitZero()
    {
        string script = _scripts.Write("done.sh", "#!/bin/sh\nexit 0\n");
        await using AgentSupervisor supervisor = Supervisor(Options("done_agent", script) with { Restart = RestartPolicy.Always });
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "done_agent").Restarts >= 2, "restarted after exit 0");
        Assert.Equal(0, StatusOf(supervisor, "done_agent").LastExitCode);
    }

    [Fact]
    public async Task Stop_AgentIgnoringSigterm_IsSigkilledAfterTheGrace_AndItsChildrenGoWithIt()
    {
        string ready = _scripts.PathOf("ready");
        string childPid = _scripts.PathOf("child.pid");
        string script = _scripts.Write("stubborn.py", $$"""
            #!/usr/bin/env python3
            import signal, subprocess, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            child = subprocess.Popen(["sleep", "1000"])
            open('{{childPid}}', 'w').write(str(child.pid))
            open('{{ready}}', 'w').write('ready')
            print("ignoring SIGTERM", flush=True)
            while True:
                time.sleep(1)
            """);
        AgentSupervisor supervisor = Supervisor(Options("stubborn_agent", script) with { Restart = RestartPolicy.Always, StopGrace = TimeSpan.FromMilliseconds(300) });
        supervisor.Start();
        await AgentScripts.UntilAsync(() => File.Exists(ready) && File.Exists(childPid) && new FileInfo(childPid).Length > 0, "the agent is up and ignoring SIGTERM");
        int pid = StatusOf(supervisor, "stubborn_agent").ProcessId!.Value;
        int child = int.Parse(await File.ReadAllTextAsync(childPid), CultureInfo.InvariantCulture);
        Assert.True(AgentScripts.Alive(pid) && AgentScripts.Alive(child));

        await supervisor.DisposeAsync();

        SupervisedAgentStatus status = StatusOf(supervisor, "stubborn_agent");
        Assert.Equal(SupervisedAgentState.Stopped, status.State);
        Assert.Equal(128 + 9, status.LastExitCode);
        Assert.Contains(_log.At("WARN"), l => l.Contains("SIGKILL", StringComparison.Ordinal));
        await AgentScripts.UntilAsync(() => !AgentScripts.Alive(pid) && !AgentScripts.Alive(child), "the agent and its child are gone");
        Assert.Equal(0, status.Restarts); // a stop is not a restart
    }

    [Fact]
    public async Task CrashLoop_MaxRestartsWithinTheWindow_RaisesCriticalAlertAndPauses_UntilResumed()
    {
        string script = _scripts.Write("loop.sh", "#!/bin/sh\nexit 7\n");
        var channel = new RecordingChannel();
        await using var alerts = new AlertService(new AlertOptions(), [channel]);
        alerts.Start();
        await using AgentSupervisor supervisor = Supervisor(Options("loop_agent", script) with { MaxRestarts = 2 }, alerts: alerts);
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "loop_agent").State == SupervisedAgentState.Paused, "paused");

        SupervisedAgentStatus paused = StatusOf(supervisor, "loop_agent");
        Assert.Equal(2, paused.Restarts);
        Assert.Equal(7, paused.LastExitCode);
        AlertMessage alert = await channel.NextAsync();
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("agent_paused", alert.Kind);
        Assert.Contains("loop_agent", alert.Message, StringComparison.Ordinal);
        Assert.Contains("POST /api/agents/loop_agent/resume", alert.Message, StringComparison.Ordinal);
        Assert.Equal(2, StatusOf(supervisor, "loop_agent").Restarts); // paused: nothing restarts it

        Assert.Equal(ResumeOutcome.Unknown, supervisor.Resume("nobody"));
        Assert.Equal(ResumeOutcome.Resumed, supervisor.Resume("loop_agent"));
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "loop_agent").Restarts >= 3, "started again after resume");
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "loop_agent") is { State: SupervisedAgentState.Paused, Restarts: 5 }, "paused again after another 2 restarts");
    }

    [Fact]
    public async Task Resume_WhenNotPaused_DoesNothing()
    {
        string script = _scripts.Write("idle.sh", "#!/bin/sh\nexec sleep 1000\n");
        await using AgentSupervisor supervisor = Supervisor(Options("idle_agent", script) with { StopGrace = TimeSpan.FromMilliseconds(200) });
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "idle_agent").State == SupervisedAgentState.Running, "running");
        Assert.Equal(ResumeOutcome.NotPaused, supervisor.Resume("idle_agent"));
        Assert.Equal(0, StatusOf(supervisor, "idle_agent").Restarts);
    }

    [Fact]
    public async Task HungAgent_ConnectedThenNoHeartbeat_IsStoppedAndRestarted()
    {
        string script = _scripts.Write("hung.sh", "#!/bin/sh\nexec sleep 1000\n");
        var heartbeats = new ConcurrentDictionary<string, DateTimeOffset>();
        await using AgentSupervisor supervisor = Supervisor(
            Options("hung_agent", script) with { HeartbeatTimeout = TimeSpan.FromMilliseconds(300), StopGrace = TimeSpan.FromMilliseconds(200) },
            heartbeat: name => heartbeats.TryGetValue(name, out DateTimeOffset t) ? t : null);
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "hung_agent").State == SupervisedAgentState.Running, "running");
        heartbeats["hung_agent"] = DateTimeOffset.UtcNow; // it connected and heartbeated once, then went quiet
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "hung_agent").Restarts >= 1, "restarted for the missing heartbeat");
        Assert.Contains("no heartbeat", StatusOf(supervisor, "hung_agent").LastReason, StringComparison.Ordinal);
        Assert.Contains(_log.At("WARN"), l => l.Contains("hung_agent: no heartbeat for more than 300ms (hung)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HungAgent_NeverConnected_IsRestartedAfterTheTimeout()
    {
        string script = _scripts.Write("silent.sh", "#!/bin/sh\nexec sleep 1000\n");
        await using AgentSupervisor supervisor = Supervisor(
            Options("silent_agent", script) with { HeartbeatTimeout = TimeSpan.FromMilliseconds(200), StopGrace = TimeSpan.FromMilliseconds(200) },
            heartbeat: _ => null);
        supervisor.Start();
        await AgentScripts.UntilAsync(() => StatusOf(supervisor, "silent_agent").Restarts >= 1, "restarted: never connected");
        Assert.Contains("did not connect", StatusOf(supervisor, "silent_agent").LastReason, StringComparison.Ordinal);
    }
}
