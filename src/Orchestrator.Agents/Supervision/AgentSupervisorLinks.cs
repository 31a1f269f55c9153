using Orchestrator.Agents.Alerts;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// What the supervisor needs from the rest of the daemon, as plain delegates so that it depends on
/// no transport: where the gateway listens, how to register an agent's token with it, where an
/// agent's last heartbeat is read, and where alerts go.
/// </summary>
public sealed record AgentSupervisorLinks
{
    /// <summary>The gateway's address as agents are told it (<c>ORCHESTRATOR_GATEWAY</c>): <c>127.0.0.1:PORT</c>.</summary>
    public required string GatewayAddress { get; init; }

    /// <summary>Registers a fresh token for an agent before each start (the gateway's <c>RegisterAgentToken(name, token)</c>).</summary>
    public Action<string, string>? RegisterToken { get; init; }

    /// <summary>Forgets an agent's token when its process ended (the gateway's <c>UnregisterAgentToken(name)</c>).</summary>
    public Action<string>? UnregisterToken { get; init; }

    /// <summary>The agent's last heartbeat as the gateway saw it (null = never connected); null = heartbeats are not checked.</summary>
    public Func<string, DateTimeOffset?>? LastHeartbeat { get; init; }

    /// <summary>Where the CRITICAL "paused" alert goes (the log always has it too).</summary>
    public AlertService? Alerts { get; init; }

    /// <summary>Environment variables of the daemon that agents must not inherit (the daemon's own credentials).</summary>
    public IReadOnlyCollection<string> WithheldEnvironment { get; init; } = [];

    /// <summary>The longest line of agent output kept (bytes); longer lines are cut.</summary>
    public int MaxOutputLineBytes { get; init; } = 4096;
}
