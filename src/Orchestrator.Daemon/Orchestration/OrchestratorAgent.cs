using System.Globalization;
using Microsoft.Extensions.AI;
using NLog;
using Orchestrator.Core;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>
/// The optional orchestrator LLM agent (agent_model.yaml <c>role: orchestrator</c>), the brief's
/// central manager: it takes a task in plain words and answers it by calling the daemon's MCP tools
/// through Microsoft.Extensions.AI function invocation (<see cref="FunctionInvokingChatClient"/>).
/// </summary>
/// <remarks>
/// <para>Tools: the MCP server's own (<see cref="OrchestratorMcpTools.ForOrchestrator"/>: every
/// read-only tool, and the trading tools exactly when MCP exposes them), with their JSON schemas and
/// checks, run through an <see cref="McpToolDispatcher"/> — so every call is audited
/// (<c>event=mcp_tool_call</c>, <c>transport=orchestrator</c>, with the <c>task_id</c>) and counted
/// like an MCP client's. A signal it submits is signed with the agent's name and goes through
/// consolidation and risk like any other.</para>
/// <para>Limits per task: <see cref="OrchestratorAgentOptions.MaxSteps"/> model calls and
/// <see cref="OrchestratorAgentOptions.MaxTaskTokens"/> input + output tokens (as the model reports
/// them): when the model still asks for tools past either, those calls are not run (audited as
/// refused) and the task stops with what it has; each model call is bounded by the model's timeout.
/// The answer says when and why it stopped early.</para>
/// <para>At most <see cref="MaxConcurrentTasks"/> tasks run at once; another is refused as busy.
/// Runs on the caller's thread (the control API's or the MCP server's request), on the slow path.</para>
/// </remarks>
public sealed class OrchestratorAgent : IDisposable
{
    /// <summary>The <c>transport</c> its tool calls are audited and counted under.</summary>
    public const string Transport = "orchestrator";

    /// <summary>Longest task text, in characters.</summary>
    public const int MaxTaskLength = 4_000;

    /// <summary>Tasks that may run at once.</summary>
    public const int MaxConcurrentTasks = 2;

    /// <summary>The answer to a task when agent_model.yaml has no orchestrator.</summary>
    public const string NotConfigured = "no orchestrator agent: add an entry with role: orchestrator to agent_model.yaml (provider, model, endpoint; max_steps, max_task_tokens) and restart";

    /// <summary>The answer to a task when <see cref="MaxConcurrentTasks"/> run already.</summary>
    public static readonly string BusyMessage = string.Create(CultureInfo.InvariantCulture, $"the orchestrator agent is busy with {MaxConcurrentTasks} tasks; try again when one has answered");

    private const int LoggedTaskLength = 200;

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Mcp");

    private readonly OrchestratorAgentOptions _options;
    private readonly IChatClient _chat;
    private readonly McpToolDispatcher _dispatcher;
    private readonly Logger _audit;
    private readonly SemaphoreSlim _slots = new(MaxConcurrentTasks, MaxConcurrentTasks);
    private long _tasks;

    /// <param name="options">Its name, limits and prompt.</param>
    /// <param name="chat">The model (<c>LlmChatClients.Create</c>); the agent disposes it.</param>
    /// <param name="tools">Its tools (<see cref="OrchestratorMcpTools.ForOrchestrator"/>).</param>
    /// <param name="count">The MCP tool-call counter (metrics), called for each of its tool calls.</param>
    /// <param name="audit">Where its audit lines go; the <c>Orchestrator.Mcp</c> logger unless given (tests).</param>
    public OrchestratorAgent(OrchestratorAgentOptions options, IChatClient chat, IReadOnlyList<McpTool> tools, Action<string, string, bool>? count = null, Logger? audit = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(tools);
        _options = options;
        _chat = chat;
        _audit = audit ?? s_logger;
        _dispatcher = new McpToolDispatcher([.. tools.Where(t => t.Name != OrchestratorMcpTools.AskOrchestratorTool)], count, _audit);
    }

    /// <summary>The agent's name (agent_model.yaml entry): its signals' source.</summary>
    public string Name => _options.Name;

    /// <summary>Whether it has a tool that acts (submit_signal, send_agent_message, engage_kill_switch).</summary>
    public bool CanTrade => _dispatcher.Tools.Any(t => !t.ReadOnly);

    /// <summary>The names of its tools.</summary>
    public IEnumerable<string> ToolNames => _dispatcher.Tools.Select(t => t.Name);

    /// <summary>
    /// Runs <paramref name="task"/> to an answer. With <paramref name="allowTrading"/> false (an MCP
    /// client without trading tools asked) the task gets the read-only tools only, whatever the agent
    /// has. Null when <see cref="MaxConcurrentTasks"/> tasks run already (busy). Model failures and
    /// limits end the task with an answer saying so; only <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<OrchestratorAnswer?> AskAsync(string task, bool allowTrading, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        if (!await _slots.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            string id = string.Create(CultureInfo.InvariantCulture, $"orch-{Interlocked.Increment(ref _tasks)}-{Guid.NewGuid().ToString("N")[..8]}");
            McpTool[] offered = [.. _dispatcher.Tools.Where(t => allowTrading || t.ReadOnly)];
            var run = new OrchestratorTaskRun(id, _options, _dispatcher, [.. offered.Select(t => t.Name)]);
            ChatResponse? response = null;
            try
            {
                // Per task: the budget client counts this task's calls and tokens; the invoker runs its tools.
                using var invoker = new FunctionInvokingChatClient(new OrchestratorTaskClient(_chat, run))
                {
                    MaximumIterationsPerRequest = Math.Max(1, _options.MaxSteps), // a backstop: the task client stops first
                    IncludeDetailedErrors = false,
                };
                var chatOptions = new ChatOptions
                {
                    Tools = [.. offered.Select(t => (AITool)new McpToolFunction(t, run))],
                    ToolMode = ChatToolMode.Auto,
                    Temperature = _options.Temperature,
                    MaxOutputTokens = _options.MaxOutputTokens,
                };
                response = await invoker.GetResponseAsync([new ChatMessage(ChatRole.System, SystemPrompt(offered)), new ChatMessage(ChatRole.User, task)], chatOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _audit.Warn("Orchestrator task {0} canceled by its caller after {1} model call(s) and {2} tool call(s)", id, run.Steps, run.ToolCalls.Count);
                throw;
            }

            OrchestratorAnswer answer = run.Finish(response?.Text ?? string.Empty);
            Log(answer, task);
            return answer;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _chat.Dispose();
        _slots.Dispose();
    }

    private string SystemPrompt(McpTool[] offered)
    {
        bool trading = offered.Any(t => !t.ReadOnly);
        string rules = string.Create(CultureInfo.InvariantCulture, $"""

            You are {_options.Name}, the orchestrator agent of a trading daemon. Answer the operator's task by calling the tools you are given; never invent figures a tool can tell you.
            {(trading
                ? "You may submit signals (submit_signal) and message agents: a signal is a proposal that consolidation, the risk manager and sizing still decide on. Act only when the task asks for it."
                : "You have read-only tools in this task: you cannot trade or message agents. If the task asks for a trade, say what you would do and that trading tools are off.")}
            You have at most {_options.MaxSteps} model calls and {_options.MaxTaskTokens} tokens for this task: prefer few, precise tool calls. Finish with a short plain-text answer.
            """);
        return (_options.SystemPrompt is { Length: > 0 } own ? own.TrimEnd() + "\n" : string.Empty) + rules.TrimStart('\n');
    }

    private void Log(OrchestratorAnswer answer, string task)
    {
        string clipped = SignalLimits.EscapeUnsafe(task.Length > LoggedTaskLength ? task[..LoggedTaskLength] + "…" : task);
        var info = LogEventInfo.Create(answer.Stopped is null ? LogLevel.Info : LogLevel.Warn, _audit.Name,
            string.Create(CultureInfo.InvariantCulture, $"Orchestrator task {answer.TaskId} ({_options.Name}): {answer.Steps} model call(s), {answer.InputTokens}+{answer.OutputTokens} tokens, {answer.ToolCalls.Count} tool call(s){(answer.Stopped is null ? string.Empty : ", stopped early: " + answer.Stopped)}; task: {clipped}"));
        info.Properties["event"] = "orchestrator_task";
        info.Properties["agent"] = _options.Name;
        info.Properties["task_id"] = answer.TaskId;
        info.Properties["steps"] = answer.Steps;
        info.Properties["input_tokens"] = answer.InputTokens;
        info.Properties["output_tokens"] = answer.OutputTokens;
        info.Properties["tool_calls"] = answer.ToolCalls.Count;
        info.Properties["stopped"] = answer.Stopped ?? string.Empty;
        info.Properties["task"] = clipped;
        _audit.Log(info);
    }
}
