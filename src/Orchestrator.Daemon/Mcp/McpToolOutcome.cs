using System.Text.Json.Nodes;

namespace Orchestrator.Daemon.Mcp;

/// <summary>What one tool call came to: its answer, or why it was refused or failed (a message for the caller; never a .NET type name).</summary>
/// <param name="Answer">The tool's answer (null when refused, or a tool that answers nothing).</param>
/// <param name="Error">Null when it ran; else the refusal or failure.</param>
public readonly record struct McpToolOutcome(JsonNode? Answer, string? Error)
{
    public bool Ok => Error is null;
}
