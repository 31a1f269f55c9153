using System.Reflection;
using Orchestrator.Core;
using static Orchestrator.Backtest.Tests.TestResults;

namespace Orchestrator.Backtest.Tests;

public sealed class BacktestMetricsTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Compute_BuyAndHold_GivesReturnCagrAndDrawdownByHand()
    {
        BacktestReport report = BacktestMetrics.Compute(BuyAndHold());

        Assert.Equal(100_000m, report.StartingCash);
        Assert.Equal(115_000m, report.FinalEquity);
        Assert.Equal(0.15, report.TotalReturn!.Value, Tolerance);
        // Five days from the first to the last point.
        Assert.Equal(Math.Pow(1.15, 365.25 / 5.0) - 1.0, report.Cagr!.Value, 1e-9);

        // Peak 110,000 on day 1, trough 99,000 on day 2: 10 %; back above 110,000 on day 4.
        Assert.Equal(0.1, report.MaxDrawdown, Tolerance);
        Assert.Equal(At(1, 16), report.MaxDrawdownPeakTsNs);
        Assert.Equal(At(2, 16), report.MaxDrawdownTroughTsNs);
        Assert.Equal(At(4, 16), report.MaxDrawdownRecoveryTsNs);
        // Longest peak-to-recovery: day 1 → day 4; the open drawdown after day 4 lasts one day.
        Assert.Equal(3.0, report.MaxDrawdownDurationDays, Tolerance);
        Assert.Equal(At(1, 16), report.LongestDrawdownStartTsNs);
        Assert.Equal(At(4, 16), report.LongestDrawdownEndTsNs);
        Assert.True(report.LongestDrawdownRecovered);

        Assert.Equal(1.0, report.ExposureTime!.Value, Tolerance);
        Assert.Equal(1.0, report.AverageGrossExposure!.Value, Tolerance);
        Assert.Equal(1, report.TradeCount);
        Assert.Equal(1, report.OpenTrades);
        Assert.Equal(0, report.ClosedTrades);
        Assert.Null(report.WinRate);
        Assert.Null(report.ProfitFactor);
        Assert.Equal(500.0, report.EventsPerSecond!.Value, Tolerance);
    }

    [Fact]
    public void Compute_UnrecoveredDrawdownLongerThanRecoveredOne_CountsUpToTheLastPoint()
    {
        BacktestResult result = Result(100m,
        [
            Point(At(0), 100m), Point(At(1), 90m), Point(At(2), 100m), // 2 days, recovered
            Point(At(3), 99m), Point(At(4), 98m), Point(At(8), 99.5m), // 6 days from day 2, not recovered
        ]);

        BacktestReport report = BacktestMetrics.Compute(result);

        Assert.Equal(0.1, report.MaxDrawdown, Tolerance);
        Assert.Equal(At(2), report.MaxDrawdownRecoveryTsNs);
        Assert.Equal(6.0, report.MaxDrawdownDurationDays, Tolerance);
        Assert.Equal(At(2), report.LongestDrawdownStartTsNs);
        Assert.Equal(At(8), report.LongestDrawdownEndTsNs);
        Assert.False(report.LongestDrawdownRecovered);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.02)]
    public void Compute_DailyCurve_SharpeAndSortinoMatchAStraightLoop(double riskFreeRate)
    {
        double[] equity = [100_000, 110_000, 99_000, 104_500, 121_000, 115_000];
        var (sharpe, sortino, volatility) = NaiveStatistics(equity, 252, riskFreeRate);

        BacktestReport report = BacktestMetrics.Compute(BuyAndHold(), new BacktestMetricsOptions { RiskFreeRate = riskFreeRate });

        Assert.Equal(ReturnPeriodicity.Daily, report.ReturnPeriodicity);
        Assert.Equal(5, report.ReturnPeriods);
        Assert.Equal(252.0, report.PeriodsPerYear);
        Assert.Equal(volatility, report.Volatility!.Value, 1e-12);
        Assert.Equal(sharpe, report.Sharpe!.Value, 1e-12);
        Assert.Equal(sortino, report.Sortino!.Value, 1e-12);
    }

    [Fact]
    public void Compute_SeveralPointsADay_ResamplesToTheLastPointOfEachUtcDay()
    {
        BacktestResult result = Result(100m,
        [
            Point(At(0, 0), 100m), Point(At(0, 12), 105m), Point(At(0, 23, 59, 59), 102m),
            Point(At(1, 9), 90m), Point(At(1, 20), 110m),
            Point(At(2, 10), 99m),
        ]);
        // The start, then the close of each date: 100, 102, 110, 99.
        var (sharpe, sortino, _) = NaiveStatistics([100, 102, 110, 99], 252, 0);

        BacktestReport report = BacktestMetrics.Compute(result);

        Assert.Equal(ReturnPeriodicity.Daily, report.ReturnPeriodicity);
        Assert.Equal(3, report.ReturnPeriods);
        Assert.Equal(sharpe, report.Sharpe!.Value, 1e-12);
        Assert.Equal(sortino, report.Sortino!.Value, 1e-12);
    }

    [Fact]
    public void Compute_WithinOneUtcDay_UsesEveryPointAnnualisedByTheMedianSpacing()
    {
        BacktestResult result = Result(100m,
        [
            Point(At(0, 10, 0), 100m), Point(At(0, 10, 1), 101m), Point(At(0, 10, 2), 100.5m),
            Point(At(0, 10, 4), 100.8m), Point(At(0, 10, 5), 100.1m),
        ]);
        // Spacings 60, 60, 120, 60 s: the median is 60 s, a 365.25-day year holds 525,960 of them.
        double periodsPerYear = 365.25 * 86_400 / 60;
        var (sharpe, sortino, volatility) = NaiveStatistics([100, 101, 100.5, 100.8, 100.1], periodsPerYear, 0);

        BacktestReport report = BacktestMetrics.Compute(result);

        Assert.Equal(ReturnPeriodicity.PerPoint, report.ReturnPeriodicity);
        Assert.Equal(periodsPerYear, report.PeriodsPerYear!.Value, 1e-9);
        Assert.Equal(4, report.ReturnPeriods);
        Assert.Equal(volatility, report.Volatility!.Value, 1e-9);
        Assert.Equal(sharpe, report.Sharpe!.Value, 1e-9);
        Assert.Equal(sortino, report.Sortino!.Value, 1e-9);
    }

    [Fact]
    public void Compute_FillsWithAFlip_ExtractsRoundTripsWithAverageCostPnlNetOfFees()
    {
        long t1 = At(0, 15), t2 = At(0, 16), t3 = At(1, 15), t4 = At(2, 15), t5 = At(3, 15);
        long t6 = At(1, 14), t7 = At(2, 14), t8 = At(4, 14), t9 = At(5, 14), t10 = At(5, 15);
        FillRecord[] fills =
        [
            // AAA: long 100 @ 10 + 100 @ 12 (average 11), sell 50 @ 13 (+100 gross),
            // sell 250 @ 9 flips: 150 close at 9 (−300 gross, 1.50 of the 2.50 commission),
            // 100 short opened at 9 (1.00 of it), bought back at 8 (+100 gross).
            Fill(t1, "AAA", Side.Buy, 100, 10m, 1m),
            Fill(t2, "AAA", Side.Buy, 100, 12m, 1m),
            Fill(t3, "AAA", Side.Sell, 50, 13m, 0.5m),
            Fill(t4, "AAA", Side.Sell, 250, 9m, 2.5m),
            Fill(t5, "AAA", Side.Buy, 100, 8m, 1m),
            // BBB: short 10 @ 50 covered at 45 (+50 gross, 0.20 fees), then long 5 @ 47 left open.
            Fill(t6, "BBB", Side.Sell, 10, 50m, 0.1m),
            Fill(t7, "BBB", Side.Buy, 10, 45m, 0.1m),
            Fill(t8, "BBB", Side.Buy, 5, 47m, 0.05m),
            // CCC: a flat round trip, neither a win nor a loss.
            Fill(t9, "CCC", Side.Buy, 10, 20m, 0m),
            Fill(t10, "CCC", Side.Sell, 10, 20m, 0m),
        ];
        BacktestResult result = Result(10_000m, [Point(At(0), 10_000m), Point(At(6), 10_000m)], fills, symbols: ["AAA", "BBB", "CCC", "DDD"]);

        BacktestReport report = BacktestMetrics.Compute(result);

        Assert.Equal(5, report.TradeCount);
        Assert.Equal(4, report.ClosedTrades);
        Assert.Equal(1, report.OpenTrades);
        Assert.Equal(2, report.WinningTrades);
        Assert.Equal(1, report.LosingTrades);
        Assert.Equal(0.5, report.WinRate);
        Assert.Equal(147.8m, report.GrossProfit);
        Assert.Equal(204m, report.GrossLoss);
        Assert.Equal((double)(147.8m / 204m), report.ProfitFactor!.Value, 1e-15);
        Assert.Equal(6.25m, report.Fees);
        Assert.Equal(-106m + 49.75m, report.RealizedPnl);

        // In order of entry time.
        Assert.Equal(
            [("AAA", t1), ("BBB", t6), ("AAA", t4), ("BBB", t8), ("CCC", t9)],
            report.Trades.Select(t => (t.Symbol, t.EntryTsNs)).ToArray());

        RoundTripTrade first = report.Trades[0];
        Assert.Equal(TradeDirection.Long, first.Direction);
        Assert.False(first.IsOpen);
        Assert.Equal(t4, first.ExitTsNs);
        Assert.Equal(200, first.Quantity);
        Assert.Equal(0, first.OpenQuantity);
        Assert.Equal(11m, first.AverageEntryPrice);
        Assert.Equal(10m, first.AverageExitPrice); // (50 × 13 + 150 × 9) / 200
        Assert.Equal(4m, first.Fees);               // 1 + 1 + 0.5 + 1.5
        Assert.Equal(-204m, first.RealizedPnl);     // 100 − 300 − 4
        Assert.Equal(4, first.FillCount);

        RoundTripTrade flipped = report.Trades[2];
        Assert.Equal(TradeDirection.Short, flipped.Direction);
        Assert.Equal(t5, flipped.ExitTsNs);
        Assert.Equal(100, flipped.Quantity);
        Assert.Equal(9m, flipped.AverageEntryPrice);
        Assert.Equal(8m, flipped.AverageExitPrice);
        Assert.Equal(2m, flipped.Fees);
        Assert.Equal(98m, flipped.RealizedPnl);

        RoundTripTrade open = report.Trades[3];
        Assert.True(open.IsOpen);
        Assert.Null(open.ExitTsNs);
        Assert.Null(open.AverageExitPrice);
        Assert.Equal(5, open.OpenQuantity);
        Assert.Equal(-0.05m, open.RealizedPnl);

        Assert.Equal(["AAA", "BBB", "CCC", "DDD"], report.PerSymbol.Select(s => s.Symbol).ToArray());
        Assert.Equal(new SymbolReport("AAA", 2, 0, 1, 0.5, -106m, 6m, 0), report.PerSymbol[0]);
        Assert.Equal(new SymbolReport("BBB", 1, 1, 1, 1.0, 49.75m, 0.25m, 5), report.PerSymbol[1]);
        Assert.Equal(new SymbolReport("CCC", 1, 0, 0, 0.0, 0m, 0m, 0), report.PerSymbol[2]);
        Assert.Equal(new SymbolReport("DDD", 0, 0, 0, null, 0m, 0m, 0), report.PerSymbol[3]);
    }

    [Fact]
    public void Compute_Trades_AreInEntryTimeThenSymbolThenCreationOrder_WhateverTheFillsOrder()
    {
        long t1 = At(0, 15), t2 = At(0, 16), t3 = At(1, 15);
        FillRecord[] fills =
        [
            Fill(t2, "ZZZ", Side.Buy, 5, 10m, 0m),
            Fill(t1, "ZZZ", Side.Buy, 10, 10m, 0m),  // before the line above in time: replayed first
            Fill(t1, "AAA", Side.Buy, 10, 10m, 0m),
            Fill(t1, "AAA", Side.Sell, 30, 11m, 0m), // a flip at the same time: a closed long and a short, both entered at t1
            Fill(t3, "ZZZ", Side.Sell, 15, 12m, 0m),
            Fill(t3, "AAA", Side.Buy, 20, 9m, 0m),
            Fill(t3, "MMM", Side.Buy, 1, 5m, 0m),    // still open
        ];

        BacktestReport report = BacktestMetrics.Compute(Result(10_000m, [Point(At(0), 10_000m), Point(At(2), 10_000m)], fills, symbols: ["ZZZ", "MMM", "AAA"]));

        Assert.Equal(
            [("AAA", t1, TradeDirection.Long, 10m), ("AAA", t1, TradeDirection.Short, 20m), ("ZZZ", t1, TradeDirection.Long, 15m), ("MMM", t3, TradeDirection.Long, 1m)],
            report.Trades.Select(t => (t.Symbol, t.EntryTsNs, t.Direction, t.Quantity)).ToArray());
        Assert.Equal([10m, 40m, 30m, 0m], report.Trades.Select(t => t.RealizedPnl).ToArray());
        Assert.Equal(["AAA", "MMM", "ZZZ"], report.PerSymbol.Select(s => s.Symbol).ToArray());
        Assert.Equal((2, 0, 2), (report.PerSymbol[0].ClosedTrades, report.PerSymbol[0].OpenTrades, report.PerSymbol[0].WinningTrades));
        Assert.Equal((0, 1, 0), (report.PerSymbol[1].ClosedTrades, report.PerSymbol[1].OpenTrades, report.PerSymbol[1].WinningTrades));
    }

    [Fact]
    public void Compute_PartialExit_TruncatesTheRemovedCostAndTheCloseTakesTheRest()
    {
        // Basis 10 + 2 × 10.000001 = 30.000002 for 3 shares; one third of it is 10.0000006…,
        // truncated to 10.000000 as the engine's portfolio does.
        FillRecord[] opening =
        [
            Fill(At(0, 15), "AAA", Side.Buy, 1, 10m, 0m),
            Fill(At(0, 16), "AAA", Side.Buy, 2, 10.000001m, 0m),
            Fill(At(1, 15), "AAA", Side.Sell, 1, 11m, 0m),
        ];
        EquityPoint[] curve = [Point(At(0), 1_000m), Point(At(2), 1_000m)];

        BacktestReport partial = BacktestMetrics.Compute(Result(1_000m, curve, opening));
        BacktestReport closed = BacktestMetrics.Compute(Result(1_000m, curve, [.. opening, Fill(At(1, 16), "AAA", Side.Sell, 2, 11m, 0m)]));

        Assert.Equal(1m, partial.Trades.Single().RealizedPnl);
        Assert.True(partial.Trades.Single().IsOpen);
        // Closed: exactly exit notional − entry notional, 33 − 30.000002.
        Assert.Equal(2.999998m, closed.Trades.Single().RealizedPnl);
        Assert.Equal(10.000001m, closed.Trades.Single().AverageEntryPrice); // 30.000002 / 3, rounded to the scale
    }

    [Fact]
    public void Compute_OnlyWinningTrades_ProfitFactorIsNull()
    {
        FillRecord[] fills = [Fill(At(0, 15), "AAA", Side.Buy, 10, 10m, 0m), Fill(At(1, 15), "AAA", Side.Sell, 10, 11m, 0m)];

        BacktestReport report = BacktestMetrics.Compute(Result(1_000m, [Point(At(0), 1_000m), Point(At(2), 1_010m)], fills));

        Assert.Equal(1.0, report.WinRate);
        Assert.Null(report.ProfitFactor);
        Assert.Equal(10m, report.RealizedPnl);
    }

    [Fact]
    public void Compute_PartlyExposedCurve_WeightsExposureByTime()
    {
        BacktestResult result = Result(1_000m,
        [
            Point(At(0), 1_000m),                       // flat for 1 day
            Point(At(1), 1_000m, 500m, 500m),           // half invested for 2 days
            Point(At(3), 1_000m),                       // flat for 1 day
            Point(At(4), 1_000m),
        ]);

        BacktestReport report = BacktestMetrics.Compute(result);

        Assert.Equal(0.5, report.ExposureTime!.Value, Tolerance);
        Assert.Equal(0.25, report.AverageGrossExposure!.Value, Tolerance);
    }

    [Fact]
    public void Compute_NoPointsNoFills_GivesNullsNotNaN()
    {
        BacktestReport report = BacktestMetrics.Compute(Result(1_000m, [], elapsedSeconds: 0));

        Assert.Equal(1_000m, report.FinalEquity);
        Assert.Equal(0.0, report.TotalReturn);
        Assert.Null(report.Cagr);
        Assert.Null(report.Sharpe);
        Assert.Null(report.Sortino);
        Assert.Null(report.Volatility);
        Assert.Null(report.ExposureTime);
        Assert.Null(report.EventsPerSecond);
        Assert.Null(report.WinRate);
        Assert.Equal(0, report.TradeCount);
        Assert.Equal(0.0, report.MaxDrawdown);
        Assert.Equal(ReturnPeriodicity.None, report.ReturnPeriodicity);
        AssertNoNaNOrInfinity(report);
        Assert.DoesNotContain("NaN", BacktestReportWriter.ToJson(report), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Compute_SinglePoint_GivesNullsNotNaN()
    {
        BacktestReport report = BacktestMetrics.Compute(Result(1_000m, [Point(At(0), 1_050m)]));

        Assert.Equal(0.05, report.TotalReturn!.Value, Tolerance);
        Assert.Null(report.Cagr);
        Assert.Null(report.Sharpe);
        Assert.Equal(0, report.ReturnPeriods);
        Assert.Equal(0.0, report.MaxDrawdownDurationDays);
        Assert.Null(report.MaxDrawdownPeakTsNs);
        AssertNoNaNOrInfinity(report);
    }

    [Fact]
    public void Compute_FlatCurveAndZeroStartingCash_GivesNullsNotNaN()
    {
        BacktestReport flat = BacktestMetrics.Compute(Result(1_000m, [Point(At(0), 1_000m), Point(At(1), 1_000m), Point(At(2), 1_000m)]));
        Assert.Equal(0.0, flat.Volatility);
        Assert.Null(flat.Sharpe);
        Assert.Null(flat.Sortino);
        AssertNoNaNOrInfinity(flat);

        BacktestReport broke = BacktestMetrics.Compute(Result(0m, [Point(At(0), 0m), Point(At(1), 0m), Point(At(2), 0m)]));
        Assert.Null(broke.TotalReturn);
        Assert.Null(broke.Cagr);
        Assert.Null(broke.Sharpe);
        Assert.Null(broke.AverageGrossExposure);
        AssertNoNaNOrInfinity(broke);
    }

    [Fact]
    public void Compute_InvalidFill_Throws()
    {
        FillRecord[] fills = [Fill(At(0), "AAA", Side.None, 10, 10m, 0m)];
        Assert.Throws<ArgumentException>(() => BacktestMetrics.Compute(Result(1_000m, [Point(At(0), 1_000m)], fills)));
    }

    /// <summary>Returns, mean, sample stdev and downside deviation in the plainest way.</summary>
    private static (double Sharpe, double Sortino, double Volatility) NaiveStatistics(double[] equity, double periodsPerYear, double riskFreeRate)
    {
        int n = equity.Length - 1;
        var returns = new double[n];
        for (int i = 0; i < n; i++)
        {
            returns[i] = (equity[i + 1] / equity[i]) - 1.0;
        }

        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += returns[i] / n;
        }

        double variance = 0, downside = 0;
        for (int i = 0; i < n; i++)
        {
            variance += (returns[i] - mean) * (returns[i] - mean) / (n - 1);
            double d = returns[i] < 0 ? returns[i] : 0;
            downside += d * d / n;
        }

        double excess = mean - (riskFreeRate / periodsPerYear);
        double annual = Math.Sqrt(periodsPerYear);
        return (excess / Math.Sqrt(variance) * annual, excess / Math.Sqrt(downside) * annual, Math.Sqrt(variance) * annual);
    }

    private static void AssertNoNaNOrInfinity(BacktestReport report)
    {
        foreach (PropertyInfo property in typeof(BacktestReport).GetProperties())
        {
            object? value = property.GetValue(report);
            if (value is double d)
            {
                Assert.True(double.IsFinite(d), property.Name + " = " + d);
            }
        }
    }
}
