namespace Orchestrator.Agents.Health;

/// <summary>Everything one health check found, published as a whole.</summary>
/// <param name="Overall">The worst component state (<see cref="HealthState.Unknown"/> before the first check).</param>
/// <param name="Components">Every component's latest result, agents first, in registration order, then <c>process</c>.</param>
/// <param name="Process">The process's resources (null before the first check).</param>
/// <param name="TakenAt">When the check finished.</param>
/// <param name="Version">Increases by one with every snapshot.</param>
public sealed record HealthSnapshot(
    HealthState Overall,
    IReadOnlyList<ComponentHealth> Components,
    ProcessSample? Process,
    DateTimeOffset TakenAt,
    long Version)
{
    /// <summary>Before the first check.</summary>
    public static HealthSnapshot Empty { get; } = new(HealthState.Unknown, [], null, default, 0);
}
