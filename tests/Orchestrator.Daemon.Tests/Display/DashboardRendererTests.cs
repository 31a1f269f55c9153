using Orchestrator.Agents.Health;
using Orchestrator.Daemon.Display;
using Spectre.Console.Testing;

namespace Orchestrator.Daemon.Tests.Display;

/// <summary>The dashboard is a pure function of its view: a known view renders to known text.</summary>
public sealed class DashboardRendererTests
{
    internal static DashboardView KnownView(string mode) => new()
    {
        Mode = mode,
        Now = new DateTimeOffset(2026, 11, 25, 17, 44, 47, TimeSpan.Zero),
        MarketTimeNs = 1_735_828_291_000_000_000, // 2025-01-02 14:31:31 UTC: a replayed market runs on its own clock
        KillSwitch = false,
        Account = new AccountView(Cash: 98_565.65m, Equity: 100_250.40m, DayPnl: 250.40m, TotalPnl: -120.5m),
        Positions =
        [
            new PositionView("AAPL", 8, 175.53m, 176.10m, 4.56m),
            new PositionView("NVDA", -12, 121.36m, 122.00m, -7.68m),
        ],
        OpenOrders = [new OrderView(1000000000034, "GOOGL", "BUY", 9, 4, 165.5m, "PartiallyFilled")],
        Signals =
        [
            new SignalView(1_735_828_291_000_000_000, "GOOGL", "BUY", "momentum", 0.75m, SignalFate.Executed, "#1000000000034"),
            new SignalView(1_735_828_290_000_000_000, "AMZN", "SELL", "rsi_reversion", 0.6m, SignalFate.Rejected, "NoPosition"),
            new SignalView(1_735_828_289_000_000_000, "AAPL", "BUY", "llm-agent", 0.9m, SignalFate.Filled, "#1000000000032"),
        ],
        Components =
        [
            new ComponentView("engine", HealthState.Healthy, "954 events"),
            new ComponentView("market_data", HealthState.Degraded, "kis-md Reconnecting"),
            new ComponentView("broker", HealthState.Unhealthy, "circuit open"),
            new ComponentView("strategy_agent", HealthState.Unknown, string.Empty),
        ],
        Performance = new PerformanceView(0.0025, 1.234, 0.0031, 120),
        Engine = new EngineView(954, 240, 3.1, 45.25, 0.02, 10, 0),
    };

    private static string Render(DashboardView view, int width, int height = int.MaxValue)
    {
        var console = new TestConsole().Width(width);
        console.Write(DashboardRenderer.Render(view, width, height));
        return string.Join('\n', console.Output.Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n');
    }

    [Fact]
    public void Render_FullMode_ShowsEverySectionOfAKnownView()
    {
        const string expected = """
            Orchestrator wall 2026-11-25 17:44:47 UTC  market 2025-01-02 14:31:31 UTC
                                               Account                                                                       Latest signals
            ╭───────────────────┬─────────────────────┬───────────────┬──────────────────╮  ╭───────────┬─────────┬──────┬───────────────┬───────┬─────────────────────────╮
            │ Cash              │ Equity              │ Day P&L       │ Total P&L        │  │ Time      │ Symbol  │ Side │ Source        │ Conf. │ Fate                    │
            ├───────────────────┼─────────────────────┼───────────────┼──────────────────┤  ├───────────┼─────────┼──────┼───────────────┼───────┼─────────────────────────┤
            │ 98,565.65         │ 100,250.40          │ +250.40       │ -120.50          │  │ 14:31:31  │ GOOGL   │ BUY  │ momentum      │ 0.75  │ executed #1000000000034 │
            ╰───────────────────┴─────────────────────┴───────────────┴──────────────────╯  │ 14:31:30  │ AMZN    │ SELL │ rsi_reversion │ 0.60  │ rejected NoPosition     │
                                              Positions                                     │ 14:31:29  │ AAPL    │ BUY  │ llm-agent     │ 0.90  │ filled #1000000000032   │
            ╭─────────────┬───────┬────────────────┬────────────┬────────────────────────╮  ╰───────────┴─────────┴──────┴───────────────┴───────┴─────────────────────────╯
            │ Symbol      │ Qty   │ Avg cost       │ Last       │ Unrealized P&L         │                                   System status
            ├─────────────┼───────┼────────────────┼────────────┼────────────────────────┤  ╭──────────────────────────┬─────────────────┬─────────────────────────────────╮
            │ AAPL        │ 8     │ 175.53         │ 176.10     │ +4.56                  │  │ Component                │ State           │ Detail                          │
            │ NVDA        │ -12   │ 121.36         │ 122.00     │ -7.68                  │  ├──────────────────────────┼─────────────────┼─────────────────────────────────┤
            ╰─────────────┴───────┴────────────────┴────────────┴────────────────────────╯  │ engine                   │ healthy         │ 954 events                      │
                                           Open orders (1)                                  │ market_data              │ degraded        │ kis-md Reconnecting             │
            ╭────────────────┬─────────┬───────┬─────┬────────┬────────┬─────────────────╮  │ broker                   │ unhealthy       │ circuit open                    │
            │ Id             │ Symbol  │ Side  │ Qty │ Filled │ Limit  │ Status          │  │ strategy_agent           │ unknown         │                                 │
            ├────────────────┼─────────┼───────┼─────┼────────┼────────┼─────────────────┤  ╰──────────────────────────┴─────────────────┴─────────────────────────────────╯
            │ 1000000000034  │ GOOGL   │ BUY   │ 9   │ 4      │ 165.50 │ PartiallyFilled │                                    Performance
            ╰────────────────┴─────────┴───────┴─────┴────────┴────────┴─────────────────╯  ╭─────────┬─────────┬─────────┬────────────┬────────┬─────────┬──────┬─────────╮
                                                                                            │ Return  │ Sharpe  │ Max DD  │ Events/s   │ p50    │ p99     │ Ring │ Rejects │
                                                                                            ├─────────┼─────────┼─────────┼────────────┼────────┼─────────┼──────┼─────────┤
                                                                                            │ 0.25%   │ 1.23    │ 0.31%   │ 240        │ 3.1us  │ 45.3us  │ 2%   │ 10      │
                                                                                            ╰─────────┴─────────┴─────────┴────────────┴────────┴─────────┴──────┴─────────╯
            """;
        Assert.Equal(expected, Render(KnownView("full"), 160));
    }

    [Fact]
    public void Render_CompactMode_IsOnePanelOfTheKeyLines()
    {
        const string expected = """
            ┌─Orchestrator wall 2026-11-25 17:44:47 UTC  market 2025-01-02 14:31:31 UTC────────────────────────┐
            │ Equity 100,250.40  Cash 98,565.65  Day P&L +250.40  Total P&L -120.50                            │
            │ Positions 2  Open orders 1  Last signal GOOGL BUY executed #1000000000034                        │
            │ Return 0.25%  Sharpe 1.23  Max DD 0.31%                                                          │
            │ Engine 240 ev/s  p50 3.1us  p99 45.3us  ring 2%  rejects 10                                      │
            │ engine healthy  market_data degraded  broker unhealthy  strategy_agent unknown                   │
            └──────────────────────────────────────────────────────────────────────────────────────────────────┘
            """;
        Assert.Equal(expected, Render(KnownView("compact"), 100));
    }

    [Fact]
    public void Render_KillSwitchEngaged_SaysSoInTheHeader()
    {
        string text = Render(KnownView("compact") with { KillSwitch = true }, 100);
        Assert.Contains("KILL SWITCH ENGAGED", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OnAColourTerminal_ColoursEachHealthStateDifferently()
    {
        var console = new TestConsole().Colors(Spectre.Console.ColorSystem.Standard).EmitAnsiSequences().Width(100);
        console.Write(DashboardRenderer.Render(KnownView("compact")));
        string output = console.Output;

        Assert.Equal(4, new[] { "healthy", "degraded", "unhealthy", "unknown" }.Select(word => ColourBefore(output, word)).Distinct().Count());
    }

    [Fact]
    public void Render_FullModeOnANarrowConsole_StacksTheTables_SoNoHeaderIsCutShort()
    {
        string text = Render(KnownView("full"), 80);
        string[] order = ["Account", "Positions", "Open orders (1)", "Latest signals", "System status", "Performance"];
        int[] at = [.. order.Select(title => text.IndexOf(title, StringComparison.Ordinal))];
        Assert.All(at, i => Assert.True(i >= 0));
        Assert.Equal(at.Order(), at); // one column, top to bottom
        foreach (string header in new[] { "Return", "Sharpe", "Max DD", "Events/s", "Rejects", "strategy_agent", "executed #1000000000034" })
        {
            Assert.Contains(header, text, StringComparison.Ordinal); // whole, not wrapped or cut to "R…"
        }
    }

    /// <summary>A busy session: more positions, orders, signals and components than any small terminal holds.</summary>
    private static DashboardView BusyView()
    {
        DashboardView known = KnownView("full");
        return known with
        {
            Positions = [.. Enumerable.Range(0, 12).Select(i => new PositionView("SYM" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), 10 + i, 100m + i, 101m + i, 10m))],
            OpenOrders = [.. Enumerable.Range(0, 10).Select(i => new OrderView(1000000000100 + i, "GOOGL", "BUY", 9, 0, 165.5m, "Working"))],
            Signals = [.. Enumerable.Range(0, 10).Select(i => known.Signals[i % known.Signals.Count])],
            Components = [.. known.Components, new ComponentView("gateway", HealthState.Healthy, "2 clients"), new ComponentView("data_agent", HealthState.Healthy, "ok")],
        };
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(100, 40)]
    [InlineData(160, 50)]
    public void Render_FullMode_FitsTheTerminal_AndKeepsTheAccountAndPositionsOnScreen(int width, int height)
    {
        // Issue 15 item 30: at 80x24 and 100x40 the account and positions scrolled off the top.
        string text = Render(BusyView(), width, height);
        string[] lines = text.Split('\n');

        Assert.True(lines.Length <= height, $"{lines.Length} lines on a {height}-line terminal:\n{text}");
        Assert.Contains("98,565.65", text, StringComparison.Ordinal); // the account's cash
        Assert.Contains("100,250.40", text, StringComparison.Ordinal); // and equity
        Assert.Contains("SYM00", text, StringComparison.Ordinal); // the first position
        Assert.Contains("Positions", text, StringComparison.Ordinal);
        Assert.Contains("market 2025-01-02 14:31:31 UTC", lines[0], StringComparison.Ordinal); // both clocks, named
        Assert.Contains("wall 2026-11-25 17:44:47 UTC", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_FullMode_WhenPositionsDoNotAllFit_SaysHowManyMore()
    {
        string text = Render(BusyView(), 80, 24);
        Assert.Contains("Account", text, StringComparison.Ordinal);
        Assert.Matches(@"… \d+ more", text);
    }

    [Fact]
    public void EquitySeries_OnMarketTime_AnnualisesWithTheMarketsSpacing()
    {
        // Four samples one market minute apart (the wall clock between the frames does not matter).
        const long minuteNs = 60_000_000_000L;
        long t0 = 1_735_828_200_000_000_000;
        decimal[] equity = [100_000m, 101_000m, 100_500m, 102_000m];
        var series = new EquitySeries(100_000m);
        for (int i = 0; i < equity.Length; i++)
        {
            series.Add(t0 + (i * minuteNs), Core.FixedPoint.FromDecimal(equity[i]));
        }

        double[] r = [.. Enumerable.Range(1, equity.Length - 1).Select(i => (double)(equity[i] / equity[i - 1]) - 1.0)];
        double mean = r.Average();
        double stdev = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
        double periodsPerYear = 365.25 * 24 * 60; // one period a market minute
        double expected = mean / stdev * Math.Sqrt(periodsPerYear);

        PerformanceView p = series.Measure();
        Assert.NotNull(p.Sharpe);
        Assert.Equal(expected, p.Sharpe!.Value, 6);
        Assert.Equal(0.02, p.CumulativeReturn!.Value, 9);
    }

    [Fact]
    public void Render_TextFromOutside_IsNotTakenAsMarkup()
    {
        DashboardView view = KnownView("full") with { Components = [new ComponentView("feed[1]", HealthState.Healthy, "odd [bold]detail[/]")] };
        string text = Render(view, 160);
        Assert.Contains("feed[1]", text, StringComparison.Ordinal);
        Assert.Contains("odd [bold]detail[/]", text, StringComparison.Ordinal);
    }

    /// <summary>The last escape sequence before the first whole-word occurrence of <paramref name="word"/>.</summary>
    private static string ColourBefore(string output, string word)
    {
        int at = output.IndexOf("m" + word + "\u001b", StringComparison.Ordinal);
        Assert.True(at > 0, word + " is not coloured");
        int escape = output.LastIndexOf('\u001b', at);
        return output[escape..(at + 1)];
    }
}
