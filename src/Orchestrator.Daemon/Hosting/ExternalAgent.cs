using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// An external agent (agent protocol over the signal gateway) as the router and the health monitor
/// see it: registered on its first hello and kept for the run (shown disconnected between
/// connections). A message to it is a gateway request to its live session; its methods are those
/// of its latest hello.
/// </summary>
/// <remarks>
/// Health: <see cref="ProbeAsync"/> fails when it is disconnected or has sent no line (any line is a
/// heartbeat) for <see cref="SilentAfter"/>. It is not <see cref="Restartable"/>: the daemon cannot
/// restart a process it did not start (a supervised one is restarted by the supervisor, which reads
/// the same heartbeat), so the health monitor reports it Degraded with that reason, never restarts
/// it and never raises CRITICAL for an agent that simply disconnected.
/// </remarks>
public sealed class ExternalAgent : IAgent
{
    /// <summary>The <c>kind</c> GET /api/agents gives it.</summary>
    public const string Kind = "external";

    private readonly TimeProvider _time;
    private readonly DateTimeOffset _registeredAt;

    public ExternalAgent(GatewayAgent gateway, TimeSpan silentAfter, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        Gateway = gateway;
        SilentAfter = silentAfter;
        _time = time ?? TimeProvider.System;
        _registeredAt = _time.GetUtcNow();
    }

    /// <summary>The gateway's side of it: connection, counters, requests.</summary>
    public GatewayAgent Gateway { get; }

    /// <summary>How long it may send nothing before its probe fails (three heartbeat intervals).</summary>
    public TimeSpan SilentAfter { get; }

    public string Name => Gateway.Name;

    public IReadOnlyCollection<string> Methods => Gateway.Methods;

    public bool Connected => Gateway.Connected;

    /// <summary>Its last line received; when it registered before any.</summary>
    public DateTimeOffset LastHeartbeat => Gateway.LastHeartbeat ?? _registeredAt;

    public bool Restartable => false;

    public async Task<AgentResult> InvokeAsync(string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        if (!Gateway.Connected)
        {
            return Unavailable();
        }

        GatewayAgentResponse response = await Gateway.RequestAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        if (response.Ok)
        {
            return AgentResult.Success(response.Result.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(response.Result.GetRawText()));
        }

        return Gateway.Connected ? AgentResult.Failure(AgentErrors.Failed, $"{Name}.{method}: {response.Error}") : Unavailable();
    }

    public Task ProbeAsync(CancellationToken cancellationToken)
    {
        if (!Gateway.Connected)
        {
            throw new InvalidOperationException(DisconnectedText());
        }

        TimeSpan silent = _time.GetUtcNow() - LastHeartbeat;
        if (silent > SilentAfter)
        {
            throw new TimeoutException($"external agent '{Name}' is connected but sent nothing for {Seconds(silent)} s (limit {Seconds(SilentAfter)} s)");
        }

        return Task.CompletedTask;
    }

    /// <summary>Nothing to do: see <see cref="Restartable"/>.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private AgentResult Unavailable() => AgentResult.Failure(AgentErrors.Unavailable, DisconnectedText() + "; it can be reached again once it reconnects");

    private string DisconnectedText() => Gateway.LastHeartbeat is { } last
        ? $"external agent '{Name}' is disconnected (last heartbeat {last.ToString("O", CultureInfo.InvariantCulture)})"
        : $"external agent '{Name}' is disconnected";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
