using System.Text.Json;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>An external agent's answer to a request: its <c>result</c>, or why there is none (its <c>error</c>, not connected, disconnected, timed out).</summary>
public readonly record struct GatewayAgentResponse(bool Ok, JsonElement Result, string? Error)
{
    public static GatewayAgentResponse Failed(string error) => new(false, default, error);
}
