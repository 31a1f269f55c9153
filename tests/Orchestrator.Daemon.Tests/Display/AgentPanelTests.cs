using Orchestrator.Daemon.Display;
using Orchestrator.Engine.State;
using Spectre.Console.Testing;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The dashboard's per-agent panel (full) and line (compact).</summary>
public sealed class AgentPanelTests
{
    private static DashboardView WithAgents(string mode) => DashboardRendererTests.KnownView(mode) with
    {
        Agents =
        [
            new AgentFigures("sma_agent", "external", 12, 9, 9, new Dictionary<string, long> { ["AgentRateLimit"] = 2, ["LowConfidence"] = 1 }, 41.5m, -3.25m, 0.9m, []),
            new AgentFigures("exits", "exits", 1, 1, 1, new Dictionary<string, long>(), -7m, 0m, 0.1m, []),
        ],
    };

    private static string Render(DashboardView view, int width)
    {
        var console = new TestConsole().Width(width);
        console.Write(DashboardRenderer.Render(view, width, int.MaxValue));
        return console.Output;
    }

    [Fact]
    public void FullMode_HasAnAgentsTable_WithEachAgentsCountersAndPnl()
    {
        string[] lines = Render(WithAgents("full"), 160).Split('\n');

        Assert.Contains(lines, l => l.Contains(" Agents ", StringComparison.Ordinal)); // the table's title
        string sma = Assert.Single(lines, l => l.Contains("sma_agent", StringComparison.Ordinal));
        Assert.Matches(@"sma_agent\s+│ external\s+│ 12\s+│ 9\s+│ 9\s+│ 3\s+│ \+41\.50\s+│ -3\.25", sma);
        Assert.Matches(@"exits\s+│ exits\s+│ 1\s+│ 1\s+│ 1\s+│ 0\s+│ -7\.00", Assert.Single(lines, l => l.Contains("│ exits", StringComparison.Ordinal)));
    }

    [Fact]
    public void CompactMode_HasOneAgentsLine_WithEachAgentsTotalPnl()
    {
        string output = Render(WithAgents("compact"), 120);

        Assert.Contains("Agents sma_agent +38.25  exits -7.00", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Agents", Render(DashboardRendererTests.KnownView("compact"), 120), StringComparison.Ordinal); // none yet: no line
    }
}
