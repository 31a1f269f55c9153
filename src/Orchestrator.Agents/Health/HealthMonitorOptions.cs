namespace Orchestrator.Agents.Health;

/// <summary>How often and how strictly the <see cref="HealthMonitor"/> checks, and how it recovers.</summary>
public sealed record HealthMonitorOptions
{
    /// <summary>Time between checks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an agent probe or a component check may take before it counts as failed.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an agent restart may take before it counts as failed.</summary>
    public TimeSpan RestartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An agent whose last heartbeat is older than this has missed its deadline.</summary>
    public TimeSpan HeartbeatDeadline { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Restarts allowed per agent within <see cref="RestartWindow"/>; past it the agent is left Unhealthy.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The sliding window the restart budget counts in.</summary>
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait after an agent's first restart (in the window) before another; doubles with each restart.</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two restarts of one agent.</summary>
    public TimeSpan RestartBackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Working set or GC heap above this runs the trim callbacks and a full compacting collection;
    /// 0 turns the memory check off.
    /// </summary>
    public long MemoryThresholdBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Whether to measure the process's CPU use between checks.</summary>
    public bool SampleCpu { get; init; } = true;

    /// <summary>CPU use (percent of all processors) at or above which the process is Degraded.</summary>
    public double CpuDegradedPercent { get; init; } = 90;

    /// <summary>Every problem with these options at once; empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            yield return "Interval: must be positive";
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            yield return "ProbeTimeout: must be positive";
        }

        if (RestartTimeout <= TimeSpan.Zero)
        {
            yield return "RestartTimeout: must be positive";
        }

        if (HeartbeatDeadline <= TimeSpan.Zero)
        {
            yield return "HeartbeatDeadline: must be positive";
        }

        if (MaxRestarts < 0)
        {
            yield return "MaxRestarts: must be 0 or more";
        }

        if (RestartWindow <= TimeSpan.Zero)
        {
            yield return "RestartWindow: must be positive";
        }

        if (RestartBackoff < TimeSpan.Zero || RestartBackoffMax < RestartBackoff)
        {
            yield return "RestartBackoff: must be 0 or more and at most RestartBackoffMax";
        }

        if (MemoryThresholdBytes < 0)
        {
            yield return "MemoryThresholdBytes: must be 0 (off) or more";
        }

        if (CpuDegradedPercent is <= 0 or > 100)
        {
            yield return "CpuDegradedPercent: must be in (0, 100]";
        }
    }
}
