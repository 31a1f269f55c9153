using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.Agents.Routing;

/// <summary>Why an agent call did not produce a result.</summary>
public static class AgentErrors
{
    public const string UnknownAgent = "unknown_agent";
    public const string UnknownMethod = "unknown_method";
    public const string InvalidParams = "invalid_params";
    public const string Timeout = "timeout";
    public const string Canceled = "canceled";
    public const string Failed = "failed";
    public const string Unavailable = "unavailable";
}

/// <summary>
/// An agent's answer: a JSON result, or an error code (<see cref="AgentErrors"/>) with a message
/// a person can act on. The router never lets an exception out; it turns it into one of these.
/// </summary>
public sealed record AgentResult(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("result")] JsonNode? Result,
    [property: JsonPropertyName("error_code")] string? ErrorCode,
    [property: JsonPropertyName("error")] string? Error)
{
    public static AgentResult Success(JsonNode? result) => new(true, result, null, null);

    public static AgentResult Failure(string code, string message) => new(false, null, code, message);

    /// <summary>This result as a JSON object (for the control API and MCP).</summary>
    public JsonObject ToJson() => Ok
        ? new JsonObject { ["ok"] = true, ["result"] = Result?.DeepClone() }
        : new JsonObject { ["ok"] = false, ["error_code"] = ErrorCode, ["error"] = Error };
}
