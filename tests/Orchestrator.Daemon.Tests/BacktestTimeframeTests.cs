using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 20, multiple timeframes: <c>backtest --timeframe</c> (and risk_management.yaml <c>rules.timeframe</c>) makes
/// momentum and rsi_reversion compute on bars aggregated from the file's 1-minute bars, on real files end to end.
/// </summary>
public sealed class BacktestTimeframeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-bttf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>Two days of 1-minute AAPL bars in the NYSE session, on a wave with a slower swing.</summary>
    private string MinuteBars()
    {
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal previous = 180m;
        for (int day = 0; day < 2; day++)
        {
            for (int minute = 0; minute < 390; minute++)
            {
                DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddDays(day).AddMinutes(minute);
                int i = (day * 390) + minute;
                decimal close = Math.Round(180m + (decimal)(Math.Sin(i / 45.0) * 4) + (decimal)(Math.Sin(i / 4.0) * 0.6), 2);
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},AAPL,{previous},{Math.Max(previous, close) + 0.03m},{Math.Min(previous, close) - 0.03m},{close},{1000 + (i % 13)}\n");
                previous = close;
            }
        }

        string path = Path("minutes.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private int Run(string data, string report, string config = "no-config", string? timeframe = null, string mode = "single", string strategy = "rules")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BacktestCommand.Run(new BacktestArguments(data, strategy, null, null, Path(config), Path(report), null, null, mode, Deterministic: true, Timeframe: timeframe), output, error);
        Errors = error.ToString();
        return code;
    }

    private string Errors { get; set; } = string.Empty;

    private JsonObject Report(string name) => JsonNode.Parse(File.ReadAllText(Path(name)))!.AsObject();

    [Fact]
    public void Timeframe_ChangesWhatTheRulesSee_AndTheConfigKeyGivesTheSameRunAsTheOption()
    {
        string data = MinuteBars();
        Directory.CreateDirectory(Path("tf-config"));
        File.WriteAllText(Path("tf-config/risk_management.yaml"), "rules:\n  timeframe: 5m\n");

        Assert.Equal(0, Run(data, "tick.json"));
        Assert.Equal(0, Run(data, "option.json", timeframe: "5m"));
        Assert.Equal(0, Run(data, "config.json", config: "tf-config"));
        Assert.Equal(0, Run(data, "ring.json", timeframe: "5m", mode: "ring"));
        Assert.Equal(0, Run(data, "override.json", config: "tf-config", timeframe: "tick"));

        long tickTrades = Report("tick.json")["trade_count"]!.GetValue<long>();
        long fiveTrades = Report("option.json")["trade_count"]!.GetValue<long>();
        Assert.True(fiveTrades > 0, "the rules must trade on 5-minute bars");
        Assert.True(tickTrades > fiveTrades, $"5-minute bars must give fewer rule trades than every minute ({fiveTrades} vs {tickTrades})");
        Assert.Equal(File.ReadAllText(Path("option.json")), File.ReadAllText(Path("config.json")));
        Assert.Equal(File.ReadAllText(Path("option.json")), File.ReadAllText(Path("ring.json")));
        Assert.Equal(File.ReadAllText(Path("tick.json")), File.ReadAllText(Path("override.json")));
    }

    [Fact]
    public void ARulesOwnTimeframe_ChangesOnlyThatRule_AndTheOptionSetsBoth()
    {
        string data = MinuteBars();
        Directory.CreateDirectory(Path("own-config"));
        File.WriteAllText(Path("own-config/risk_management.yaml"), "rules:\n  timeframe: 5m\n  rsi_reversion: { timeframe: 15m }\n");

        Assert.Equal(0, Run(data, "five.json", timeframe: "5m"));
        Assert.Equal(0, Run(data, "own.json", config: "own-config"));
        Assert.Equal(0, Run(data, "own-ring.json", config: "own-config", mode: "ring"));
        Assert.Equal(0, Run(data, "option-over-own.json", config: "own-config", timeframe: "5m"));

        Assert.NotEqual(File.ReadAllText(Path("five.json")), File.ReadAllText(Path("own.json"))); // RSI reversion on 15-minute bars decides otherwise
        Assert.Equal(File.ReadAllText(Path("own.json")), File.ReadAllText(Path("own-ring.json")));
        Assert.Equal(File.ReadAllText(Path("five.json")), File.ReadAllText(Path("option-over-own.json"))); // --timeframe: the bars of both rules
    }

    [Fact]
    public void ABadTimeframe_OrOneForANonRuleStrategy_IsNamed_WithExitCode2()
    {
        string data = MinuteBars();
        Assert.Equal(DaemonCli.ExitConfigError, Run(data, "bad.json", timeframe: "5x"));
        Assert.Contains("--timeframe: must be tick or a bar length <n>s, <n>m, <n>h or <n>d (e.g. 5m, 1h, 1d), got '5x'", Errors, StringComparison.Ordinal);

        string signals = Path("signals.csv");
        File.WriteAllText(signals, "timestamp,symbol,side,confidence\n2024-01-02T15:00:00Z,AAPL,BUY,0.9\n");
        Assert.Equal(DaemonCli.ExitConfigError, Run(data, "signals.json", timeframe: "5m", strategy: signals));
        Assert.Contains("--timeframe: applies to the built-in rules", Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("bad.json")));
    }
}
