namespace Orchestrator.Backtest.Tests;

/// <summary>A recorded signal file's exit columns (issue 19): read into the signal, checked like every edge's, a bad one named with file and line.</summary>
public sealed class RecordedSignalExitsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "signals-exits-" + Guid.NewGuid().ToString("N") + ".csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void ExitColumns_AreRead_EmptyMeansNone()
    {
        File.WriteAllText(_path, "timestamp,symbol,side,confidence,price,take_profit,stop_loss_pct,trail_percent\n"
            + "2025-01-02T15:00:00Z,aapl,BUY,0.8,100,110,2.5,\n"
            + "2025-01-02T15:01:00Z,AAPL,SELL,0.8,,,,1.5\n");

        (IReadOnlyList<RecordedSignal> signals, IReadOnlyList<string> errors) = BacktestInputs.LoadSignals(_path);

        Assert.Empty(errors);
        Assert.Equal(2, signals.Count);
        Assert.Equal((110_000_000L, 25_000, 0), (signals[0].Exits.TakeProfitRaw, signals[0].Exits.StopLossPpm, signals[0].Exits.TrailPpm));
        Assert.Equal((0L, 15_000), (signals[1].Exits.TakeProfitRaw, signals[1].Exits.TrailPpm));
    }

    [Theory]
    [InlineData("100,90,", "stop_loss:", "take_profit: must be above the entry's limit (or stop) price for a buy")]
    [InlineData("100,,abc", "stop_loss:", "stop_loss: must be a number, got 'abc'")]
    [InlineData("100,,150", "stop_loss_pct:", "stop_loss_pct: must be a percent from 0 to below 100")]
    public void BadExits_AreErrorsNamingFileLineAndField(string tail, string column, string expected)
    {
        string header = "timestamp,symbol,side,confidence,price,take_profit," + (column == "stop_loss:" ? "stop_loss" : "stop_loss_pct");
        File.WriteAllText(_path, header + "\n2025-01-02T15:00:00Z,AAPL,BUY,0.8," + tail + "\n");

        (IReadOnlyList<RecordedSignal> signals, IReadOnlyList<string> errors) = BacktestInputs.LoadSignals(_path);

        Assert.Empty(signals);
        Assert.StartsWith(_path + ":2: " + expected, Assert.Single(errors), StringComparison.Ordinal);
    }
}
