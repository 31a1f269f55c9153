namespace Orchestrator.Agents.Supervision;

/// <summary>
/// One supervised agent process (daemon.yaml <c>agents.processes[]</c>), validated by the
/// configuration loader: what to run, where, with which extra environment, and how to restart it.
/// </summary>
public sealed record AgentProcessOptions
{
    /// <summary>The agent's name: the name it says hello with, and <c>ORCHESTRATOR_AGENT_NAME</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The program: a name looked up on PATH, or a path (relative to <see cref="WorkingDirectory"/> when given).</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The process's working directory; null = the daemon's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables (never secrets: the configuration refuses secret-looking names).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public RestartPolicy Restart { get; init; } = RestartPolicy.OnFailure;

    /// <summary>A running agent whose last heartbeat (or, never connected, its start) is older than this is hung and restarted; zero = not checked.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This many restarts within <see cref="RestartWindow"/>, then one more end: CRITICAL alert, and the agent is paused.</summary>
    public int MaxRestarts { get; init; } = 5;

    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait before the first restart in a window; it doubles with each restart still in the window.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At a stop, how long after SIGTERM before SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Why <see cref="Command"/> cannot be run (not found on PATH, no such executable file), or null when it can.</summary>
    public string? CommandProblem() =>
        AgentProcessLauncher.ResolveCommand(Command, WorkingDirectory) is not null ? null
        : Command.Contains('/', StringComparison.Ordinal) ? $"'{Command}' is not an executable file{(WorkingDirectory is null ? string.Empty : $" (relative to working_dir '{WorkingDirectory}')")}"
        : $"'{Command}' is not found on PATH";

    /// <summary>The wait before a restart when <paramref name="restartsInWindow"/> restarts are already in the window: initial × 2^n, at most the max.</summary>
    public TimeSpan BackoffFor(int restartsInWindow)
    {
        double factor = Math.Pow(2, Math.Clamp(restartsInWindow, 0, 30));
        double ticks = BackoffInitial.Ticks * factor;
        return ticks >= BackoffMax.Ticks ? BackoffMax : TimeSpan.FromTicks((long)ticks);
    }
}
