using Orchestrator.Daemon.Display;
using Spectre.Console.Testing;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The dashboard's external agents (issue 17, item 2): a table (full) and a line (compact), only when there are any.</summary>
public sealed class ExternalAgentPanelTests
{
    private static DashboardView WithExternal(string mode) => DashboardRendererTests.KnownView(mode) with
    {
        ExternalAgents =
        [
            new ExternalAgentView("py_sma", true, TimeSpan.FromSeconds(2), 17),
            new ExternalAgentView("gone_agent", false, TimeSpan.FromSeconds(95), 0),
        ],
    };

    private static string Render(DashboardView view, int width)
    {
        var console = new TestConsole().Width(width);
        console.Write(DashboardRenderer.Render(view, width, int.MaxValue));
        return console.Output;
    }

    [Fact]
    public void FullMode_ListsEachExternalAgent_ConnectedLastLineAgeAndDropped()
    {
        string[] lines = Render(WithExternal("full"), 160).Split('\n');

        Assert.Contains(lines, l => l.Contains(" External agents ", StringComparison.Ordinal));
        Assert.Matches(@"py_sma\s+│ yes\s+│ 2s ago\s+│ 17", Assert.Single(lines, l => l.Contains("py_sma", StringComparison.Ordinal)));
        Assert.Matches(@"gone_agent\s+│ no\s+│ 95s ago\s+│ 0", Assert.Single(lines, l => l.Contains("gone_agent", StringComparison.Ordinal)));
        Assert.DoesNotContain("External agents", Render(DashboardRendererTests.KnownView("full"), 160), StringComparison.Ordinal); // none: no table
    }

    [Fact]
    public void CompactMode_HasOneExternalLine()
    {
        string output = Render(WithExternal("compact"), 120);

        Assert.Contains("External py_sma up 2s ago drop 17  gone_agent down 95s ago drop 0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("External", Render(DashboardRendererTests.KnownView("compact"), 120), StringComparison.Ordinal);
    }
}
