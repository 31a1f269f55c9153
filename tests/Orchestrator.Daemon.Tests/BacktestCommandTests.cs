using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.Daemon.Tests;

/// <summary>The backtest command end to end on real files: report, equity CSV, chart, determinism, errors.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-btcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>Minute bars for two symbols over three days, a seeded random walk.</summary>
    private string Bars()
    {
        string path = Path("bars.csv");
        File.WriteAllText(path, "timestamp,symbol,open,high,low,close,volume\n" + string.Concat(BarLines(t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Select(line => line + "\n")));
        return path;
    }

    /// <summary>The lines of <see cref="Bars"/> (no header), the time column written by <paramref name="time"/>.</summary>
    internal static List<string> BarLines(Func<DateTime, string> time)
    {
        var random = new Random(5);
        var lines = new List<string>();
        decimal[] price = [180m, 370m];
        string[] symbols = ["AAPL", "MSFT"];
        for (int day = 0; day < 3; day++)
        {
            for (int minute = 0; minute < 390; minute++)
            {
                DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddDays(day).AddMinutes(minute);
                for (int s = 0; s < 2; s++)
                {
                    decimal open = price[s];
                    decimal close = Math.Round(open * (1 + ((decimal)random.NextDouble() - 0.5m) / 200m), 2);
                    price[s] = close;
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{time(t)},{symbols[s]},{open},{Math.Max(open, close) + 0.05m},{Math.Min(open, close) - 0.05m},{close},1000"));
                }
            }
        }

        return lines;
    }

    private static int Run(BacktestArguments a, out string stdout, out string stderr)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BacktestCommand.Run(a, output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        return code;
    }

    private BacktestArguments Args(string data, string report, string mode = "single") =>
        new(data, "rules", null, null, Path("no-config"), report, Path("equity.csv"), Path("equity.png"), mode, Deterministic: true);

    [Fact]
    public void Backtest_WritesTheReportCsvAndChart_AndTheSameInputGivesTheSameBytes()
    {
        string data = Bars();
        Assert.Equal(0, Run(Args(data, Path("a.json")), out string stdout, out string stderr));
        Assert.Equal(0, Run(Args(data, Path("b.json")), out _, out _));
        Assert.Contains("total return", stdout, StringComparison.Ordinal);

        byte[] a = File.ReadAllBytes(Path("a.json"));
        Assert.Equal(a, File.ReadAllBytes(Path("b.json")));
        JsonObject report = JsonNode.Parse(a)!.AsObject();
        foreach (string key in new[] { "total_return", "sharpe", "max_drawdown", "trades", "events", "events_per_s", "benchmark" })
        {
            Assert.True(report.ContainsKey(key), key + " in the report; stderr: " + stderr);
        }

        Assert.StartsWith("timestamp,equity,cash,gross_exposure,drawdown,benchmark", File.ReadLines(Path("equity.csv")).First(), StringComparison.Ordinal);
        byte[] png = File.ReadAllBytes(Path("equity.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
    }

    [Fact]
    public void RingMode_GivesTheSameReportAsTheSingleThread()
    {
        string data = Bars();
        Assert.Equal(0, Run(Args(data, Path("single.json")), out _, out _));
        Assert.Equal(0, Run(Args(data, Path("ring.json"), "ring"), out _, out _));
        Assert.Equal(File.ReadAllText(Path("single.json")), File.ReadAllText(Path("ring.json")));
    }

    [Fact]
    public void BadArguments_AreEachNamed_WithExitCode2()
    {
        string signals = Path("signals.csv");
        File.WriteAllText(signals, "timestamp,symbol,side,confidence\n2024-01-02T14:31:00Z,AAPL,HOLD,0.9\n2024-01-02T14:32:00Z,AAPL,BUY,1.7\n");
        int code = Run(new BacktestArguments(Path("missing.csv"), signals, "2024-02-30", "2024-01-01", Path("no-config"), null, null, null, "fast", false), out _, out string stderr);
        Assert.Equal(DaemonCli.ExitConfigError, code);
        Assert.Contains("--data: file", stderr, StringComparison.Ordinal);
        Assert.Contains("--mode: expected single or ring, got 'fast'", stderr, StringComparison.Ordinal);
        Assert.Contains("--from: '2024-02-30'", stderr, StringComparison.Ordinal);
        Assert.Contains("signals.csv:2: side: must be BUY or SELL, got 'HOLD'", stderr, StringComparison.Ordinal);
        Assert.Contains("signals.csv:3: confidence: must be a number from 0 to 1, got '1.7'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordedSignals_AreTraded()
    {
        string data = Bars();
        string signals = Path("signals.csv");
        File.WriteAllText(signals, "timestamp,symbol,side,confidence\n2024-01-02T15:00:00Z,AAPL,BUY,0.9\n2024-01-03T15:00:00Z,AAPL,SELL,0.9\n");
        Assert.Equal(0, Run(Args(data, Path("r.json")) with { Strategy = signals }, out _, out string stderr));
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path("r.json")))!.AsObject();
        Assert.Equal(1, report["trade_count"]!.GetValue<int>());
        Assert.True(string.IsNullOrEmpty(stderr) || !stderr.Contains("rejected", StringComparison.Ordinal), stderr);
    }

    [Fact]
    public async Task ServiceAgent_RunsTheSameBacktest()
    {
        string data = Bars();
        (DaemonConfig? config, _) = ConfigLoader.Load(Path("no-config"));
        var service = new BacktestService(config!, data);
        JsonNode? result = await service.RunAsync(new RunBacktestParams("momentum", ["AAPL"], new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3)), CancellationToken.None);
        JsonObject report = result!.AsObject();
        Assert.True(report.ContainsKey("total_return"));
        Assert.True(report["events"]!.GetValue<long>() > 390); // two days of AAPL only

        await Assert.ThrowsAsync<AgentException>(() => service.RunAsync(new RunBacktestParams("momentum", ["TSLA"], new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3)), CancellationToken.None));
        _ = JsonSerializer.Serialize(report);
    }
}
