using System.Globalization;
using Orchestrator.Agents.Health;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// A supervised agent process as a health component (<c>supervised:NAME</c>): paused is unhealthy (a
/// person must resume it), waiting to restart or crash-looping (restarted at least twice within its
/// window, up for less than the window) is degraded, running is healthy.
/// </summary>
public static class SupervisedAgentHealth
{
    /// <summary>The component's name for <paramref name="agent"/> (not the agent's own: the gateway's external agent may carry that).</summary>
    public static string ComponentName(string agent) => "supervised:" + agent;

    /// <summary>The verdict for <paramref name="status"/> at <paramref name="now"/>.</summary>
    public static ComponentHealth Of(SupervisedAgentStatus status, AgentProcessOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);
        string name = ComponentName(status.Name);
        string restarts = status.Restarts.ToString(CultureInfo.InvariantCulture) + (status.Restarts == 1 ? " restart" : " restarts");
        string window = SupervisedAgent.Describe(options.RestartWindow);
        return status.State switch
        {
            SupervisedAgentState.Paused => ComponentHealth.Of(name, HealthState.Unhealthy,
                $"paused after {status.RestartsInWindow} restarts within {window} (last: {status.LastReason}); resume it with POST /api/agents/{status.Name}/resume"),
            SupervisedAgentState.Backoff => ComponentHealth.Of(name, HealthState.Degraded, $"waiting to restart ({restarts}; last: {status.LastReason})"),
            SupervisedAgentState.Running when status.RestartsInWindow >= 2 && status.StartedAt is { } started && now - started < options.RestartWindow =>
                ComponentHealth.Of(name, HealthState.Degraded, $"crash-looping: {status.RestartsInWindow} restarts within {window}; running again since {Time(started)} (pid {status.ProcessId}; last: {status.LastReason})"),
            SupervisedAgentState.Running => ComponentHealth.Of(name, HealthState.Healthy, $"running since {Time(status.StartedAt)} (pid {status.ProcessId}), {restarts}"),
            _ when status.LastExitCode is null or 0 => ComponentHealth.Of(name, HealthState.Healthy, "stopped" + (status.LastReason is { } r ? ": " + r : string.Empty)),
            _ => ComponentHealth.Of(name, HealthState.Degraded, $"stopped: {status.LastReason}"),
        };
    }

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "?";
}
