using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>
/// <c>POST /api/orchestrator/ask</c> on the control API (bearer token as the rest): body
/// <c>{"task": "..."}</c>, answer <see cref="OrchestratorAnswer.ToJson"/> (200, also when the task
/// stopped early: <c>stopped</c> says why). 400 with a plain message for a bad body, 404 when
/// agent_model.yaml has no orchestrator, 429 when it is busy. The operator's task gets every tool
/// the agent has (its trading tools exist only when MCP's trading tools are enabled).
/// </summary>
public static class OrchestratorEndpoints
{
    public const string AskPath = "/api/orchestrator/ask";

    /// <summary>Maps the endpoint; <paramref name="agent"/> null answers 404 with how to configure one.</summary>
    public static void Map(WebApplication app, OrchestratorAgent? agent)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(AskPath, async (HttpRequest request, CancellationToken ct) =>
        {
            if (agent is null)
            {
                return Error(StatusCodes.Status404NotFound, OrchestratorAgent.NotConfigured);
            }

            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            if (!TryParseTask(body, out string? task, out string? problem))
            {
                return Error(StatusCodes.Status400BadRequest, problem!);
            }

            OrchestratorAnswer? answer = await agent.AskAsync(task!, allowTrading: true, ct).ConfigureAwait(false);
            return answer is null
                ? Error(StatusCodes.Status429TooManyRequests, OrchestratorAgent.BusyMessage)
                : Results.Text(answer.ToJson().ToJsonString(), "application/json", Encoding.UTF8);
        });
    }

    /// <summary>Reads <c>{"task": "..."}</c> strictly: a JSON object with a non-empty string <c>task</c> of at most <see cref="OrchestratorAgent.MaxTaskLength"/> characters and nothing else.</summary>
    public static bool TryParseTask(string body, out string? task, out string? problem)
    {
        task = null;
        problem = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            problem = "body: not valid JSON; send {\"task\": \"what to do\"}";
            return false;
        }

        if (root is not JsonObject fields)
        {
            problem = "body: must be a JSON object {\"task\": \"what to do\"}";
            return false;
        }

        foreach ((string name, _) in fields)
        {
            if (name != "task")
            {
                problem = $"{(name.Length > 64 ? name[..64] + "…" : name)}: not a field of the body (it takes task only)";
                return false;
            }
        }

        if (fields["task"] is not JsonValue value || !value.TryGetValue(out string? text) || string.IsNullOrWhiteSpace(text))
        {
            problem = "task: required, a non-empty string";
            return false;
        }

        if (text.Length > OrchestratorAgent.MaxTaskLength)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"task: at most {OrchestratorAgent.MaxTaskLength} characters, got {text.Length}");
            return false;
        }

        task = text;
        return true;
    }

    private static IResult Error(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(), "application/json", Encoding.UTF8, status);
}
