using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NLog;

namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// Answers <c>tools/list</c> and <c>tools/call</c> for one transport from the configured tools.
/// Every call is audited (NLog, <c>event=mcp_tool_call</c> with tool, transport, outcome,
/// duration_ms and an arguments summary) and counted; a refusal or a failure inside a tool is
/// a tool result with <c>isError: true</c>, never an exception that ends the session. Calls run
/// on the slow path (the SDK's request threads).
/// </summary>
public sealed class McpToolDispatcher
{
    public const string ServerName = "orchestrator";

    private const int MaxNameLength = 64;

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Mcp");
    private static readonly JsonSerializerOptions s_text = new() { WriteIndented = false };

    private readonly Dictionary<string, McpTool> _tools;
    private readonly Action<string, string, bool>? _count;

    /// <param name="tools">The tools to expose.</param>
    /// <param name="count">Called after each call with tool, transport and success (the metrics counter).</param>
    public McpToolDispatcher(IReadOnlyList<McpTool> tools, Action<string, string, bool>? count = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Tools = tools;
        _count = count;
    }

    public IReadOnlyList<McpTool> Tools { get; }

    /// <summary>Fills in server options for one transport (<c>stdio</c> or <c>http</c>, named in the audit).</summary>
    public void Configure(McpServerOptions options, string transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tools = Tools.Select(t => new Tool
        {
            Name = t.Name,
            Description = t.Description,
            InputSchema = t.InputSchema,
            Annotations = new ToolAnnotations { ReadOnlyHint = t.ReadOnly, DestructiveHint = !t.ReadOnly, OpenWorldHint = false },
        }).ToList();
        options.ServerInfo = new Implementation { Name = ServerName, Version = typeof(McpToolDispatcher).Assembly.GetName().Version?.ToString() ?? "0" };
        options.ServerInstructions = "Orchestrator.LowLatency trading daemon: read its portfolio, positions, orders, signals, health and indicators; run backtests"
            + (Tools.Any(t => !t.ReadOnly) ? "; trading tools can submit signals (risk still decides), send messages to any agent and engage the kill switch." : ".");
        options.Handlers.ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = tools });
        options.Handlers.CallToolHandler = (request, cancellationToken) => CallAsync(request.Params, transport, cancellationToken);
    }

    /// <summary>Runs one call: checks, audit, count. Public for tests that call without a transport.</summary>
    public async ValueTask<CallToolResult> CallAsync(CallToolRequestParams? request, string transport, CancellationToken cancellationToken)
    {
        string name = request?.Name is { Length: > MaxNameLength } longName ? longName[..MaxNameLength] + "…" : request?.Name ?? string.Empty;
        var args = new McpArguments(request?.Arguments is { } a ? a.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) : null);
        long started = Stopwatch.GetTimestamp();
        CallToolResult result;
        string? error = null;
        if (!_tools.TryGetValue(name, out McpTool? tool))
        {
            error = $"unknown tool '{name}'; this server exposes: {string.Join(", ", _tools.Keys)}";
            Audit(name, transport, error, started, args);
            throw new McpProtocolException(error, McpErrorCode.InvalidParams); // per the protocol: an unknown tool is a request error
        }

        try
        {
            JsonNode? answer = await tool.Invoke(args, cancellationToken).ConfigureAwait(false);
            result = new CallToolResult
            {
                Content = [new TextContentBlock { Text = answer?.ToJsonString(s_text) ?? "null" }],
                StructuredContent = answer is JsonObject ? JsonSerializer.SerializeToElement(answer) : null,
            };
        }
        catch (McpToolException ex)
        {
            error = ex.Message;
            result = Error(error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "canceled";
            Audit(name, transport, error, started, args);
            throw;
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "MCP tool {0} failed", name);
            error = "internal error: " + ex.Message;
            result = Error(error);
        }

        Audit(name, transport, error, started, args);
        return result;
    }

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private void Audit(string tool, string transport, string? error, long started, McpArguments args)
    {
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string summary = args.Summary();
        var info = LogEventInfo.Create(error is null ? LogLevel.Info : LogLevel.Warn, s_logger.Name,
            string.Create(CultureInfo.InvariantCulture, $"MCP {transport} call {tool}({summary}): {(error is null ? "ok" : "error: " + error)} in {ms:0.0}ms"));
        info.Properties["event"] = "mcp_tool_call";
        info.Properties["tool"] = tool;
        info.Properties["transport"] = transport;
        info.Properties["outcome"] = error is null ? "ok" : "error";
        info.Properties["duration_ms"] = Math.Round(ms, 3);
        info.Properties["arguments"] = summary;
        if (error is not null)
        {
            info.Properties["error"] = error;
        }

        s_logger.Log(info);
        _count?.Invoke(_tools.ContainsKey(tool) ? tool : "unknown", transport, error is null); // a client's made-up names never become metric labels
    }
}
