using System.Text.Json;
using Microsoft.Extensions.AI;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>
/// An MCP tool as an <see cref="AIFunction"/> for one task of the orchestrator agent: the tool's own
/// name, description and JSON schema; calls go through the task (the MCP dispatcher's checks, audit
/// and count). A refusal or failure is the function's result text (<c>error: ...</c>) for the model
/// to read, not an exception.
/// </summary>
internal sealed class McpToolFunction(McpTool tool, OrchestratorTaskRun run) : AIFunction
{
    public override string Name => tool.Name;

    public override string Description => tool.Description;

    public override JsonElement JsonSchema => tool.InputSchema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        McpToolOutcome outcome = await run.InvokeAsync(tool.Name, arguments, cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } error ? "error: " + error : outcome.Answer?.ToJsonString() ?? "null";
    }
}
