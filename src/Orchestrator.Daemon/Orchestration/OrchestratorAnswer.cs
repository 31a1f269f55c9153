using System.Text.Json.Nodes;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>One tool call a task made (or asked for and was refused), as its answer lists it.</summary>
/// <param name="Name">The tool's name as the model gave it.</param>
/// <param name="Ok">It ran and answered.</param>
/// <param name="Error">Why it was refused or failed; null when it ran.</param>
public sealed record OrchestratorToolCall(string Name, bool Ok, string? Error);

/// <summary>What the orchestrator agent answered to one task, and what the task cost.</summary>
/// <param name="TaskId">The task's id (in every audit line of its tool calls).</param>
/// <param name="Answer">The model's answer; when the task stopped early it ends with why.</param>
/// <param name="Steps">Model calls made (round trips).</param>
/// <param name="InputTokens">Input tokens the model reported over the task.</param>
/// <param name="OutputTokens">Output tokens the model reported over the task.</param>
/// <param name="ToolCalls">Every tool call, in order.</param>
/// <param name="Stopped">Null when the model answered; else why the task stopped early (<see cref="OrchestratorStops"/>).</param>
public sealed record OrchestratorAnswer(string TaskId, string Answer, int Steps, long InputTokens, long OutputTokens, IReadOnlyList<OrchestratorToolCall> ToolCalls, string? Stopped)
{
    /// <summary>The answer as <c>POST /api/orchestrator/ask</c> and <c>ask_orchestrator</c> give it.</summary>
    public JsonObject ToJson() => new()
    {
        ["task_id"] = TaskId,
        ["answer"] = Answer,
        ["steps"] = Steps,
        ["tokens"] = new JsonObject { ["input"] = InputTokens, ["output"] = OutputTokens },
        ["tool_calls"] = new JsonArray([.. ToolCalls.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["ok"] = c.Ok, ["error"] = c.Error })]),
        ["stopped"] = Stopped,
    };
}

/// <summary>Why a task stopped before the model answered (<see cref="OrchestratorAnswer.Stopped"/>).</summary>
public static class OrchestratorStops
{
    /// <summary>The model still asked for tools after <c>max_steps</c> model calls.</summary>
    public const string MaxSteps = "max_steps";

    /// <summary>The model still asked for tools after the task had spent <c>max_task_tokens</c>.</summary>
    public const string MaxTaskTokens = "max_task_tokens";

    /// <summary>A model call did not answer within the model's <c>timeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>A model call failed (HTTP error, malformed answer).</summary>
    public const string ModelError = "model_error";
}
