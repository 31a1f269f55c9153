using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Backtest;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon;

/// <summary>What <c>orchestrator backtest</c> was asked to do.</summary>
/// <param name="Data">CSV or JSONL bars or ticks.</param>
/// <param name="Strategy">momentum, rsi_reversion, rules (both), a strategy named in the configuration's daemon.yaml <c>strategies:</c>, or a recorded signal file.</param>
/// <param name="From">First day or time included (ISO-8601 date or time, or epoch ns).</param>
/// <param name="To">Last day included (a date), or first time excluded (a time).</param>
/// <param name="ConfigDir">Configuration directory: risk, sizing, exits, fees, slippage, starting cash.</param>
/// <param name="Report">JSON report path.</param>
/// <param name="EquityCsv">Equity curve CSV path.</param>
/// <param name="Plot">Equity chart PNG path.</param>
/// <param name="Mode">single (fast, deterministic) or ring (through the live rings).</param>
/// <param name="Deterministic">Leave wall-clock figures out of the report so equal inputs give equal bytes.</param>
/// <param name="OrdersLog">JSON lines path: every order sent and every fill (<see cref="OrdersLogWriter"/>).</param>
/// <param name="LlmTranscript">An LLM agent's transcript to answer its model calls from (deterministic replay, no network).</param>
/// <param name="LlmLive">Ask the LLM agent's live model (an estimate is printed first).</param>
/// <param name="Yes">Confirms <paramref name="LlmLive"/>: without it the run does not start.</param>
/// <param name="LlmRecord">With <paramref name="LlmLive"/>: the new transcript of the run's model calls.</param>
/// <param name="Timeframe">The bars the built-in rules compute on (<c>tick</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>); null = risk_management.yaml's <c>rules.timeframe</c>.</param>
/// <param name="Catalog">A market-data catalog directory to read instead of <paramref name="Data"/> (<c>data import</c> writes one).</param>
/// <param name="Symbols">With <paramref name="Catalog"/>: the symbols to replay, comma-separated (null = all the catalog holds).</param>
public sealed record BacktestArguments(string Data, string Strategy, string? From, string? To, string ConfigDir, string? Report, string? EquityCsv, string? Plot, string Mode, bool Deterministic, string? OrdersLog = null,
    string? LlmTranscript = null, bool LlmLive = false, bool Yes = false, string? LlmRecord = null, string? Timeframe = null, string? Catalog = null, string? Symbols = null);

/// <summary>The <c>backtest</c> command: the live handlers over recorded data.</summary>
public static class BacktestCommand
{
    private const long NsPerDay = 86_400_000_000_000;

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "CSV or JSONL bars (timestamp,symbol,open,high,low,close,volume) or ticks (or --catalog)", DefaultValueFactory = _ => string.Empty };
        var catalog = new Option<string?>("--catalog") { Description = "A market-data catalog directory (data import) instead of --data" };
        var symbols = new Option<string?>("--symbols") { Description = "With --catalog: symbols to replay, comma-separated (default: all in the catalog)" };
        var strategy = new Option<string>("--strategy") { Description = "momentum | rsi_reversion | rules (both) | a strategy's name from --config's daemon.yaml strategies: | a recorded signal file (timestamp,symbol,side,confidence[,price])", DefaultValueFactory = _ => "rules" };
        var from = new Option<string?>("--from") { Description = "First day (yyyy-MM-dd) or time included" };
        var to = new Option<string?>("--to") { Description = "Last day (yyyy-MM-dd) included, or first time excluded" };
        var config = new Option<string>("--config") { Description = "Configuration directory (risk, sizing, exits, paper fees and slippage, starting cash)", DefaultValueFactory = _ => "config" };
        var report = new Option<string?>("--report") { Description = "Write the JSON report here" };
        var csv = new Option<string?>("--equity-csv") { Description = "Write the equity curve as CSV here" };
        var plot = new Option<string?>("--plot") { Description = "Write the equity curve as a PNG chart here" };
        var ordersLog = new Option<string?>("--orders-log") { Description = "Write every order sent and every fill here, one JSON line each (the fields of the daemon's JSON audit log)" };
        var mode = new Option<string>("--mode") { Description = "single (fast, deterministic) | ring (through the live rings, same result)", DefaultValueFactory = _ => "single" };
        var deterministic = new Option<bool>("--deterministic") { Description = "Leave wall-clock figures (events/s, elapsed) out of the report" };
        var llmTranscript = new Option<string?>("--llm-transcript") { Description = "An LLM agent (--strategy AGENT): answer its model calls from this transcript (the daemon's llm/AGENT.jsonl or a --llm-record file), in order, without a network; a call whose prompt differs stops the run" };
        var llmLive = new Option<bool>("--llm-live") { Description = "An LLM agent: ask its live model (costs money): prints the calls, tokens, cost and time it would take, and starts only with --yes" };
        var yes = new Option<bool>("--yes") { Description = "Confirms --llm-live" };
        var timeframe = new Option<string?>("--timeframe") { Description = "The bars momentum and rsi_reversion compute on: tick (every input) or a length such as 5m, 1h, 1d, aggregated from the data on event time (default: risk_management.yaml rules.timeframe, else tick)" };
        var llmRecord = new Option<string?>("--llm-record") { Description = "With --llm-live: write the run's transcript here (a new file; default llm/AGENT-backtest-TIME.jsonl)" };
        var command = new Command("backtest", "Backtest a strategy on recorded data with the live engine's handlers and the paper venue's fill model")
        {
            data, strategy, from, to, config, report, csv, plot, mode, deterministic, ordersLog, llmTranscript, llmLive, yes, llmRecord, timeframe, catalog, symbols,
        };
        command.SetAction(parse => Run(
            new BacktestArguments(parse.GetValue(data)!, parse.GetValue(strategy)!, parse.GetValue(from), parse.GetValue(to), parse.GetValue(config)!,
                parse.GetValue(report), parse.GetValue(csv), parse.GetValue(plot), parse.GetValue(mode)!, parse.GetValue(deterministic), parse.GetValue(ordersLog),
                parse.GetValue(llmTranscript), parse.GetValue(llmLive), parse.GetValue(yes), parse.GetValue(llmRecord), parse.GetValue(timeframe), parse.GetValue(catalog), parse.GetValue(symbols)),
            Console.Out,
            Console.Error));
        command.Subcommands.Add(OptimizeCommand.Create());
        return command;
    }

    /// <summary>Runs a backtest; 0 done, 1 failed while running, 2 bad arguments or configuration (each named).</summary>
    public static int Run(BacktestArguments a, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(a);
        var total = Stopwatch.StartNew(); // the whole run's time starts with reading the configuration
        return Run(a, ConfigLoader.Load(a.ConfigDir), output, error, total);
    }

    /// <summary><see cref="Run(BacktestArguments, TextWriter, TextWriter)"/> with the configuration already loaded (tests declare agents in it).</summary>
    internal static int Run(BacktestArguments a, (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) loaded, TextWriter output, TextWriter error, Stopwatch? total = null)
    {
        total ??= Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var errors = new List<string>();
        if (BacktestCatalog.InputProblem(a) is { } inputProblem)
        {
            errors.Add(inputProblem);
        }
        else if (a.Catalog is null && MarketDataFileReader.PathProblem(a.Data) is { } dataProblem)
        {
            errors.Add("--data: " + dataProblem);
        }

        BacktestMode mode = a.Mode switch
        {
            "single" => BacktestMode.SingleThread,
            "ring" => BacktestMode.Ring,
            _ => (BacktestMode)(-1),
        };
        if ((int)mode < 0)
        {
            errors.Add($"--mode: expected single or ring, got '{a.Mode}'");
        }

        long fromNs = long.MinValue;
        long toNs = long.MaxValue;
        if (a.From is { } fromText && !TryParseBound(fromText, endOfDay: false, out fromNs))
        {
            errors.Add($"--from: '{fromText}' is not a date (yyyy-MM-dd) or ISO-8601 time");
        }

        if (a.To is { } toText && !TryParseBound(toText, endOfDay: true, out toNs))
        {
            errors.Add($"--to: '{toText}' is not a date (yyyy-MM-dd) or ISO-8601 time");
        }

        if (fromNs >= toNs)
        {
            errors.Add("--from: must be before --to");
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> configErrors) = loaded;
        errors.AddRange(configErrors.Select(e => e.ToString()));

        RuleOptions? rules = null;
        IReadOnlyList<RecordedSignal> signals = [];
        StrategyDefinition? configured = config?.Strategies.FirstOrDefault(d => d.Name == a.Strategy);
        if (Strategy(a.Strategy) is { } builtIn)
        {
            rules = builtIn;
        }
        else if (configured is not null)
        {
            // The configured strategy alone: the built-in rules stay off, as with a signal file.
        }
        else if (config?.LlmAgents.FirstOrDefault(d => string.Equals(d.Name, a.Strategy, StringComparison.OrdinalIgnoreCase)) is { } agent)
        {
            configured = config.Strategies.First(d => d.Name == agent.Name); // an LLM agent of agent_model.yaml, by its name in any case
        }
        else if (!File.Exists(a.Strategy))
        {
            string configuredNames = config is null ? $"{ConfigLoader.DaemonFile} could not be read, see above"
                : config.Strategies.Count == 0 ? $"{Path.Combine(a.ConfigDir, ConfigLoader.DaemonFile)} names none"
                : string.Join(", ", config.Strategies.Select(d => d.Name));
            errors.Add($"--strategy: '{a.Strategy}' is not momentum, rsi_reversion, rules, a strategy of daemon.yaml strategies: ({configuredNames}) or a signal file");
        }
        else
        {
            (signals, IReadOnlyList<string> signalErrors) = BacktestInputs.LoadSignals(a.Strategy);
            errors.AddRange(signalErrors);
        }

        config = WithRuleTimeframe(config, a, rules is not null, errors);
        LlmBacktest? llm = LlmBacktest.Prepare(a, config, configured, errors);
        if (errors.Count > 0 || config is null)
        {
            errors.ForEach(error.WriteLine);
            return DaemonCli.ExitConfigError;
        }

        BacktestData? data = null; // --data: read once, into memory
        DataScan scan;
        if (a.Catalog is null)
        {
            if (LoadData(a.Data, error) is not { } read)
            {
                return DaemonCli.ExitFault;
            }

            data = read;
            scan = new DataScan(read.Symbols, read.FirstNs, read.LastNs);
        }
        else
        {
            scan = BacktestCatalog.Scan(a); // the listing only: the catalog's days stream during the run
            if (scan.Symbols.Count == 0)
            {
                error.WriteLine($"--catalog: '{a.Catalog}' holds {(a.Symbols is null ? "no data" : "none of " + a.Symbols)}");
                return DaemonCli.ExitConfigError;
            }
        }

        if (scan.Symbols.Count == 0)
        {
            error.WriteLine($"--data: no symbols found in '{a.Data}' (a header naming symbol is required)");
            return DaemonCli.ExitConfigError;
        }

        if (configured?.Symbols.Where(x => !scan.Symbols.Contains(x, StringComparer.Ordinal)).ToList() is { Count: > 0 } missing)
        {
            error.WriteLine($"--strategy: {configured.Name} trades {string.Join(", ", missing)}, which '{a.Catalog ?? a.Data}' does not hold (its symbols: {string.Join(", ", scan.Symbols)})");
            return DaemonCli.ExitConfigError;
        }

        long first = Math.Max(scan.FirstNs, fromNs);
        long last = Math.Min(scan.LastNs, toNs);
        if (llm is not null && !llm.Confirm(a, fromNs, toNs, output, error))
        {
            return DaemonCli.ExitConfigError;
        }

        using IDisposable? llmClient = llm?.Attach(ref configured);
        bool interactive = !Console.IsErrorRedirected;
        var clock = Stopwatch.StartNew();
        BacktestOptions options = BuildOptions(config, scan.Symbols, rules, signals, fromNs, toNs, mode, configured) with
        {
            ProgressEvery = 250_000,
            Progress = interactive ? new InlineProgress(e =>
            {
                double fraction = e.Fraction >= 1 ? 1 : last > first ? Math.Clamp((e.TsNs - first) / (double)(last - first), 0, 1) : 1;
                error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{fraction:P0}  {e.MarketEvents:N0} events  {e.MarketEvents / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} events/s   "));
            }) : null,
        };

        try
        {
            var runner = new BacktestRunner(options);
            double loadSeconds = total.Elapsed.TotalSeconds; // configuration, data (or the catalog's listing), signals, the engine's setup
            using CatalogMarketDataSource? catalogSource = a.Catalog is null ? null : BacktestCatalog.Open(a.Catalog, runner.Engine.Symbols, fromNs, toNs); // disposed: its prefetch thread stops on any exit
            IMarketDataSource source = data?.Open() ?? catalogSource!;
            BacktestResult result = runner.Run(source) with { LoadSeconds = loadSeconds };
            if (interactive)
            {
                error.WriteLine();
            }

            if (data is not null)
            {
                ReportDataProblems(data, error);
            }

            if (llm is not null && !llm.Finish(output, error))
            {
                return DaemonCli.ExitFault; // the replay left its transcript: not the recorded run, no report
            }

            WriteOutputs(result, a, output, total);
            return DaemonCli.ExitOk;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or TimeoutException)
        {
            error.WriteLine("backtest failed: " + ex.Message);
            return DaemonCli.ExitFault;
        }
    }

    /// <summary>
    /// Backtest options from the configuration (risk, sizing, exits, the rules' settings, paper fees
    /// and slippage, starting cash) for these symbols; <paramref name="rules"/> says which built-in
    /// rules run (null = none: recorded signals or <paramref name="strategy"/> only), and
    /// <paramref name="strategy"/> which configured strategy runs (a new instance; null = none).
    /// </summary>
    public static BacktestOptions BuildOptions(DaemonConfig config, IReadOnlyList<string> symbols, RuleOptions? rules, IReadOnlyList<RecordedSignal> signals, long fromNs, long toNs, BacktestMode mode, StrategyDefinition? strategy = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(symbols);
        SessionOptions session = DaemonCli.BuildOptions(config with { Strategies = [] }, 0, 0, WaitStrategyKind.Blocking);
        return new BacktestOptions
        {
            Engine = session.Engine with
            {
                Symbols = symbols,
                // The rules' settings come from risk_management.yaml; the strategy picks which run.
                Rules = config.Engine.Rules with { MomentumEnabled = rules?.MomentumEnabled ?? false, RsiReversionEnabled = rules?.RsiReversionEnabled ?? false },
                Strategies = strategy is null ? [] : [strategy.Register()], // the one asked for, not every enabled one
            },
            Paper = session.Paper with { SymbolCount = symbols.Count },
            FromNs = fromNs,
            ToNs = toNs,
            Mode = mode,
            Signals = signals,
        };
    }

    /// <summary>
    /// <c>--timeframe</c> over the configuration's <c>rules.timeframe</c> (issue 20): an error when it does not parse
    /// or the strategy is not a built-in rule (the configuration as it was then).
    /// </summary>
    private static DaemonConfig? WithRuleTimeframe(DaemonConfig? config, BacktestArguments a, bool builtInRules, List<string> errors)
    {
        if (a.Timeframe is not { } text)
        {
            return config;
        }

        if (!ConfigLoader.TryParseRuleTimeframe(text, out Orchestrator.Strategies.Timeframe? timeframe))
        {
            errors.Add("--timeframe: " + ConfigLoader.RuleTimeframeError(text));
            return config;
        }

        if (!builtInRules)
        {
            errors.Add($"--timeframe: applies to the built-in rules (--strategy momentum, rsi_reversion or rules), not to '{a.Strategy}'");
            return config;
        }

        // The bars both rules compute on: over rules.timeframe and over a rule's own (rules.<rule>.timeframe).
        return config is null ? null : config with { Engine = config.Engine with { Rules = config.Engine.Rules with { Timeframe = timeframe, MomentumBars = null, RsiReversionBars = null } } };
    }

    /// <summary>
    /// The built-in strategies by name (null when the name is not one): any case, and with the
    /// brief's <c>_strategy</c> suffix too (<c>momentum_strategy</c> is <c>momentum</c>).
    /// </summary>
    public static RuleOptions? Strategy(string name) => StrategyName(name) switch
    {
        "momentum" => new RuleOptions { MomentumEnabled = true, RsiReversionEnabled = false },
        "rsi_reversion" => new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = true },
        "rules" => new RuleOptions(),
        _ => null,
    };

    private static string StrategyName(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        return key.EndsWith("_strategy", StringComparison.Ordinal) ? key[..^"_strategy".Length] : key;
    }

    /// <summary>A date alone means the whole day: from its start, or (for --to) through its end.</summary>
    public static bool TryParseBound(string text, bool endOfDay, out long ns)
    {
        if (!MarketDataTimestamp.TryParseNs(text, out ns))
        {
            return false;
        }

        if (endOfDay && DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            ns += NsPerDay;
        }

        return true;
    }

    /// <summary>
    /// The data file read once (issue 20), or null with the reason written: a bad header, or two
    /// differing bars of one symbol and time.
    /// </summary>
    internal static BacktestData? LoadData(string path, TextWriter error, string command = "backtest")
    {
        try
        {
            return BacktestData.Load(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine(command + " failed: " + ex.Message);
            return null;
        }
    }

    /// <summary>What the data file needed fixing, one line each (the log has the lines).</summary>
    internal static void ReportDataProblems(BacktestData data, TextWriter error)
    {
        if (data.Rejected > 0)
        {
            error.WriteLine($"{data.Rejected} line(s) of '{data.FilePath}' were rejected (see the log)");
        }

        if (data.OutOfOrder > 0)
        {
            error.WriteLine($"{data.OutOfOrder} row(s) of '{data.FilePath}' were out of time order: the rows were sorted by time (stable)");
        }

        if (data.Duplicates > 0)
        {
            error.WriteLine($"{data.Duplicates} duplicate bar(s) of '{data.FilePath}' (same symbol, time and values) were dropped");
        }
    }

    /// <summary>
    /// The report's files, then the JSON report and the console line with the whole run's time
    /// (load + engine + report, issue 20): <paramref name="total"/> has run since before the load.
    /// </summary>
    private static void WriteOutputs(BacktestResult result, BacktestArguments a, TextWriter output, Stopwatch total)
    {
        BacktestReport report = BacktestMetrics.Compute(result);
        if (a.EquityCsv is { } csvPath)
        {
            CreateDirectoryFor(csvPath);
            EquityCsvWriter.WriteFile(result, csvPath);
        }

        if (a.OrdersLog is { } ordersPath)
        {
            CreateDirectoryFor(ordersPath);
            OrdersLogWriter.WriteFile(result, ordersPath);
        }

        if (a.Plot is { } plotPath)
        {
            CreateDirectoryFor(plotPath);
            EquityChart.SavePng(result, report, plotPath);
        }

        report = report.WithReportSeconds(total.Elapsed.TotalSeconds - result.LoadSeconds - result.ElapsedSeconds); // so the phases add up to the stopwatch
        if (a.Report is { } reportPath)
        {
            CreateDirectoryFor(reportPath);
            BacktestReportWriter.WriteFile(report, reportPath, a.Deterministic);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backtest: total return {Percent(report.TotalReturn)}, CAGR {Percent(report.Cagr)}, Sharpe {report.Sharpe?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-"}, max drawdown {report.MaxDrawdown:P2}, {report.TradeCount} trades (win rate {Percent(report.WinRate)}), fees {report.Fees:0.##}, final equity {report.FinalEquity:0.##}; {result.Events:N0} events in {report.ElapsedSeconds:0.00} s = {report.EventsPerSecond ?? 0:N0} events/s (load {report.LoadSeconds:0.00} s, engine {report.EngineSeconds:0.00} s, report {report.ReportSeconds:0.00} s)"));
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("P2", CultureInfo.InvariantCulture) : "-";

    private static void CreateDirectoryFor(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>The report of a run as JSON (what --report writes and service_agent.run_backtest returns).</summary>
    public static JsonNode Summary(BacktestResult result, bool deterministic) =>
        JsonNode.Parse(BacktestReportWriter.ToJson(BacktestMetrics.Compute(result), deterministic))!;

    /// <summary>Reports progress on the runner's thread (no synchronization context hop, so lines appear in order).</summary>
    private sealed class InlineProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }
}
