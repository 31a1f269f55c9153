using NLog;
using NLog.Targets;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Mcp;
using Orchestrator.Daemon.Orchestration;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Tests.Orchestration;

/// <summary>
/// A running paper session, a fake model server on loopback and an orchestrator agent over the
/// session's MCP tools, talking to the fake server in one wire format through the real client
/// (<see cref="LlmChatClients.Create"/>); its audit lines go to <see cref="Audit"/>.
/// </summary>
internal sealed class OrchestratorRig : IAsyncDisposable
{
    public const string AgentName = "planner";

    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private readonly LogFactory _logs;

    private OrchestratorRig(TradingSession session, FakeModelServer model, LogFactory logs, MemoryTarget audit)
    {
        Session = session;
        Model = model;
        _logs = logs;
        Audit = audit;
        Context = new McpToolContext(session, null, new RecentSignals(), new Agents.State.EngineSignalPublisher(session.Engine, () => session.LastEventTimeNs));
    }

    public TradingSession Session { get; }

    public FakeModelServer Model { get; }

    /// <summary>The audit lines: <c>event|task_id|tool|outcome|message</c>.</summary>
    public MemoryTarget Audit { get; }

    public McpToolContext Context { get; }

    public static async Task<OrchestratorRig> StartAsync()
    {
        var session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 500, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        session.Start("test");
        FakeModelServer model = await FakeModelServer.StartAsync();
        var audit = new MemoryTarget { Layout = "${event-properties:event}|${event-properties:task_id}|${event-properties:tool}|${event-properties:outcome}|${message}" };
        var logs = new LogFactory();
        logs.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(audit));
        return new OrchestratorRig(session, model, logs, audit);
    }

    /// <summary>
    /// An orchestrator agent speaking <paramref name="format"/> to the fake server, with the tools
    /// <paramref name="mcp"/> gives it (default: the committed read-only MCP settings).
    /// </summary>
    public OrchestratorAgent Agent(ModelWireFormat format, McpConfig? mcp = null, int maxSteps = 8, int maxTaskTokens = 50_000, TimeSpan? timeout = null)
    {
        var llm = new LlmStrategyOptions
        {
            Provider = format == ModelWireFormat.Anthropic ? LlmProvider.Anthropic : LlmProvider.OpenAiCompatible,
            Endpoint = format == ModelWireFormat.Anthropic ? Model.AnthropicBaseUrl : Model.OpenAiBaseUrl,
            Model = "fake-orchestrator",
            AgentName = AgentName,
            ApiKey = "sk-orchestrator-secret",
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
            UseJsonResponseFormat = false,
            MaxOutputTokens = 512,
        };
        var options = new OrchestratorAgentOptions
        {
            Name = AgentName,
            MaxSteps = maxSteps,
            MaxTaskTokens = maxTaskTokens,
            CallTimeout = llm.Timeout,
            MaxOutputTokens = llm.MaxOutputTokens,
            ApiKey = llm.ApiKey,
        };
        IReadOnlyList<McpTool> tools = OrchestratorMcpTools.ForOrchestrator(mcp ?? new McpConfig(), Context with { SignalSource = AgentName });
        return new OrchestratorAgent(options, LlmChatClients.Create(llm), tools, audit: _logs.GetLogger("Orchestrator.Mcp"));
    }

    /// <summary>MCP settings with the trading tools enabled and listed.</summary>
    public static McpConfig Trading => new() { Tools = [.. McpTools.ReadOnly, .. McpTools.Trading], TradingToolsEnabled = true };

    /// <summary>The audit lines of the tool calls of task <paramref name="taskId"/>.</summary>
    public IReadOnlyList<string> ToolCallLines(string taskId) =>
        [.. Audit.Logs.Where(l => l.StartsWith("mcp_tool_call|" + taskId + "|", StringComparison.Ordinal))];

    /// <summary>Waits until the first symbol has a price, then buys it as agent <c>alpha</c> and waits for the fill: the account holds a position.</summary>
    public async Task HoldAPositionAsync()
    {
        await Waits.UntilAsync(() => Session.LastEventTimeNs > 0 && Session.Engine.Market.LastRaw(0) > 0, "market data", HangGuard);
        Session.Engine.PublishSignal(0, Core.Side.Buy, 950_000, 0, 1, "alpha", "test", Session.LastEventTimeNs);
        await Waits.UntilAsync(() => Control.TradingQueries.Positions(Session).Any(p => p.Quantity > 0), "alpha's buy filled", HangGuard);
    }

    /// <summary>Signals agent <paramref name="name"/> has sent, as the engine's agent book counts them.</summary>
    public long SignalsOf(string name)
    {
        var copy = new AgentBookCopy();
        Session.Engine.Agents.Read(copy);
        return copy.IndexOf(name) is int i and >= 0 ? copy.Signals[i] : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await Model.DisposeAsync();
        Session.Stop();
        Session.Dispose();
        _logs.Dispose();
    }
}
