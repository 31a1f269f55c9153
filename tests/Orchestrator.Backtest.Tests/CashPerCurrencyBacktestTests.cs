using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Options;

namespace Orchestrator.Backtest.Tests;

/// <summary>
/// A backtest on an account with KRW and USD (issue 19): the paper venue keeps each currency's cash apart, as the
/// engine does, so a KRX buy paid in KRW fills although it is far above the USD cash.
/// </summary>
public sealed class CashPerCurrencyBacktestTests : IDisposable
{
    private static readonly DateTimeOffset s_day0 = new(2024, 1, 2, 6, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bt-fx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StartingCash_OfTheReport_IsEveryCurrencysCashAtItsRate()
    {
        // No trade: equity stays 10,000 USD + 10,000,000 KRW × 0.00075 = 17,500, so the total return is 0
        // (it was 0.75 when the base of the return was the USD cash alone).
        var runner = new BacktestRunner(Options([]));
        using var reader = new MarketDataFileReader(Bars(), runner.Engine.Symbols);
        BacktestReport report = BacktestMetrics.Compute(runner.Run(reader));

        Assert.Equal(17_500m, report.StartingCash);
        Assert.Equal(0.0, report.TotalReturn);
        Assert.Equal(0.0, report.Benchmark!.TotalReturn);
    }

    [Fact]
    public void KrwAndUsdBuys_FillFromTheirOwnCash_AtTheVenueAndInTheEngine()
    {
        var runner = new BacktestRunner(Options([new(Ns(s_day0.AddHours(1)), "005930", Side.Buy, 0.9m, 0), new(Ns(s_day0.AddHours(1)), "AAPL", Side.Buy, 0.9m, 0)]));

        BacktestResult result;
        using (var reader = new MarketDataFileReader(Bars(), runner.Engine.Symbols))
        {
            result = runner.Run(reader);
        }

        Assert.Empty(result.Rejects);
        Assert.Equal(["005930", "AAPL"], result.Fills.Select(f => f.Symbol).Order(StringComparer.Ordinal));
        var p = runner.Engine.Portfolio;
        int krw = p.Currencies.IdOf("KRW");
        Assert.Equal(FixedPoint.FromDecimal(10_000_000m - 700_000m), p.CashRawOf(krw));
        Assert.Equal(FixedPoint.FromDecimal(10_000m - 1_000m), p.CashRaw);
    }

    [Fact]
    public void FeesAndRealizedPnl_OfTheReport_AddEachSymbolsMoneyAtItsRate()
    {
        // A KRX and a US round trip with a commission: the report's totals are in USD, the KRW
        // figures at 0.00075 (they were added as they are: 70,000 KRW of fees counted as 70,000 USD).
        var runner = new BacktestRunner(Options(
            [new(Ns(s_day0.AddHours(1)), "005930", Side.Buy, 0.9m, 0), new(Ns(s_day0.AddHours(1)), "AAPL", Side.Buy, 0.9m, 0),
             new(Ns(s_day0.AddDays(1).AddHours(1)), "005930", Side.Sell, 0.9m, 0), new(Ns(s_day0.AddDays(1).AddHours(1)), "AAPL", Side.Sell, 0.9m, 0)],
            commissionBps: 10));
        BacktestResult result;
        using (var reader = new MarketDataFileReader(Bars(), runner.Engine.Symbols))
        {
            result = runner.Run(reader);
        }

        BacktestReport report = BacktestMetrics.Compute(result);
        decimal krwFees = result.Fills.Where(f => f.Symbol == "005930").Sum(f => FixedPoint.ToDecimal(f.CommissionRaw));
        decimal usdFees = result.Fills.Where(f => f.Symbol == "AAPL").Sum(f => FixedPoint.ToDecimal(f.CommissionRaw));
        Assert.Equal(4, result.Fills.Count);
        Assert.True(krwFees > 0 && usdFees > 0);
        Assert.Equal(usdFees + (krwFees * 0.00075m), report.Fees);
        Assert.Equal(-report.Fees, report.RealizedPnl); // flat prices: each round trip loses its fees
        Assert.Equal(krwFees, report.PerSymbol.Single(p => p.Symbol == "005930").Fees); // per symbol: its own currency
    }

    private static BacktestOptions Options(IReadOnlyList<RecordedSignal> signals, long commissionBps = 0) => new()
    {
        Engine = new EngineOptions
        {
            Symbols = ["005930", "AAPL"],
            StartingCash = 10_000m,
            BaseCurrency = "USD",
            FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.00075m },
            StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = 10_000_000m },
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, PriceCollarFraction = 0.5m },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
            Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        },
        Paper = new PaperExchangeOptions { SymbolCount = 2, SlippageBps = 0, CommissionBps = commissionBps },
        Signals = signals,
    };

    private static long Ns(DateTimeOffset t) => (t - DateTimeOffset.UnixEpoch).Ticks * 100;

    private string Bars()
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        for (int i = 0; i < 3; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s_day0.AddDays(i):yyyy-MM-ddTHH:mm:ssZ},005930,70000,70000,70000,70000,1000000\n");
            csv.Append(CultureInfo.InvariantCulture, $"{s_day0.AddDays(i):yyyy-MM-ddTHH:mm:ssZ},AAPL,100,100,100,100,1000000\n");
        }

        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}
