using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Daemon.Mcp;

/// <summary>One tool the MCP server can expose: its name, what an LLM reads about it, the JSON schema of its arguments, and what it does.</summary>
/// <param name="Name">The tool's name (one of <see cref="Configuration.McpTools"/>).</param>
/// <param name="Description">What it does and answers, for the calling model.</param>
/// <param name="InputSchema">The JSON schema of its arguments.</param>
/// <param name="ReadOnly">True when it changes nothing (the trading tools are not).</param>
/// <param name="Invoke">Runs it on checked arguments; throws <see cref="McpToolException"/> for a clear refusal.</param>
public sealed record McpTool(string Name, string Description, JsonElement InputSchema, bool ReadOnly, Func<McpArguments, CancellationToken, Task<JsonNode?>> Invoke);
