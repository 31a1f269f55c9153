using System.Text.Json;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Agents;

/// <summary>
/// An agent the router can reach and the health monitor can watch. Agents run on the slow path
/// only; they reach the engine by publishing events and reading its snapshots, never its state.
/// </summary>
public interface IAgent
{
    /// <summary>The name messages address (<c>target_agent</c>), e.g. <c>data_agent</c>.</summary>
    string Name { get; }

    /// <summary>The methods it answers.</summary>
    IReadOnlyCollection<string> Methods { get; }

    /// <summary>When it last showed it is alive (a call served, a probe answered, a loop turned).</summary>
    DateTimeOffset LastHeartbeat { get; }

    /// <summary>Runs one method. Parameter and business problems are failure results, not exceptions.</summary>
    Task<AgentResult> InvokeAsync(string method, JsonElement parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Why its work is failing every time (its last <see cref="WorkFailureStreak.Threshold"/> work items
    /// all failed), or null: the health monitor reports such an agent Degraded. Null unless implemented.
    /// </summary>
    string? FailingWork => null;

    /// <summary>
    /// How long a call of <paramref name="method"/> may take when the agent bounds its own work (a model
    /// call under the model's configured timeout), or null: the router then waits that long (plus
    /// <see cref="AgentRouter.OwnTimeoutGrace"/>) instead of its default <c>call_timeout</c>, and a
    /// scheduled call of it gets as long, so the agent's own deadline decides and is counted by it.
    /// Null unless implemented.
    /// </summary>
    TimeSpan? CallTimeout(string method) => null;

    /// <summary>
    /// Checks <paramref name="parameters"/> for <paramref name="method"/> without running it: why they
    /// are invalid (naming the parameter), or null when they are valid or the agent cannot tell before
    /// running (null unless implemented). A delegated task is refused with it before it gets an id.
    /// </summary>
    string? CheckParams(string method, JsonElement parameters) => null;

    /// <summary>A cheap call proving it answers; the health monitor bounds it with a timeout.</summary>
    Task ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="RestartAsync"/> can cure a failed probe or a missed heartbeat (true unless
    /// implemented). An agent that answers false (an external agent: its process is not ours to
    /// restart) is reported Degraded with the reason when it fails, and never restarted nor
    /// escalated to CRITICAL by the health monitor.
    /// </summary>
    bool Restartable => true;

    /// <summary>Drops whatever it was stuck on and starts fresh (the health monitor's remedy).</summary>
    Task RestartAsync(CancellationToken cancellationToken);
}

/// <summary>Typed parameters of an agent method: validated after binding, every problem at once.</summary>
public interface IAgentParams
{
    /// <summary>Problems with the values, each naming its parameter; empty when valid.</summary>
    IEnumerable<string> Validate();
}

/// <summary>A method's own failure with a code for the caller (e.g. no data for a symbol).</summary>
public sealed class AgentException : Exception
{
    public AgentException()
        : this(AgentErrors.Failed, "the agent failed")
    {
    }

    public AgentException(string message)
        : this(AgentErrors.Failed, message)
    {
    }

    public AgentException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = AgentErrors.Failed;
    }

    public AgentException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; } = AgentErrors.Failed;
}
