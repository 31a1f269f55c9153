using Orchestrator.Core;
using static Orchestrator.Backtest.Tests.TestResults;

namespace Orchestrator.Backtest.Tests;

public sealed class EquityCsvWriterTests
{
    [Fact]
    public void ToCsv_WritesHeaderAndOneRowPerPointWithDrawdown()
    {
        BacktestResult result = Result(1_000m,
        [
            Point(At(0, 14, 30), 1_000m, 1_000m, 0m),
            Point(At(1, 14, 30), 1_100.25m, 100m, 1_000.25m),
            Point(At(2, 14, 30), 990.225m, 100m, 890.225m),
        ]);

        string[] lines = EquityCsvWriter.ToCsv(result).Split('\n');

        Assert.Equal("timestamp,equity,cash,gross_exposure,drawdown,benchmark", lines[0]);
        Assert.Equal("2024-01-01T14:30:00Z,1000,1000,0,0,", lines[1]); // no benchmark in a hand-made result
        Assert.Equal("2024-01-02T14:30:00Z,1100.25,100,1000.25,0,", lines[2]);
        Assert.Equal("2024-01-03T14:30:00Z,990.225,100,890.225,0.1,", lines[3]); // 110.025 / 1100.25
        Assert.Equal(string.Empty, lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void ToCsv_WithABenchmark_WritesItsValueInTheLastColumn()
    {
        BacktestResult result = Result(1_000m,
        [
            Point(At(0, 14, 30), 1_000m) with { BenchmarkRaw = FixedPoint.FromDecimal(1_000m) },
            Point(At(1, 14, 30), 1_010m) with { BenchmarkRaw = FixedPoint.FromDecimal(987.654321m) },
        ]) with { HasBenchmark = true };

        string[] lines = EquityCsvWriter.ToCsv(result).Split('\n');

        Assert.Equal("2024-01-01T14:30:00Z,1000,1000,0,0,1000", lines[1]);
        Assert.Equal("2024-01-02T14:30:00Z,1010,1010,0,0,987.654321", lines[2]);
    }
}
