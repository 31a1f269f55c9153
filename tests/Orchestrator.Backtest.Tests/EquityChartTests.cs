using static Orchestrator.Backtest.Tests.TestResults;

namespace Orchestrator.Backtest.Tests;

public sealed class EquityChartTests
{
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void SavePng_WritesAPngFile()
    {
        BacktestResult buyAndHold = BuyAndHold();
        BacktestResult result = buyAndHold with { HasBenchmark = true, Equity = [.. buyAndHold.Equity.Select(p => p with { BenchmarkRaw = p.EquityRaw - 1_000_000 })] };
        BacktestReport report = BacktestMetrics.Compute(result);
        string path = Path.Combine(Path.GetTempPath(), "equity-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            EquityChart.SavePng(result, report, path, 800, 500);

            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 5_000, "PNG of " + bytes.Length + " bytes");
            Assert.Equal(s_pngSignature, bytes[..8]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SavePng_EmptyCurve_StillWritesAPng()
    {
        BacktestResult result = Result(1_000m, []);
        string path = Path.Combine(Path.GetTempPath(), "equity-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            EquityChart.SavePng(result, BacktestMetrics.Compute(result), path);

            Assert.Equal(s_pngSignature, File.ReadAllBytes(path)[..8]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
