using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Backtest.Tests;

/// <summary>
/// Issue 19: a backtest of a fractional symbol (AAPL in 10^−2 shares) reports its round trips, per-symbol figures and
/// orders log in shares, with the P&amp;L of the shares traded (not of as many shares as it has units).
/// </summary>
public sealed class FractionalReportTests : IDisposable
{
    private static readonly DateTimeOffset s_day0 = new(2024, 1, 2, 15, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bt-frac-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripPerSymbolAndOrdersLog_AreInShares()
    {
        // 1% of 10,000 USD = 100 USD an order: 0.66 AAPL at 150; bought at 150, sold at 165: +9.90.
        var runner = new BacktestRunner(new BacktestOptions
        {
            Engine = new EngineOptions
            {
                Symbols = ["AAPL"],
                StartingCash = 10_000m,
                Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 2 } },
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
                Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m },
                Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.01m, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
                Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            },
            Paper = new PaperExchangeOptions { SymbolCount = 1, SlippageBps = 0 },
            Signals = [new(Ns(s_day0.AddMinutes(30)), "AAPL", Side.Buy, 0.9m, 0), new(Ns(s_day0.AddDays(1).AddMinutes(30)), "AAPL", Side.Sell, 0.9m, 0)],
        });

        BacktestResult result;
        using (var reader = new MarketDataFileReader(Bars(), runner.Engine.Symbols))
        {
            result = runner.Run(reader);
        }

        BacktestReport report = BacktestMetrics.Compute(result);
        RoundTripTrade trade = Assert.Single(report.Trades);
        Assert.Equal(0.66m, trade.Quantity);
        Assert.Equal(9.9m, trade.RealizedPnl);
        Assert.Equal(0m, report.PerSymbol.Single().FinalPosition);
        Assert.Equal(9.9m, report.PerSymbol.Single().RealizedPnl);

        using var log = new MemoryStream();
        OrdersLogWriter.Write(result, log);
        decimal[] quantities = [.. Encoding.UTF8.GetString(log.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.TryGetProperty("qty", out _)).Select(e => e.GetProperty("qty").GetDecimal())];
        Assert.NotEmpty(quantities);
        Assert.All(quantities, q => Assert.Equal(0.66m, q));
    }

    private static long Ns(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks * 100;

    private string Bars()
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal[] closes = [150m, 150m, 165m, 165m];
        for (int i = 0; i < closes.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s_day0.AddDays(i):yyyy-MM-ddTHH:mm:ssZ},AAPL,{closes[i]},{closes[i]},{closes[i]},{closes[i]},1000000\n");
        }

        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}
