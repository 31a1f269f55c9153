using Orchestrator.Daemon.Display;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>When the dashboard may draw: only on an interactive terminal, never headless.</summary>
public sealed class ConsoleDashboardTests
{
    [Theory]
    [InlineData(false, false, null, null, "xterm", true)]
    [InlineData(true, false, null, null, "xterm", false)] // --headless
    [InlineData(false, true, null, null, "xterm", false)] // stdout redirected: a pipe, a file, a test
    [InlineData(false, false, "4f1c", null, "xterm", false)] // systemd service
    [InlineData(false, false, null, "8:1234", "xterm", false)] // stdout is the journal
    [InlineData(false, false, null, null, "dumb", false)]
    public void IsInteractive_DependsOnTheFlagTheTerminalAndSystemd(bool headless, bool redirected, string? invocationId, string? journalStream, string term, bool expected)
    {
        var environment = new Dictionary<string, string?> { ["INVOCATION_ID"] = invocationId, ["JOURNAL_STREAM"] = journalStream, ["TERM"] = term };

        Assert.Equal(expected, ConsoleDashboard.IsInteractive(headless, redirected, name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void EquitySeries_Measure_GivesReturnAndDrawdownOfTheSamples()
    {
        var series = new EquitySeries(100_000m);
        long second = 1_000_000_000;
        series.Add(1 * second, Core.FixedPoint.FromDecimal(100_000m));
        series.Add(2 * second, Core.FixedPoint.FromDecimal(102_000m));
        series.Add(3 * second, Core.FixedPoint.FromDecimal(96_900m)); // 5% under the peak
        series.Add(4 * second, Core.FixedPoint.FromDecimal(101_000m));

        PerformanceView performance = series.Measure();

        Assert.Equal(0.01, performance.CumulativeReturn!.Value, 9);
        Assert.Equal(0.05, performance.MaxDrawdown!.Value, 9);
        Assert.NotNull(performance.Sharpe);
        Assert.Equal(4, performance.Samples);
    }

    [Fact]
    public void EquitySeries_PastItsCapacity_DropsEveryOtherPointAndKeepsTheFirst()
    {
        var series = new EquitySeries(100m, capacity: 16);
        for (int i = 1; i <= 40; i++)
        {
            series.Add(i, Core.FixedPoint.FromDecimal(100m + i));
        }

        Assert.InRange(series.Count, 8, 16);
        Assert.Equal(0.4, series.Measure().CumulativeReturn!.Value, 9); // the last point is always kept
    }
}
