using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Agents.Routing;

/// <summary>
/// The brief's agent message: <c>{ "target_agent": ..., "method": ..., "params": {...} }</c>.
/// <see cref="Params"/> is the raw JSON object; the target method binds and validates it.
/// </summary>
public sealed record AgentMessage(
    [property: JsonPropertyName("target_agent")] string TargetAgent,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("params")] JsonElement Params)
{
    /// <summary>A message with parameters given as an object (serialized with the agents' JSON options).</summary>
    public static AgentMessage Create(string targetAgent, string method, object? parameters = null) =>
        new(targetAgent, method, JsonSerializer.SerializeToElement(parameters ?? new { }, AgentJson.Options));

    /// <summary>
    /// Reads a message from JSON text; a clear error instead of an exception when the text is not
    /// a message (not JSON, not an object, target_agent or method missing or not strings).
    /// </summary>
    public static bool TryParse(string json, out AgentMessage? message, out string? error)
    {
        message = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the message must be a JSON object with target_agent, method and params";
                return false;
            }

            if (!root.TryGetProperty("target_agent", out JsonElement target) || target.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(target.GetString()))
            {
                error = "target_agent: required, a non-empty string";
                return false;
            }

            if (!root.TryGetProperty("method", out JsonElement method) || method.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(method.GetString()))
            {
                error = "method: required, a non-empty string";
                return false;
            }

            JsonElement parameters = root.TryGetProperty("params", out JsonElement p) ? p.Clone() : JsonSerializer.SerializeToElement(new { });
            if (parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                error = "params: must be a JSON object";
                return false;
            }

            message = new AgentMessage(target.GetString()!, method.GetString()!, parameters.ValueKind == JsonValueKind.Null ? JsonSerializer.SerializeToElement(new { }) : parameters);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message;
            return false;
        }
    }
}

/// <summary>The JSON conventions agents speak: snake_case names, strict numbers, no unknown members.</summary>
public static class AgentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = false,
    };
}
