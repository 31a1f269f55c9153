using System.Text.Json;

namespace Orchestrator.AgentClient.Messages;

/// <summary>A request routed to this agent (<c>type</c> <c>request</c>), answered with a <c>response</c> line.</summary>
public sealed record AgentRequest : AgentMessage
{
    public string RequestId { get; init; } = "";

    public string Method { get; init; } = "";

    /// <summary>The request's parameters (an undefined element when there were none).</summary>
    public JsonElement Params { get; init; }
}
