using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;

namespace Orchestrator.Backtest.Tests;

/// <summary>The buy-and-hold benchmark: in a real backtest's equity points, CSV and report, against values computed by hand.</summary>
public sealed class BuyAndHoldBenchmarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Sample_SplitsEquallyBuysAtTheFirstPriceAndKeepsAnUnpricedSymbolsShareAsCash()
    {
        var market = new MarketState(3);
        var benchmark = new BuyAndHoldBenchmark(3, FixedPoint.FromDecimal(10_000m));

        Assert.Equal(FixedPoint.FromDecimal(10_000m), benchmark.Sample(market)); // no price yet: all cash
        market.OnTrade(0, FixedPoint.FromDecimal(100m), 1, 1);
        Assert.Equal(FixedPoint.FromDecimal(10_000m), benchmark.Sample(market)); // bought at 100
        market.OnTrade(0, FixedPoint.FromDecimal(110m), 1, 2);
        market.OnTrade(1, FixedPoint.FromDecimal(50_000m), 1, 2); // a KRW price: only the ratio counts
        benchmark.Sample(market); // the first price is the one the first sample after it sees
        market.OnTrade(1, FixedPoint.FromDecimal(45_000m), 1, 3);

        // 3,333.333333 each (+ 0.000001 cash): 3,333.333333 × 1.1 + 3,333.333333 × 0.9 + 3,333.333333 + 0.000001,
        // the holdings' sum rounded once to the raw unit (a statistic in double).
        long expected = FixedPoint.FromDecimal((3_333.333333m * 1.1m) + (3_333.333333m * 0.9m)) + FixedPoint.FromDecimal(3_333.333333m) + 1;
        Assert.Equal(expected, benchmark.Sample(market));
    }

    [Fact]
    public void Sample_AllocatesNothing()
    {
        var market = new MarketState(20);
        var benchmark = new BuyAndHoldBenchmark(20, FixedPoint.FromDecimal(1_000_000m));
        for (int s = 0; s < 20; s++)
        {
            market.OnTrade(s, FixedPoint.FromDecimal(50_000m + s), 1, 1); // KRW-sized prices: the 128-bit division too
        }

        long sum = benchmark.Sample(market);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            market.OnTrade(i % 20, FixedPoint.FromDecimal(50_000m) + i, 1, i);
            sum += benchmark.Sample(market);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Backtest_RecordsTheBenchmarkAtEveryEquityPoint_AndReportsIt()
    {
        // AAPL from day 0 (100 → 120 → 90 → 110), MSFT from day 1 (200 → 250 → 300). No trades.
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        csv.Append("2024-01-02T21:00:00Z,AAPL,100,100,100,100,1000\n");
        csv.Append("2024-01-03T21:00:00Z,AAPL,120,120,120,120,1000\n");
        csv.Append("2024-01-03T21:00:00Z,MSFT,200,200,200,200,1000\n");
        csv.Append("2024-01-04T21:00:00Z,AAPL,90,90,90,90,1000\n");
        csv.Append("2024-01-04T21:00:00Z,MSFT,250,250,250,250,1000\n");
        csv.Append("2024-01-05T21:00:00Z,AAPL,110,110,110,110,1000\n");
        csv.Append("2024-01-05T21:00:00Z,MSFT,300,300,300,300,1000\n");
        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, csv.ToString());
        var options = new BacktestOptions
        {
            Engine = new EngineOptions { Symbols = ["AAPL", "MSFT"], StartingCash = 10_000m, Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false } },
            Paper = new Adapters.Paper.PaperExchangeOptions { SymbolCount = 2 },
        };

        var runner = new BacktestRunner(options);
        using var reader = new MarketDataFileReader(path, runner.Engine.Symbols);
        BacktestResult result = runner.Run(reader);

        // 5,000 each; MSFT's is cash on day 0 and bought at 200 on day 1.
        decimal[] expected = [10_000m, 6_000m + 5_000m, 4_500m + 6_250m, 5_500m + 7_500m];
        Assert.True(result.HasBenchmark);
        Assert.Equal(expected, result.Equity.Select(p => FixedPoint.ToDecimal(p.BenchmarkRaw)));
        Assert.All(result.Equity, p => Assert.Equal(FixedPoint.FromDecimal(10_000m), p.EquityRaw)); // the strategy did nothing

        BacktestReport report = BacktestMetrics.Compute(result);
        Assert.NotNull(report.Benchmark);
        Assert.Equal(0.3, report.Benchmark.TotalReturn!.Value, 12); // 13,000 / 10,000 − 1
        Assert.Equal(250.0 / 11_000, report.Benchmark.MaxDrawdown, 12); // 11,000 → 10,750
        Assert.Equal(13_000m, report.Benchmark.FinalValue);

        using JsonDocument json = JsonDocument.Parse(BacktestReportWriter.ToJson(report, deterministic: true));
        JsonElement b = json.RootElement.GetProperty("benchmark");
        Assert.Equal("buy_and_hold_equal_weight", b.GetProperty("kind").GetString());
        Assert.Equal(0.3, b.GetProperty("total_return").GetDouble());
        Assert.Equal(13_000m, b.GetProperty("final_value").GetDecimal());
        Assert.EndsWith(",13000", EquityCsvWriter.ToCsv(result).Split('\n')[4], StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WithoutABenchmark_WritesNull()
    {
        BacktestResult result = TestResults.BuyAndHold();

        using JsonDocument json = JsonDocument.Parse(BacktestReportWriter.ToJson(BacktestMetrics.Compute(result), deterministic: true));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("benchmark").ValueKind);
    }
}
