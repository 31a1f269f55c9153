using Orchestrator.Core;
using static Orchestrator.Backtest.Tests.TestResults;

namespace Orchestrator.Backtest.Tests;

/// <summary>The series the equity chart is drawn from: market-time x, benchmark, markers, dated ticks.</summary>
public sealed class EquityChartSeriesTests
{
    private const double MinuteInDays = 1.0 / 1440;

    /// <summary>Three minute bars at the close of Friday 2024-01-05 and three at Monday's open, 14:30 UTC.</summary>
    private static BacktestResult OverAWeekend(IReadOnlyList<FillRecord>? fills = null) => Result(1_000m,
        [
            Point(At(4, 20, 57), 1_000m), Point(At(4, 20, 58), 1_001m), Point(At(4, 20, 59), 1_002m),
            Point(At(7, 14, 30), 1_003m), Point(At(7, 14, 31), 1_004m), Point(At(7, 14, 32), 1_005m),
        ],
        fills);

    [Fact]
    public void X_SkipsTheWeekend_WithOneOrdinaryStep()
    {
        EquityChartSeries series = EquityChartSeries.From(OverAWeekend());

        double[] expected = [0, 1, 2, 3, 4, 5];
        Assert.Equal(expected.Select(m => m * MinuteInDays), series.X, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Ticks_AreIsoDatesAtTheFirstPointOfEachDate()
    {
        EquityChartSeries series = EquityChartSeries.From(OverAWeekend());

        Assert.Equal(["2024-01-05", "2024-01-08"], series.TickLabels);
        Assert.Equal([0, 3 * MinuteInDays], series.TickPositions, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Ticks_WithinOneDate_ShowTheTime()
    {
        BacktestResult result = Result(1_000m, [Point(At(0, 14, 30), 1_000m), Point(At(0, 15, 0), 1_001m), Point(At(0, 16, 0), 999m)]);

        EquityChartSeries series = EquityChartSeries.From(result);

        Assert.Equal(["2024-01-01 14:30", "2024-01-01 15:00", "2024-01-01 16:00"], series.TickLabels);
    }

    [Fact]
    public void Ticks_OverManyDates_AreThinnedToAtMostEight()
    {
        var points = Enumerable.Range(0, 100).Select(d => Point(At(d, 16), 1_000m + d)).ToArray();

        EquityChartSeries series = EquityChartSeries.From(Result(1_000m, points));

        Assert.InRange(series.TickLabels.Length, 2, EquityChartSeries.MaxTicks);
        Assert.Equal("2024-01-01", series.TickLabels[0]);
        Assert.Equal(series.X[0], series.TickPositions[0]);
        Assert.Equal(99.0, series.X[^1], 9); // daily points: x counts days
    }

    [Fact]
    public void Markers_SitOnTheCurveAtTheFirstPointAtOrAfterEachFill()
    {
        BacktestResult result = OverAWeekend(
        [
            Fill(At(4, 20, 58), "AAA", Side.Buy, 1, 10m, 0m),
            Fill(At(7, 14, 30, 30), "AAA", Side.Sell, 1, 11m, 0m), // between two points: the next one
        ]);

        EquityChartSeries series = EquityChartSeries.From(result);

        Assert.Equal((series.X[1], 1_001.0), (Assert.Single(series.BuyX), Assert.Single(series.BuyY)));
        Assert.Equal((series.X[4], 1_004.0), (Assert.Single(series.SellX), Assert.Single(series.SellY)));
        Assert.Equal(0, series.MarkersOmitted);
    }

    [Fact]
    public void Markers_BeyondTheLimit_AreOmittedAndCounted()
    {
        var fills = Enumerable.Range(0, EquityChartSeries.MaxMarkers + 1).Select(i => Fill(At(4, 20, 58), "AAA", Side.Buy, 1, 10m, 0m)).ToArray();

        EquityChartSeries series = EquityChartSeries.From(OverAWeekend(fills));

        Assert.Empty(series.BuyX);
        Assert.Equal(EquityChartSeries.MaxMarkers + 1, series.MarkersOmitted);
    }

    [Fact]
    public void Benchmark_IsDrawnOnlyWhenTheResultHasOne()
    {
        BacktestResult without = OverAWeekend();
        BacktestResult with = without with { HasBenchmark = true, Equity = [.. without.Equity.Select((p, i) => p with { BenchmarkRaw = FixedPoint.FromDecimal(1_000m - i) })] };

        Assert.Null(EquityChartSeries.From(without).Benchmark);
        Assert.Equal([1_000.0, 999, 998, 997, 996, 995], EquityChartSeries.From(with).Benchmark!);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
