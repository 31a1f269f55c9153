using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>
/// The proof that a strategy runs unchanged live and in a backtest: the same configuration and the
/// same bars through <c>backtest --strategy NAME</c> and through the daemon
/// (<c>run --data FILE --ticks-per-second 0</c>, paper venue), two real processes, give the same
/// orders (time, symbol, side, quantity, price) and the same fills (time, symbol, side, quantity,
/// price), compared from the backtest's orders log and the daemon's JSON audit log, and the same
/// final cash and equity in their reports.
/// </summary>
public sealed class LiveEqualsBacktestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-live-bt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// On the fast path the strategy is decided on the trading thread. On the slow path its callbacks
    /// reach it through its queue on the strategy worker and its signals enter the ring like an agent's:
    /// the lock-step replay must wait for the worker and for its signals to be decided before the next
    /// tick, or each order lands on a later tick than in the backtest (where every strategy runs inline).
    /// </summary>
    [Theory]
    [InlineData(false, "fast path")]
    [InlineData(true, "slow path")]
    public void AConfiguredStrategy_TradesTheSame_InTheBacktest_AndLiveOnThePaperVenue(bool slowPath, string threading)
    {
        string dll = StrategyCompiler.Compile(Path.Combine(_dir, "alternator"), "Proof.Alternator", TestStrategySources.Alternator);
        WriteConfiguration(_dir, RulesOff, AlternatorEntry(dll, $"slow_path: {(slowPath ? "true" : "false")}"));

        (List<TradeLog.Trade> backtest, List<TradeLog.Trade> live) = RunBoth("alternator");

        Assert.Contains($"Strategies from config/daemon.yaml: alternator (Proof.Alternator from {dll}; {threading}; AAPL, MSFT)", File.ReadAllText(Path.Combine(_dir, "logs", "orchestrator.log")), StringComparison.Ordinal);

        Assert.Contains(backtest, t => t.Price is not null && t.Event == "order_submitted"); // limit orders were made
        TradeLog.AssertSame(backtest, live);
    }

    [Fact]
    public void TheBuiltInRules_TradeTheSame_InTheBacktest_AndLiveOnThePaperVenue()
    {
        WriteConfiguration(_dir, string.Empty, string.Empty);
        (List<TradeLog.Trade> backtest, List<TradeLog.Trade> live) = RunBoth("rules");
        TradeLog.AssertSame(backtest, live);
    }

    /// <summary>
    /// Issue 20: the rules on 5-minute bars aggregated from the file's 1-minute bars, on the NYSE session
    /// (<c>calendars: exchange</c>): the daemon builds the same bars as the backtest and trades the same.
    /// </summary>
    [Fact]
    public void TheBuiltInRules_OnFiveMinuteSessionBars_TradeTheSame_InTheBacktest_AndLiveOnThePaperVenue()
    {
        WriteConfiguration(_dir, "exits: { stop_loss: 0, take_profit: 0, trailing_stop: 0 }\nrules:\n  timeframe: 5m\n  momentum: { fast_period: 3, slow_period: 8 }\n  rsi_reversion: { period: 5 }\n", "calendars: exchange\n");
        (List<TradeLog.Trade> backtest, List<TradeLog.Trade> live) = RunBoth("rules");
        TradeLog.AssertSame(backtest, live);
        Assert.All(backtest.Where(t => t.Event == "order_submitted"), t => Assert.Equal(0, t.TsEventNs / 60_000_000_000 % 5)); // only the rules trade (exits off): on the input that closes a 5-minute bar
    }

    /// <summary>
    /// Issue 20: each rule on bars of its own (<c>rules.momentum.timeframe: 15m</c>, <c>rules.rsi_reversion.timeframe: 5m</c>)
    /// on the NYSE session: the daemon and the backtest build the same two sets of bars and trade the same.
    /// </summary>
    [Fact]
    public void TheBuiltInRules_OnTimeframesOfTheirOwn_TradeTheSame_InTheBacktest_AndLiveOnThePaperVenue()
    {
        WriteConfiguration(_dir, "exits: { stop_loss: 0, take_profit: 0, trailing_stop: 0 }\nrules:\n  momentum: { fast_period: 3, slow_period: 8, timeframe: 15m }\n  rsi_reversion: { period: 5, timeframe: 5m }\n", "calendars: exchange\n");
        (List<TradeLog.Trade> backtest, List<TradeLog.Trade> live) = RunBoth("rules");
        TradeLog.AssertSame(backtest, live);
        List<TradeLog.Trade> orders = [.. backtest.Where(t => t.Event == "order_submitted")];
        Assert.All(orders, t => Assert.Equal(0, t.TsEventNs / 60_000_000_000 % 5)); // only the rules trade (exits off): on the input that closes a bar
        Assert.Contains(orders, t => t.TsEventNs / 60_000_000_000 % 15 != 0); // RSI reversion on its 5-minute bars, between momentum's 15-minute ones
    }

    /// <summary><c>risk_management.yaml</c> with the built-in rules off: only the strategy trades.</summary>
    internal const string RulesOff = "rules:\n  momentum: { enabled: false }\n  rsi_reversion: { enabled: false }\n";

    /// <summary>The <c>strategies:</c> entry of the Alternator (<see cref="TestStrategySources.Alternator"/>) on AAPL and MSFT, every 7th bar, 5 shares, with <paramref name="more"/> parameters.</summary>
    internal static string AlternatorEntry(string dll, string more) =>
        $"strategies:\n  - name: alternator\n    assembly: {dll}\n    class: Proof.Alternator\n    symbols: [AAPL, MSFT]\n    parameters: {{ every: 7, quantity: 5, {more} }}\n";

    /// <summary>The configuration directory <c>DIR/config</c>: 100 000 cash, AAPL and MSFT, no display or agents, <paramref name="risk"/> and <paramref name="strategies"/>.</summary>
    internal static void WriteConfiguration(string dir, string risk, string strategies)
    {
        string config = Path.Combine(dir, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "myStockInfo.yaml"), "starting_cash: 100000\nwatch_list: [AAPL, MSFT]\n");
        File.WriteAllText(Path.Combine(config, "risk_management.yaml"), risk);
        File.WriteAllText(Path.Combine(config, "daemon.yaml"), "display: { enabled: false }\nagents: { enabled: false }\n" + strategies);
    }

    /// <summary>Runs the backtest and the daemon on the same bars; their orders and fills, and checks their final accounts agree.</summary>
    private (List<TradeLog.Trade> Backtest, List<TradeLog.Trade> Live) RunBoth(string strategy)
    {
        WriteBars(Path.Combine(_dir, "bars.csv"));
        (int backtestExit, string backtestOutput) = DaemonProcessTests.Run(_dir, "backtest", "--data", "bars.csv", "--strategy", strategy, "--config", "config",
            "--orders-log", "backtest-orders.jsonl", "--report", "backtest.json", "--deterministic");
        Assert.True(backtestExit == 0, backtestOutput);

        (int runExit, string runOutput) = DaemonProcessTests.Run(_dir, "run", "--config", "config", "--data", "bars.csv", "--ticks-per-second", "0",
            "--headless", "--report", "run.json", "--log-dir", "logs");
        Assert.True(runExit == 0, runOutput);
        Assert.Contains("in lock-step", runOutput, StringComparison.Ordinal);

        using JsonDocument backtestReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "backtest.json")));
        using JsonDocument runReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "run.json")));
        Assert.Equal(0, runReport.RootElement.GetProperty("audit_dropped").GetInt64()); // every audit line is in the log we compare
        Assert.Equal(backtestReport.RootElement.GetProperty("final_equity").GetDecimal(), runReport.RootElement.GetProperty("equity").GetDecimal());

        List<TradeLog.Trade> backtest = TradeLog.Read(Path.Combine(_dir, "backtest-orders.jsonl"));
        List<TradeLog.Trade> live = TradeLog.Read(Path.Combine(_dir, "logs", "orchestrator.jsonl"));
        Assert.True(backtest.Count(t => t.Event == "order_filled") >= 10, $"the backtest filled only {backtest.Count(t => t.Event == "order_filled")} orders: too little to compare");
        return (backtest, live);
    }

    /// <summary>One-minute bars of two symbols over two sessions (a seeded walk): intraday data, so Day orders expire overnight.</summary>
    internal static void WriteBars(string path)
    {
        var random = new Random(11);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal[] price = [180m, 370m];
        string[] symbols = ["AAPL", "MSFT"];
        for (int day = 0; day < 2; day++)
        {
            for (int minute = 0; minute < 390; minute++)
            {
                DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddDays(day).AddMinutes(minute);
                for (int s = 0; s < 2; s++)
                {
                    decimal open = price[s];
                    decimal close = Math.Round(open * (1 + (((decimal)random.NextDouble() - 0.5m) / 200m)), 2);
                    price[s] = close;
                    csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbols[s]},{open},{Math.Max(open, close) + 0.05m},{Math.Min(open, close) - 0.05m},{close},1000\n");
                }
            }
        }

        File.WriteAllText(path, csv.ToString());
    }
}
