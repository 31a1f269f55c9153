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
/// duration_ms, an arguments summary, and <c>task_id</c> when the orchestrator agent's task made it) and counted; a refusal or a failure inside a tool is
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
    private readonly Logger _audit;

    /// <param name="tools">The tools to expose.</param>
    /// <param name="count">Called after each call with tool, transport and success (the metrics counter).</param>
    /// <param name="audit">Where the audit lines go; the <c>Orchestrator.Mcp</c> logger unless given (tests).</param>
    public McpToolDispatcher(IReadOnlyList<McpTool> tools, Action<string, string, bool>? count = null, Logger? audit = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Tools = tools;
        _count = count;
        _audit = audit ?? s_logger;
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
        string name = request?.Name ?? string.Empty;
        var args = new McpArguments(request?.Arguments is { } a ? a.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) : null);
        if (!_tools.ContainsKey(name))
        {
            string error = UnknownTool(ClipName(name));
            Refuse(name, args, transport, null, error);
            throw new McpProtocolException(error, McpErrorCode.InvalidParams); // per the protocol: an unknown tool is a request error
        }

        McpToolOutcome outcome = await InvokeAsync(name, args, transport, null, cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } refused
            ? Error(refused)
            : new CallToolResult
            {
                Content = [new TextContentBlock { Text = outcome.Answer?.ToJsonString(s_text) ?? "null" }],
                StructuredContent = outcome.Answer is JsonObject ? JsonSerializer.SerializeToElement(outcome.Answer) : null,
            };
    }

    /// <summary>
    /// Runs the tool <paramref name="name"/> on <paramref name="args"/>, audited (with
    /// <paramref name="taskId"/> when a task of the orchestrator agent asked) and counted: the answer,
    /// or the refusal or failure as text. An unknown name is a refusal too (nothing runs). Throws only
    /// when <paramref name="cancellationToken"/> is canceled.
    /// </summary>
    public async ValueTask<McpToolOutcome> InvokeAsync(string name, McpArguments args, string transport, string? taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(args);
        long started = Stopwatch.GetTimestamp();
        if (!_tools.TryGetValue(name, out McpTool? tool))
        {
            string unknown = UnknownTool(ClipName(name));
            Audit(name, transport, taskId, unknown, started, args);
            return new McpToolOutcome(null, unknown);
        }

        JsonNode? answer = null;
        string? error = null;
        try
        {
            answer = await tool.Invoke(args, cancellationToken).ConfigureAwait(false);
        }
        catch (McpToolException ex)
        {
            error = ex.Message;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Audit(name, transport, taskId, "canceled", started, args);
            throw;
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "MCP tool {0} failed", name);
            error = "internal error: " + ex.Message;
        }

        Audit(name, transport, taskId, error, started, args);
        return new McpToolOutcome(answer, error);
    }

    /// <summary>Audits and counts a call that is refused without running (<paramref name="error"/> says why).</summary>
    public void Refuse(string name, McpArguments args, string transport, string? taskId, string error)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(args);
        Audit(name, transport, taskId, error, Stopwatch.GetTimestamp(), args);
    }

    private string UnknownTool(string name) => $"unknown tool '{name}'; this server exposes: {string.Join(", ", _tools.Keys)}";

    private static string ClipName(string name) => name.Length > MaxNameLength ? name[..MaxNameLength] + "…" : name;

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private void Audit(string name, string transport, string? taskId, string? error, long started, McpArguments args)
    {
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        string summary = args.Summary();
        string tool = ClipName(name); // a client's (or a model's) long name is cut before it is logged
        var info = LogEventInfo.Create(error is null ? LogLevel.Info : LogLevel.Warn, _audit.Name,
            string.Create(CultureInfo.InvariantCulture, $"MCP {transport} call {tool}({summary}){(taskId is null ? string.Empty : " task " + taskId)}: {(error is null ? "ok" : "error: " + error)} in {ms:0.0}ms"));
        info.Properties["event"] = "mcp_tool_call";
        info.Properties["tool"] = tool;
        info.Properties["transport"] = transport;
        info.Properties["outcome"] = error is null ? "ok" : "error";
        info.Properties["duration_ms"] = Math.Round(ms, 3);
        info.Properties["arguments"] = summary;
        if (taskId is not null)
        {
            info.Properties["task_id"] = taskId;
        }

        if (error is not null)
        {
            info.Properties["error"] = error;
        }

        _audit.Log(info);
        _count?.Invoke(_tools.ContainsKey(name) ? tool : "unknown", transport, error is null); // a client's made-up names never become metric labels
    }
}
