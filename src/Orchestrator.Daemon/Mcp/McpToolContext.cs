using Orchestrator.Agents.State;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Orchestration;

namespace Orchestrator.Daemon.Mcp;

/// <summary>What the MCP tools read and act through: the same session, agents, recent signals and signal publisher as the control API, dashboard and agents.</summary>
/// <param name="Session">The running session.</param>
/// <param name="Agents">The agents (indicators, backtests, health); null when daemon.yaml turns them off.</param>
/// <param name="Signals">The latest signals and their fates, from the audit stream.</param>
/// <param name="Publisher">Checked signal submission into the engine (the agents' own when they run).</param>
public sealed record McpToolContext(TradingSession Session, AgentHost? Agents, RecentSignals Signals, ISignalPublisher Publisher)
{
    /// <summary>Whom <c>submit_signal</c>'s signals are signed by: <c>mcp</c>, or the orchestrator agent's name when its tools run.</summary>
    public string SignalSource { get; init; } = OrchestratorMcpTools.SignalSource;

    /// <summary>The orchestrator agent <c>ask_orchestrator</c> hands tasks to; null when agent_model.yaml has none (the tool is then not listed).</summary>
    public OrchestratorAgent? Orchestrator { get; init; }

    /// <summary>
    /// Whether the MCP client may trade (mcp_integration.yaml <c>trading_tools_enabled</c>): a task it
    /// gives <c>ask_orchestrator</c> runs with the orchestrator's trading tools only then.
    /// </summary>
    public bool TradingToolsEnabled { get; init; }
}
