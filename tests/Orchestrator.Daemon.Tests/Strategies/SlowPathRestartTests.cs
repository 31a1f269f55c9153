using System.Text.Json;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>
/// A slow-path strategy's state survives a crash: the daemon (paper venue, journal, a file replayed in
/// lock-step) is killed with SIGKILL in the middle of the file and started again on the same journal;
/// recovery feeds the journaled market data and the strategy's own order events to it inline, its
/// submits suppressed (the journal holds the signals it sent), so it goes on counting where it was.
/// From the restart on it must trade exactly as an uninterrupted run of the same file does, and end
/// with the same equity.
/// </summary>
public sealed class SlowPathRestartTests : IDisposable
{
    /// <summary>The kill comes when the strategy's worker takes the 200th MSFT bar (not one it trades on: 200 is not a multiple of 7).</summary>
    private const int PauseAt = 200;

    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-slow-restart-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ASlowPathStrategy_KilledAndRestarted_TradesOnAsAnUninterruptedRun()
    {
        string dll = StrategyCompiler.Compile(Path.Combine(_dir, "alternator"), "Proof.Alternator", TestStrategySources.Alternator);
        LiveEqualsBacktestTests.WriteBars(Path.Combine(_dir, "bars.csv"));

        WriteConfiguration(dll, pauseAt: 0);
        RunToTheEnd("journal-whole", "whole");

        // Killed: the worker blocks on the 200th MSFT bar, the lock-step feed waits for it, and the daemon
        // is killed there (every earlier bar settled, journaled, and seen by the strategy).
        WriteConfiguration(dll, pauseAt: PauseAt);
        using (DaemonProcess killed = DaemonProcess.Start(_dir, Path.Combine(_dir, "killed.out"), RunArguments("journal", "killed")))
        {
            string? paused = await killed.WaitForLineAsync(l => l.Contains("alternator paused", StringComparison.Ordinal), s_hang);
            Assert.True(paused is not null, "the strategy never reached the pause:\n" + killed.Tail());
            await killed.KillAsync();
        }

        WriteConfiguration(dll, pauseAt: 0); // the same configuration as the uninterrupted run
        string restartOutput = RunToTheEnd("journal", "restarted");
        Assert.Contains("resuming after the journal's last event time", restartOutput, StringComparison.Ordinal);

        // From the restart on: the same orders and fills (time, symbol, side, quantity, price) as the run that was not killed.
        // The restart resumes after the paused bar's minute (the file's first day starts at 14:30 UTC, one bar a minute per symbol).
        long pausedAtNs = (new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddMinutes(PauseAt - 1) - DateTime.UnixEpoch).Ticks * 100;
        List<TradeLog.Trade> restarted = TradeLog.Read(Path.Combine(_dir, "logs-restarted", "orchestrator.jsonl"));
        Assert.All(restarted, t => Assert.True(t.TsEventNs > pausedAtNs, $"{t} is not after the restart"));
        List<TradeLog.Trade> whole = [.. TradeLog.Read(Path.Combine(_dir, "logs-whole", "orchestrator.jsonl")).Where(t => t.TsEventNs > pausedAtNs)];
        Assert.True(restarted.Count(t => t.Event == "order_filled") >= 10, $"the restarted run filled only {restarted.Count(t => t.Event == "order_filled")} orders: too little to compare");
        TradeLog.AssertSame(whole, restarted);

        using JsonDocument wholeReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "whole.json")));
        using JsonDocument restartedReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "restarted.json")));
        Assert.Equal(wholeReport.RootElement.GetProperty("equity").GetDecimal(), restartedReport.RootElement.GetProperty("equity").GetDecimal());
        Assert.Contains("Strategy alternator (slow path): state rebuilt from the journal", restartOutput, StringComparison.Ordinal);
    }

    private void WriteConfiguration(string dll, int pauseAt) =>
        LiveEqualsBacktestTests.WriteConfiguration(_dir, LiveEqualsBacktestTests.RulesOff, LiveEqualsBacktestTests.AlternatorEntry(dll, $"slow_path: true, pause_at: {pauseAt}"));

    private static string[] RunArguments(string journal, string name) =>
        ["run", "--config", "config", "--data", "bars.csv", "--ticks-per-second", "0", "--headless", "--journal", journal, "--report", name + ".json", "--log-dir", "logs-" + name];

    /// <summary>Runs the daemon until the file ends; returns its output.</summary>
    private string RunToTheEnd(string journal, string name)
    {
        (int exit, string output) = DaemonProcessTests.Run(_dir, RunArguments(journal, name));
        Assert.True(exit == 0, output);
        Assert.Contains("in lock-step", output, StringComparison.Ordinal);
        return output;
    }
}
