namespace Orchestrator.Agents.Supervision;

/// <summary>
/// One supervised agent's picture, as <c>GET /api/agents</c>, <c>/metrics</c>, <c>/health</c>, the
/// dashboard and the run report show it. Immutable: the supervisor publishes a new one on every change.
/// </summary>
/// <param name="Name">The agent's name (daemon.yaml <c>agents.processes[].name</c>).</param>
/// <param name="State">Running, backoff, paused or stopped.</param>
/// <param name="Restarts">Starts after the first, since the daemon started.</param>
/// <param name="LastExitCode">The last run's exit code (128 + N when a signal N ended it); null before any run ended.</param>
/// <param name="ProcessId">The running process's id; null when not running.</param>
/// <param name="StartedAt">When the running process started; null when not running.</param>
/// <param name="LastReason">Why the last run ended (exit, no heartbeat, paused, …); null before any ended.</param>
/// <param name="RestartsInWindow">Restarts within the configured restart window, as of the last change.</param>
public sealed record SupervisedAgentStatus(
    string Name,
    SupervisedAgentState State,
    int Restarts,
    int? LastExitCode,
    int? ProcessId,
    DateTimeOffset? StartedAt,
    string? LastReason,
    int RestartsInWindow)
{
    /// <summary>How long the running process has been up at <paramref name="now"/>; zero when it is not running.</summary>
    public TimeSpan UptimeAt(DateTimeOffset now) => State == SupervisedAgentState.Running && StartedAt is { } started && now > started ? now - started : TimeSpan.Zero;

    /// <summary>The state's lower-case name as the surfaces print it (<c>running</c>, <c>backoff</c>, <c>paused</c>, <c>stopped</c>).</summary>
    public string StateName => State.ToString().ToLowerInvariant();
}
