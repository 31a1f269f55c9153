using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NLog;
using Orchestrator.Agents.Alerts;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// One supervised agent: start, watch (exit, heartbeat), stop, decide (restart after backoff, pause,
/// or stay stopped). Its loop runs on the supervisor's thread; only <see cref="Status"/> and
/// <see cref="Resume"/> are called from other threads.
/// </summary>
internal sealed class SupervisedAgent
{
    private readonly AgentProcessOptions _options;
    private readonly AgentSupervisorLinks _links;
    private readonly TimeProvider _time;
    private readonly Logger _logger;
    private readonly Logger _output;
    private readonly Queue<DateTimeOffset> _restartTimes = new(); // loop thread only
    private readonly Lock _resumeGate = new();
    private TaskCompletionSource? _resume; // set while paused (under _resumeGate)
    private SupervisedAgentStatus _status;

    public SupervisedAgent(AgentProcessOptions options, AgentSupervisorLinks links, TimeProvider time, Logger logger, Logger output)
    {
        _options = options;
        _links = links;
        _time = time;
        _logger = logger;
        _output = output;
        _status = new SupervisedAgentStatus(options.Name, SupervisedAgentState.Stopped, 0, null, null, null, null, 0);
    }

    public string Name => _options.Name;

    public AgentProcessOptions Options => _options;

    // Volatile: written on the supervisor's thread, read by the API, metrics, health, the dashboard.
    public SupervisedAgentStatus Status => Volatile.Read(ref _status);

    /// <summary>Told every new status (on the supervisor's thread).</summary>
    public Action<SupervisedAgentStatus>? Changed { get; set; }

    /// <summary>True if the agent was paused and now starts again.</summary>
    public bool Resume()
    {
        lock (_resumeGate)
        {
            if (_resume is null)
            {
                return false;
            }

            _resume.TrySetResult();
            _resume = null;
            return true;
        }
    }

    // Awaits here use ConfigureAwait(true) on purpose: the loop stays on the supervisor's thread.
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                (int? exitCode, string reason, bool failed) = await RunOnceAsync(stop).ConfigureAwait(true);
                if (stop.IsCancellationRequested)
                {
                    Publish(Status with { State = SupervisedAgentState.Stopped, ProcessId = null, StartedAt = null, LastExitCode = exitCode, LastReason = reason });
                    break;
                }

                if (_options.Restart == RestartPolicy.Never || (_options.Restart == RestartPolicy.OnFailure && !failed))
                {
                    Publish(Status with { State = SupervisedAgentState.Stopped, ProcessId = null, StartedAt = null, LastExitCode = exitCode, LastReason = reason });
                    _logger.Info("Agent {0}: {1}; restart: {2}, so it stays stopped", Name, reason, PolicyName(_options.Restart));
                    return;
                }

                int inWindow = PruneWindow();
                if (inWindow >= _options.MaxRestarts)
                {
                    if (!await PauseAsync(exitCode, reason, inWindow, stop).ConfigureAwait(true))
                    {
                        break;
                    }

                    continue; // resumed: start at once, the window cleared
                }

                TimeSpan delay = _options.BackoffFor(inWindow);
                Publish(Status with { State = SupervisedAgentState.Backoff, ProcessId = null, StartedAt = null, LastExitCode = exitCode, LastReason = reason, RestartsInWindow = inWindow });
                _logger.Warn("Agent {0}: {1}; restarting in {2} ({3} of {4} restarts within {5})",
                    Name, reason, Describe(delay), inWindow + 1, _options.MaxRestarts, Describe(_options.RestartWindow));
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(true);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                _restartTimes.Enqueue(_time.GetUtcNow());
                Publish(Status with { Restarts = Status.Restarts + 1, RestartsInWindow = inWindow + 1 });
            }
        }
        catch (Exception ex)
        {
            _logger.Error(ex, "Agent {0}: supervision failed; the agent is no longer supervised", Name);
        }

        Publish(Status with { State = SupervisedAgentState.Stopped, ProcessId = null, StartedAt = null });
    }

    /// <summary>Pauses with a CRITICAL alert; true once resumed (window cleared), false when the daemon stops first.</summary>
    private async Task<bool> PauseAsync(int? exitCode, string reason, int inWindow, CancellationToken stop)
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_resumeGate)
        {
            _resume = resumed;
        }

        Publish(Status with { State = SupervisedAgentState.Paused, ProcessId = null, StartedAt = null, LastExitCode = exitCode, LastReason = reason, RestartsInWindow = inWindow });
        string message = string.Create(CultureInfo.InvariantCulture,
            $"Agent {Name} ended again ({reason}) after {inWindow} restarts within {Describe(_options.RestartWindow)}: it is PAUSED and not restarted. Fix the cause, then resume it: POST /api/agents/{Name}/resume");
        if (_links.Alerts is { } alerts)
        {
            alerts.Alert(AlertSeverity.Critical, "agent_paused", "agent.paused:" + Name, message,
                new Dictionary<string, string> { ["agent"] = Name, ["restarts_in_window"] = inWindow.ToString(CultureInfo.InvariantCulture), ["last_exit_code"] = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none" });
        }
        else
        {
            _logger.Fatal(message);
        }

        try
        {
            await resumed.Task.WaitAsync(stop).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        _restartTimes.Clear();
        _logger.Warn("Agent {0}: resumed by the operator; starting it", Name);
        Publish(Status with { Restarts = Status.Restarts + 1, RestartsInWindow = 0 });
        return true;
    }

    /// <summary>Restarts still within the window now.</summary>
    private int PruneWindow()
    {
        DateTimeOffset since = _time.GetUtcNow() - _options.RestartWindow;
        while (_restartTimes.Count > 0 && _restartTimes.Peek() <= since)
        {
            _restartTimes.Dequeue();
        }

        return _restartTimes.Count;
    }

    /// <summary>One run: start, then wait for its end, a missed heartbeat, or the stop (then stop it). Returns its exit code, why it ended, and whether that is a failure.</summary>
    private async Task<(int? ExitCode, string Reason, bool Failed)> RunOnceAsync(CancellationToken stop)
    {
        string token = RandomNumberGenerator.GetHexString(48, lowercase: true);
        _links.RegisterToken?.Invoke(Name, token);
        Process process;
        try
        {
            process = AgentProcessLauncher.Start(_options, Environment(token));
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            _links.UnregisterToken?.Invoke(Name);
            _logger.Error("Agent {0}: could not start {1}: {2}", Name, _options.Command, ex.Message);
            return (null, "could not start: " + ex.Message, true);
        }

        int pid = process.Id;
        DateTimeOffset startedAt = _time.GetUtcNow();
        Publish(Status with { State = SupervisedAgentState.Running, ProcessId = pid, StartedAt = startedAt });
        _logger.Info("Agent {0}: started (pid {1}): {2} {3}", Name, pid, _options.Command, string.Join(' ', _options.Args));
        Task stdout = Pump(process.StandardOutput.BaseStream, "stdout", token);
        Task stderr = Pump(process.StandardError.BaseStream, "stderr", token);
        Task exited = process.WaitForExitAsync(CancellationToken.None);

        string? hung = null;
        TimeSpan timeout = _options.HeartbeatTimeout;
        bool watchHeartbeat = timeout > TimeSpan.Zero && _links.LastHeartbeat is not null;
        TimeSpan every = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        while (!exited.IsCompleted && !stop.IsCancellationRequested)
        {
            Task wait = watchHeartbeat ? Task.Delay(every, _time, stop) : Task.Delay(Timeout.Infinite, stop);
            await Task.WhenAny(exited, wait).ConfigureAwait(true);
            if (!exited.IsCompleted && !stop.IsCancellationRequested && watchHeartbeat && (hung = HeartbeatProblem(startedAt, timeout)) is not null)
            {
                _logger.Warn("Agent {0}: {1}: stopping it (SIGTERM, SIGKILL after {2})", Name, hung, Describe(_options.StopGrace));
                break;
            }
        }

        bool stopping = stop.IsCancellationRequested && !exited.IsCompleted;
        if (!exited.IsCompleted)
        {
            await StopProcessAsync(pid, exited).ConfigureAwait(true);
        }

        AgentProcessLauncher.Kill(pid); // whatever is left of its group (a shell's children)
        _links.UnregisterToken?.Invoke(Name);
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(_options.StopGrace, _time, CancellationToken.None)).ConfigureAwait(true);
        int exitCode = process.ExitCode;
        process.Dispose();
        TimeSpan uptime = _time.GetUtcNow() - startedAt;
        if (stopping)
        {
            _logger.Info("Agent {0}: stopped (exit code {1}) after {2}", Name, exitCode, Describe(uptime));
            return (exitCode, "stopped with the daemon", false);
        }

        string reason = hung ?? string.Create(CultureInfo.InvariantCulture, $"exited with code {exitCode}{SignalName(exitCode)} after {Describe(uptime)}");
        return (exitCode, reason, hung is not null || exitCode != 0);
    }

    /// <summary>SIGTERM to the group, SIGKILL after the grace period, then waits for the end (SIGKILL cannot be refused).</summary>
    private async Task StopProcessAsync(int pid, Task exited)
    {
        AgentProcessLauncher.Terminate(pid);
        await Task.WhenAny(exited, Task.Delay(_options.StopGrace, _time, CancellationToken.None)).ConfigureAwait(true);
        if (!exited.IsCompleted)
        {
            _logger.Warn("Agent {0}: still running {1} after SIGTERM: SIGKILL", Name, Describe(_options.StopGrace));
            AgentProcessLauncher.Kill(pid);
        }

        await exited.ConfigureAwait(true);
    }

    /// <summary>Why the agent counts as hung, or null: no heartbeat (or, never connected, no connection) within the timeout.</summary>
    private string? HeartbeatProblem(DateTimeOffset startedAt, TimeSpan timeout)
    {
        DateTimeOffset? last = _links.LastHeartbeat!(Name);
        bool heardSinceStart = last is { } l && l >= startedAt;
        DateTimeOffset reference = heardSinceStart ? last!.Value : startedAt;
        if (_time.GetUtcNow() - reference <= timeout)
        {
            return null;
        }

        return heardSinceStart
            ? $"no heartbeat for more than {Describe(timeout)} (hung)"
            : $"did not connect to the gateway within {Describe(timeout)} of starting (hung)";
    }

    private Task Pump(Stream stream, string name, string token)
    {
        var pump = new AgentOutputPump(_links.MaxOutputLineBytes, line =>
        {
            // Pre-formatted, no parameters: braces in the agent's line are text, not a template.
            var e = new LogEventInfo(LogLevel.Info, _output.Name, Name + (name == "stderr" ? " (stderr) | " : " | ") + line);
            e.Properties["agent"] = Name;
            e.Properties["stream"] = name;
            _output.Log(e);
        });
        return Task.Run(() => pump.RunAsync(stream, token));
    }

    /// <summary>The agent's whole environment: the daemon's without its credentials, the configured extras, then the three it is told.</summary>
    private Dictionary<string, string> Environment(string token)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value && !_links.WithheldEnvironment.Contains(key))
            {
                environment[key] = value;
            }
        }

        environment["PYTHONUNBUFFERED"] = "1"; // output captured line by line as it is written (configuration may say otherwise)
        foreach ((string key, string value) in _options.Environment)
        {
            environment[key] = value;
        }

        environment[SupervisedAgentVariables.Gateway] = _links.GatewayAddress;
        environment[SupervisedAgentVariables.Name] = Name;
        environment[SupervisedAgentVariables.Token] = token;
        return environment;
    }

    private void Publish(SupervisedAgentStatus status)
    {
        Volatile.Write(ref _status, status);
        Changed?.Invoke(status);
    }

    private static string SignalName(int exitCode) => exitCode switch
    {
        128 + 9 => " (SIGKILL)",
        128 + 15 => " (SIGTERM)",
        128 + 6 => " (SIGABRT)",
        128 + 11 => " (SIGSEGV)",
        128 + 2 => " (SIGINT)",
        _ => string.Empty,
    };

    private static string PolicyName(RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => "always",
        RestartPolicy.OnFailure => "on-failure",
        _ => "never",
    };

    internal static string Describe(TimeSpan t) => t.TotalSeconds >= 1
        ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
        : t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + "ms";
}
