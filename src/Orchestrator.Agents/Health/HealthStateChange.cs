namespace Orchestrator.Agents.Health;

/// <summary>A component's state changed between two checks.</summary>
/// <param name="Component">The component.</param>
/// <param name="Previous">Its state before (<see cref="HealthState.Unknown"/> at the first check).</param>
/// <param name="Current">Its state now.</param>
/// <param name="Detail">Why.</param>
/// <param name="Critical">The monitor gave up on recovering it (an agent over its restart budget).</param>
/// <param name="At">When it was seen.</param>
public sealed record HealthStateChange(string Component, HealthState Previous, HealthState Current, string Detail, bool Critical, DateTimeOffset At);
