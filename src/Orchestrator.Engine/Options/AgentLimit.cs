namespace Orchestrator.Engine.Options;

/// <summary>
/// Limits for one signal source (agent or strategy, by its name), on top of the account-wide ones
/// (daemon.yaml <c>agents: limits:</c>). Fixed for the engine's life: they are not part of the
/// live-adjustable <see cref="RiskParameters"/>.
/// </summary>
public sealed record AgentLimit
{
    /// <summary>The source name the limits apply to (as the agent sends it, or the strategy's name).</summary>
    public required string Name { get; init; }

    /// <summary>Largest absolute position (shares) this source's own fills may hold per symbol; 0 = no limit.</summary>
    public long MaxPosition { get; init; }

    /// <summary>Most orders this source's signals may pass the risk gate with per minute (event time); 0 = no limit.</summary>
    public int MaxOrdersPerMinute { get; init; }

    /// <summary>Symbols this source may trade; empty = every symbol the account may trade.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];
}
