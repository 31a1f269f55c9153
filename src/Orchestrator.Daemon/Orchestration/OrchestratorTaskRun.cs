using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Strategy;
using Orchestrator.Core;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>
/// One task of the orchestrator agent while it runs: its id, the model calls and tokens it spent,
/// the tool calls it made, and why it stopped early if it did. Its model calls run one at a time
/// (the function invoker awaits each); tool calls are recorded under a lock all the same.
/// </summary>
internal sealed class OrchestratorTaskRun
{
    private const int MaxErrorLength = 300;

    private readonly OrchestratorAgentOptions _options;
    private readonly McpToolDispatcher _dispatcher;
    private readonly HashSet<string> _offered;
    private readonly List<OrchestratorToolCall> _toolCalls = [];
    private readonly Lock _gate = new();
    private string? _stopDetail;

    public OrchestratorTaskRun(string id, OrchestratorAgentOptions options, McpToolDispatcher dispatcher, IEnumerable<string> offered)
    {
        Id = id;
        _options = options;
        _dispatcher = dispatcher;
        _offered = new HashSet<string>(offered, StringComparer.Ordinal);
    }

    public string Id { get; }

    public OrchestratorAgentOptions Options => _options;

    /// <summary>Model calls made.</summary>
    public int Steps { get; private set; }

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    /// <summary>Why the task stopped early (<see cref="OrchestratorStops"/>); null while it has not.</summary>
    public string? Stopped { get; private set; }

    public IReadOnlyList<OrchestratorToolCall> ToolCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _toolCalls];
            }
        }
    }

    /// <summary>Tokens left of the budget (0 when spent).</summary>
    public long TokensLeft => Math.Max(0, _options.MaxTaskTokens - InputTokens - OutputTokens);

    /// <summary>A model call is about to go out.</summary>
    public void BeginStep() => Steps++;

    /// <summary>What the model reported it used on the last call.</summary>
    public void AddUsage(UsageDetails? usage)
    {
        InputTokens += Math.Max(0, usage?.InputTokenCount ?? 0);
        OutputTokens += Math.Max(0, usage?.OutputTokenCount ?? 0);
    }

    /// <summary>Ends the task early: <paramref name="reason"/> (<see cref="OrchestratorStops"/>), <paramref name="detail"/> in words for the answer.</summary>
    public void Stop(string reason, string detail)
    {
        Stopped ??= reason;
        _stopDetail ??= detail;
    }

    /// <summary>Whether this task offers the tool (the model may name others).</summary>
    public bool Offers(string name) => _offered.Contains(name);

    /// <summary>Whether <paramref name="name"/> is one of the tools that act (mcp_integration.yaml's trading tools).</summary>
    public static bool IsTradingTool(string name) => Configuration.McpTools.Trading.Contains(name);

    /// <summary>Runs tool <paramref name="name"/> through the dispatcher (audited, counted) and records the outcome.</summary>
    public async ValueTask<McpToolOutcome> InvokeAsync(string name, IEnumerable<KeyValuePair<string, object?>>? arguments, CancellationToken cancellationToken)
    {
        McpToolOutcome outcome = await _dispatcher.InvokeAsync(name, Arguments(arguments), OrchestratorAgent.Transport, Id, cancellationToken).ConfigureAwait(false);
        Record(name, outcome.Error);
        return outcome;
    }

    /// <summary>Audits and records a call the model asked for that is not run (<paramref name="error"/> says why).</summary>
    public void Refuse(string name, IEnumerable<KeyValuePair<string, object?>>? arguments, string error)
    {
        _dispatcher.Refuse(name, Arguments(arguments), OrchestratorAgent.Transport, Id, error);
        Record(name, error);
    }

    /// <summary>The answer: the model's text, and why the task stopped early when it did.</summary>
    public OrchestratorAnswer Finish(string text)
    {
        string answer = text.Trim();
        if (_stopDetail is not null)
        {
            answer = (answer.Length == 0 ? string.Empty : answer + "\n\n") + "[stopped early: " + _stopDetail + "]";
        }

        return new OrchestratorAnswer(Id, answer, Steps, InputTokens, OutputTokens, ToolCalls, Stopped);
    }

    /// <summary>
    /// A failed model call fit for an answer, as every LLM agent says it (<see cref="LlmCallErrors"/>):
    /// one line, without the API key, bounded, no .NET type name nor an SDK's internals (an answer
    /// without choices is "not a usable chat completion", not the SDK's index error).
    /// </summary>
    public string Describe(Exception ex)
    {
        (_, string message) = LlmCallErrors.Classify(ex, _options.Name, _options.CallTimeout, _options.Scrub);
        message = message.Length > MaxErrorLength ? message[..MaxErrorLength] + "…" : message;
        return SignalLimits.EscapeUnsafe(message.Length == 0 ? "the model call failed without a message" : message);
    }

    public static string Describe(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private void Record(string name, string? error)
    {
        lock (_gate)
        {
            _toolCalls.Add(new OrchestratorToolCall(name.Length > 64 ? name[..64] + "…" : name, error is null, error));
        }
    }

    /// <summary>The model's arguments as the MCP tools read them (JSON values; the function invoker parsed the model's JSON).</summary>
    private static McpArguments Arguments(IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach ((string key, object? value) in arguments ?? [])
        {
            values[key] = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions);
        }

        return new McpArguments(values);
    }
}
