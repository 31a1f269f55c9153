using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>Issue 19: the control API, MCP get_portfolio and the status line show each currency's figures.</summary>
public sealed class CurrencyFiguresTests
{
    [Fact]
    public void PortfolioStatusAndStatusLine_ShowEachCurrency_EquityInTheBase()
    {
        SessionOptions options = DaemonCli.BuildOptions(seed: 3, ticksPerSecond: 50, WaitStrategyKind.Blocking);
        options = options with
        {
            Engine = options.Engine with
            {
                Symbols = ["AAPL", "005930"],
                StartingCash = 100_000m,
                BaseCurrency = "USD",
                FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.00075m },
                StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = 10_000_000m },
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false }, // no orders: the figures stay the starting ones
            },
        };
        using var session = new TradingSession(options, NullAuditWriter.Instance);
        session.Start("test");

        PortfolioSummary portfolio = TradingQueries.Portfolio(session);
        Assert.Equal("USD", portfolio.BaseCurrency);
        Assert.Equal(100_000m, portfolio.Cash);
        Assert.Equal(107_500m, portfolio.Equity);
        Assert.Equal(0m, portfolio.TotalPnl); // against the starting equity of both currencies, not the base's cash alone
        Assert.Equal(["USD", "KRW"], portfolio.Currencies.Select(c => c.Currency));
        CurrencyFigures krw = portfolio.Currencies[1];
        Assert.Equal((0.00075m, 10_000_000m, 10_000_000m), (krw.FxRate, krw.Cash, krw.Equity));

        SessionStatus status = TradingQueries.Status(session);
        Assert.Equal(10_000_000m, status.Currencies[1].Cash);
        Assert.Contains(" equity=$107500 cash=$100000 cash_KRW=₩10000000 pnl_KRW=₩0 pnl=$0 day_pnl=$0 ", session.StatusLine(), StringComparison.Ordinal); // each figure in its own currency (issue 19)
        session.Stop();
    }

    [Fact]
    public void OneCurrency_StatusLineIsAsBefore()
    {
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 3, ticksPerSecond: 50, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        session.Start("test");
        Assert.DoesNotContain("cash_", session.StatusLine(), StringComparison.Ordinal);
        Assert.Equal("USD", Assert.Single(TradingQueries.Portfolio(session).Currencies).Currency);
        session.Stop();
    }
}
