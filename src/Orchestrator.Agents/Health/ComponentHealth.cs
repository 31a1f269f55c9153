namespace Orchestrator.Agents.Health;

/// <summary>The result of one component's latest check.</summary>
/// <param name="Name">The component (an agent's name, a registered check's name, or <c>process</c>).</param>
/// <param name="State">Its state.</param>
/// <param name="Detail">Why, in words (empty when healthy and there is nothing to say).</param>
/// <param name="CheckedAt">When the check finished (set by the monitor).</param>
/// <param name="ConsecutiveFailures">Checks in a row that were not <see cref="HealthState.Healthy"/> (set by the monitor).</param>
public sealed record ComponentHealth(string Name, HealthState State, string Detail, DateTimeOffset CheckedAt, int ConsecutiveFailures)
{
    /// <summary>A check's verdict; the monitor fills in the time and the failure count.</summary>
    public static ComponentHealth Of(string name, HealthState state, string detail = "") =>
        new(name, state, detail, default, 0);
}
