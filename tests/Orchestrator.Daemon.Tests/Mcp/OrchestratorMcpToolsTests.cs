using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>Which tools a configuration exposes, independent of the loader's checks (defence in depth).</summary>
public sealed class OrchestratorMcpToolsTests
{
    // Selecting tools builds their definitions only; nothing here touches the session.
    private static readonly McpToolContext s_context = new(null!, null, new RecentSignals(), null!);

    [Fact]
    public void EveryKnownTool_HasADefinition_InTheConfigOrder()
    {
        Assert.Equal(McpTools.ReadOnly.Concat(McpTools.Trading), OrchestratorMcpTools.All(s_context).Select(t => t.Name));
        Assert.All(OrchestratorMcpTools.All(s_context), t => Assert.Equal(!McpTools.Trading.Contains(t.Name), t.ReadOnly));
    }

    [Fact]
    public void TradingTools_ListedWithoutTheSwitch_AreNotExposed()
    {
        var config = new McpConfig { Tools = ["get_portfolio", "submit_signal", "engage_kill_switch"], TradingToolsEnabled = false }; // a hand-built config the loader would refuse
        Assert.Equal(["get_portfolio"], OrchestratorMcpTools.Select(config, s_context).Select(t => t.Name));
        Assert.Equal(["get_portfolio", "submit_signal", "engage_kill_switch"], OrchestratorMcpTools.Select(config with { TradingToolsEnabled = true }, s_context).Select(t => t.Name));
    }

    [Fact]
    public void OnlyListedTools_AreExposed()
    {
        var config = new McpConfig { Tools = ["get_positions", "run_backtest"], TradingToolsEnabled = true };
        Assert.Equal(["get_positions", "run_backtest"], OrchestratorMcpTools.Select(config, s_context).Select(t => t.Name));
    }
}
