using System.Text.Json.Nodes;

namespace Orchestrator.Agents.Scheduling;

/// <summary>What a delegated task's id can be asked: its state and, once finished, its result or error.</summary>
/// <param name="Id">The task id (<c>task-000001</c>…).</param>
/// <param name="Description">What it runs (agent.method).</param>
/// <param name="Status">Pending, running, or how it ended.</param>
/// <param name="CreatedAt">When it was delegated.</param>
/// <param name="StartedAt">When a slow-path thread took it.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Result">The agent's result when it succeeded.</param>
/// <param name="ErrorCode">The error code when it did not.</param>
/// <param name="Error">The error in words.</param>
public sealed record JobInfo(
    string Id,
    string Description,
    JobStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    JsonNode? Result,
    string? ErrorCode,
    string? Error)
{
    /// <summary>Whether it has ended (succeeded, failed, canceled or timed out).</summary>
    public bool IsFinished => Status is not (JobStatus.Pending or JobStatus.Running);

    /// <summary>The control API's JSON shape.</summary>
    public JsonObject ToJson() => new()
    {
        ["task_id"] = Id,
        ["description"] = Description,
        ["status"] = Status.ToString().ToLowerInvariant(),
        ["created_at"] = CreatedAt.ToString("O"),
        ["started_at"] = StartedAt?.ToString("O"),
        ["finished_at"] = FinishedAt?.ToString("O"),
        ["result"] = Result?.DeepClone(),
        ["error_code"] = ErrorCode,
        ["error"] = Error,
    };
}
