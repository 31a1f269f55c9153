using NLog;
using Orchestrator.Agents.Execution;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// Starts the agent processes of daemon.yaml <c>agents.processes</c> once the engine and the gateway
/// are up, and keeps them running: each is given the gateway's address, its name and a fresh token in
/// its environment, its stdout and stderr go to the log under its name, and it is started again
/// (exponential backoff) when it ends or stops heartbeating, as its restart policy says. Ending too
/// often within its restart window pauses it, with a CRITICAL alert, until <see cref="Resume"/>. At a
/// stop each gets SIGTERM, then SIGKILL after its grace period, its process group with it.
/// </summary>
/// <remarks>
/// Slow path. Every agent's loop runs on the supervisor's own thread (<c>orc-supervisor-0</c>) —
/// agents' output is read on I/O threads — so agent work on the slow pool can never delay a restart,
/// and the thread that starts the processes lives as long as they may (see
/// <see cref="AgentProcessLauncher"/>). Status is published as immutable
/// <see cref="SupervisedAgentStatus"/> records any thread may read.
/// </remarks>
public sealed class AgentSupervisor : IAsyncDisposable
{
    /// <summary>The logger of the supervisor's own lines.</summary>
    public const string LoggerName = "Orchestrator.Supervisor";

    /// <summary>The logger agents' output lines go to (JSON field <c>agent</c> names the agent, <c>stream</c> stdout or stderr).</summary>
    public const string OutputLoggerName = "Orchestrator.Agents.Output";

    private readonly SlowPathScheduler _own = new(1, "orc-supervisor");
    private readonly SupervisedAgent[] _agents;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    /// <summary>Creates the supervisor; nothing starts before <see cref="Start"/>.</summary>
    public AgentSupervisor(IReadOnlyList<AgentProcessOptions> processes, AgentSupervisorLinks links, TimeProvider? time = null, Logger? logger = null, Logger? outputLogger = null)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(links);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AgentProcessOptions p in processes)
        {
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"agent process '{p.Name}' is declared twice", nameof(processes));
            }
        }

        time ??= TimeProvider.System;
        logger ??= LogManager.GetLogger(LoggerName);
        outputLogger ??= LogManager.GetLogger(OutputLoggerName);
        _agents = [.. processes.Select(p => new SupervisedAgent(p, links, time, logger, outputLogger))];
    }

    /// <summary>Every supervised agent's latest status, in configuration order.</summary>
    public IReadOnlyList<SupervisedAgentStatus> Statuses => [.. _agents.Select(a => a.Status)];

    /// <summary>Raised (on the supervisor's thread) after an agent's status changed.</summary>
    public event EventHandler<SupervisedAgentStatus>? StatusChanged;

    /// <summary>The status of the agent named <paramref name="name"/>, if it is supervised.</summary>
    public bool TryGetStatus(string name, out SupervisedAgentStatus? status)
    {
        status = Find(name)?.Status;
        return status is not null;
    }

    /// <summary>The options <paramref name="name"/> runs with (null when it is not supervised).</summary>
    public AgentProcessOptions? OptionsOf(string name) => Find(name)?.Options;

    /// <summary>Restarts of <paramref name="name"/> since the daemon started; 0 for an agent this does not supervise (the run report's lookup).</summary>
    public int RestartsOf(string name) => Find(name)?.Status.Restarts ?? 0;

    /// <summary>Starts every agent's process, on the supervisor's thread.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CancellationToken stop = _stop.Token;
        _running = Task.WhenAll(_agents.Select(a =>
        {
            a.Changed = status => StatusChanged?.Invoke(this, status);
            return _own.Run(() => a.RunAsync(stop));
        }));
    }

    /// <summary>
    /// Starts a paused agent again at once, its restart window cleared. The answer says what happened:
    /// <see cref="ResumeOutcome.Resumed"/>, <see cref="ResumeOutcome.NotPaused"/> (nothing done) or <see cref="ResumeOutcome.Unknown"/>.
    /// </summary>
    public ResumeOutcome Resume(string name)
    {
        SupervisedAgent? agent = Find(name);
        if (agent is null)
        {
            return ResumeOutcome.Unknown;
        }

        return agent.Resume() ? ResumeOutcome.Resumed : ResumeOutcome.NotPaused;
    }

    /// <summary>Stops every agent (SIGTERM, SIGKILL after its grace period) and waits until all have ended.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // a loop refused by a pool already shut down: nothing was started there
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _own.Dispose(); // only now: its thread's end is what the agents' pdeathsig watches
        _stop.Dispose();
    }

    private SupervisedAgent? Find(string name) => Array.Find(_agents, a => string.Equals(a.Name, name, StringComparison.Ordinal));
}

/// <summary>What <see cref="AgentSupervisor.Resume"/> did.</summary>
public enum ResumeOutcome
{
    Resumed,
    NotPaused,
    Unknown,
}
