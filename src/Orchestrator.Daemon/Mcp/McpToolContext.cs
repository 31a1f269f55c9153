using Orchestrator.Agents.State;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Mcp;

/// <summary>What the MCP tools read and act through: the same session, agents, recent signals and signal publisher as the control API, dashboard and agents.</summary>
/// <param name="Session">The running session.</param>
/// <param name="Agents">The agents (indicators, backtests, health); null when daemon.yaml turns them off.</param>
/// <param name="Signals">The latest signals and their fates, from the audit stream.</param>
/// <param name="Publisher">Checked signal submission into the engine (the agents' own when they run).</param>
public sealed record McpToolContext(TradingSession Session, AgentHost? Agents, RecentSignals Signals, ISignalPublisher Publisher);
