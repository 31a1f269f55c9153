namespace Orchestrator.Agents.Scheduling;

/// <summary>Limits of the <see cref="JobScheduler"/>.</summary>
public sealed record JobSchedulerOptions
{
    /// <summary>A delegated task without its own timeout is canceled after this long.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Finished tasks are kept (and can be asked about) this long…</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>…and at most this many of them, oldest dropped first.</summary>
    public int MaxRetained { get; init; } = 1_000;

    /// <summary>Tasks running or waiting at once; more are refused (the caller is told) rather than queued without bound.</summary>
    public int MaxActive { get; init; } = 64;
}
