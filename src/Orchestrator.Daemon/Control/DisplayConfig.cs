namespace Orchestrator.Daemon.Control;

/// <summary>How the live console display shows itself (the brief's update_display_config).</summary>
public sealed record DisplayConfig(bool Enabled, string Mode, TimeSpan RefreshInterval)
{
    public static DisplayConfig Default { get; } = new(true, "full", TimeSpan.FromSeconds(1));

    /// <summary>Every problem with this configuration, as "key: reason".</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Mode is not ("full" or "compact"))
        {
            errors.Add($"mode: must be full or compact, got '{Mode}'");
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(100) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"refresh_interval_ms: must be between 100 and 60000, got {RefreshInterval.TotalMilliseconds}");
        }

        return errors;
    }
}

/// <summary>The outcome of a live risk change.</summary>
public sealed record RiskUpdateResult(bool Applied, long Version, IReadOnlyList<string> Errors);
