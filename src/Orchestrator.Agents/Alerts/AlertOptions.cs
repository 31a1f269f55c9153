namespace Orchestrator.Agents.Alerts;

/// <summary>How the alert service de-duplicates, rate-limits, queues and retries (daemon.yaml <c>alerts:</c>).</summary>
public sealed record AlertOptions
{
    /// <summary>An alert with the same key within this window is counted, not sent; one summary follows when it ends.</summary>
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Alerts each channel may send per minute (token bucket refill), after the burst.</summary>
    public int PerMinute { get; init; } = 20;

    /// <summary>Alerts a channel may send at once before the per-minute rate applies.</summary>
    public int Burst { get; init; } = 5;

    /// <summary>Alerts waiting per channel; beyond it new ones are dropped (counted).</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>One attempt to send ends after this long.</summary>
    public TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts after the first one fails.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Wait before the first retry; doubles for each next one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(1);
}
