using ModelContextProtocol;
using ModelContextProtocol.Client;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>The committed default: read-only tools, trading tools off — they are neither listed nor callable.</summary>
public sealed class McpTradingToolsDisabledTests(McpTradingToolsDisabledTests.ReadOnlyDaemon daemon) : IClassFixture<McpTradingToolsDisabledTests.ReadOnlyDaemon>
{
    [Fact]
    public async Task TradingTools_AreAbsentFromToolsList()
    {
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        IList<McpClientTool> tools = await daemon.Client.ListToolsAsync(cancellationToken: guard.Token);
        Assert.Equal(McpTools.ReadOnly.Where(t => t != OrchestratorMcpTools.AskOrchestratorTool).Order(StringComparer.Ordinal), tools.Select(t => t.Name).Order(StringComparer.Ordinal)); // no orchestrator agent here
        Assert.DoesNotContain(tools, t => McpTools.Trading.Contains(t.Name));
    }

    [Theory]
    [InlineData("submit_signal")]
    [InlineData("send_agent_message")]
    [InlineData("engage_kill_switch")]
    public async Task TradingTools_CannotBeCalled_AndNothingReachesTheEngine(string tool)
    {
        await Assert.ThrowsAsync<McpProtocolException>(() => daemon.CallAsync(tool, new Dictionary<string, object?>
        {
            ["symbol"] = "AAPL", ["side"] = "BUY", ["confidence"] = 0.9m, ["reason"] = "must not happen",
        }));
        Assert.False((await daemon.CallOkAsync("get_system_status")).GetProperty("kill_switch").GetBoolean());
        Assert.DoesNotContain((await daemon.CallOkAsync("get_recent_signals")).GetProperty("signals").EnumerateArray(), s => s.GetProperty("source").GetString() == "mcp");
    }

    /// <summary>stdio, the committed mcp_integration.yaml's tool list with trading_tools_enabled: false.</summary>
    public sealed class ReadOnlyDaemon() : StdioDaemonFixture("enabled: true\ntransport: stdio\ntrading_tools_enabled: false\n");
}
