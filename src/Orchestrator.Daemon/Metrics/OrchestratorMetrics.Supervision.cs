using System.Diagnostics.Metrics;
using Orchestrator.Agents.Supervision;

namespace Orchestrator.Daemon.Metrics;

/// <summary>The supervised agent processes' instruments, on <see cref="AgentsMeter"/>, tagged <c>agent</c> (names from daemon.yaml: a bounded set).</summary>
public sealed partial class OrchestratorMetrics
{
    /// <summary>
    /// Adds the instruments of <paramref name="supervisor"/>'s agents: restarts (counter), state (0
    /// running, 1 backoff, 2 paused, 3 stopped), uptime of the running process in seconds, and the last
    /// exit code (-1 before any run ended). Read from the supervisor's published statuses at each collection.
    /// </summary>
    public void ObserveSupervisor(AgentSupervisor supervisor)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        Meter m = AgentsMeter;
        m.CreateObservableCounter("orchestrator.agents.process_restarts", () => Each(supervisor, s => s.Restarts), "{restart}", "Restarts of each supervised agent process since the daemon started");
        m.CreateObservableGauge("orchestrator.agents.process_state", () => Each(supervisor, s => (int)s.State), null, "Each supervised agent process: 0 running, 1 backoff, 2 paused, 3 stopped");
        m.CreateObservableGauge("orchestrator.agents.process_uptime", () => Each(supervisor, s => s.UptimeAt(DateTimeOffset.UtcNow).TotalSeconds), "s", "How long each supervised agent process has been running (0 when not running)");
        m.CreateObservableGauge("orchestrator.agents.process_last_exit_code", () => Each(supervisor, s => s.LastExitCode ?? -1), null, "Each supervised agent process's last exit code (128+N: ended by signal N; -1: none yet)");
    }

    private static IEnumerable<Measurement<T>> Each<T>(AgentSupervisor supervisor, Func<SupervisedAgentStatus, T> value)
        where T : struct =>
        supervisor.Statuses.Select(s => new Measurement<T>(value(s), new KeyValuePair<string, object?>("agent", s.Name)));
}
