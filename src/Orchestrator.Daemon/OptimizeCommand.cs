using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon;

/// <summary>What <c>orchestrator backtest optimize</c> was asked to do.</summary>
/// <param name="Data">CSV or JSONL bars or ticks (as <c>backtest --data</c>).</param>
/// <param name="Strategy">momentum, rsi_reversion, rules (both) or a strategy of daemon.yaml <c>strategies:</c>.</param>
/// <param name="Params">The swept parameters, <c>NAME=FROM..TO:STEP</c>, <c>NAME=A,B,C</c> or <c>NAME=VALUE</c>.</param>
/// <param name="Objective">sharpe, sortino, total_return, max_drawdown or calmar.</param>
/// <param name="Search">grid or random.</param>
/// <param name="Samples">Random search: how many candidates.</param>
/// <param name="Seed">Random search: the seed.</param>
/// <param name="Jobs">Candidates run at once (default: the processor count).</param>
/// <param name="Shard"><c>i/n</c>: run only candidates whose index % n == i.</param>
/// <param name="Out">Output directory: results.json, results.csv, heatmap.png.</param>
/// <param name="ConfigDir">Configuration directory (as <c>backtest --config</c>).</param>
/// <param name="From">First day or time included.</param>
/// <param name="To">Last day included, or first time excluded.</param>
/// <param name="WalkForward"><c>train=6m,test=1m[,warmup=1m]</c>: optimise on each training window, test the best on the next (warmed up by the training window, or the warm-up span).</param>
/// <param name="Catalog">A catalog directory instead of <paramref name="Data"/> (as <c>backtest --catalog</c>): each candidate streams its days.</param>
/// <param name="Symbols">With <paramref name="Catalog"/>: the symbols to replay (comma-separated; default all).</param>
public sealed record OptimizeArguments(string Data, string Strategy, IReadOnlyList<string> Params, string Objective, string Search, int Samples, int Seed, int Jobs,
    string? Shard, string Out, string ConfigDir, string? From = null, string? To = null, string? WalkForward = null, string? Catalog = null, string? Symbols = null);

/// <summary>
/// <c>backtest optimize</c>: a parameter sweep (grid or seeded random search) of a built-in rule or a configured strategy,
/// candidates in parallel, each a deterministic single-thread backtest over data loaded once;
/// <c>--shard i/n</c> and <c>backtest optimize merge</c> fan a sweep out over machines without a
/// coordinator; <c>--walk-forward</c> optimises on rolling training windows and tests out of sample.
/// </summary>
public static class OptimizeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "CSV or JSONL bars or ticks (as backtest --data), read once into memory" };
        var catalog = new Option<string?>("--catalog") { Description = "A catalog directory (data import) instead of --data: each candidate streams its days, so memory stays bounded" };
        var symbols = new Option<string?>("--symbols") { Description = "With --catalog: the symbols to replay, comma-separated (default: all the catalog holds)" };
        var strategy = new Option<string>("--strategy") { Description = "momentum | rsi_reversion | rules (both) | a strategy's name from --config's daemon.yaml strategies: (its options' parameters)", DefaultValueFactory = _ => "momentum" };
        var param = new Option<string[]>("--param") { Description = "A swept parameter: NAME=FROM..TO:STEP, NAME=A,B,C or NAME=VALUE (momentum: fast, slow; rsi_reversion: period, oversold, overbought; both: confidence); repeat for more", Required = true, AllowMultipleArgumentsPerToken = false };
        var objective = new Option<string>("--objective") { Description = "sharpe | sortino | total_return | max_drawdown (lowest wins) | calmar", DefaultValueFactory = _ => "sharpe" };
        var search = new Option<string>("--search") { Description = "grid (every combination) | random (--samples of them, seeded)", DefaultValueFactory = _ => "grid" };
        var samples = new Option<int>("--samples") { Description = "Random search: candidates drawn", DefaultValueFactory = _ => 32 };
        var seed = new Option<int>("--seed") { Description = "Random search: the seed (same seed, same candidates on every machine)", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs") { Description = "Candidates run at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var shard = new Option<string?>("--shard") { Description = "i/n: run only the candidates whose index % n == i (merge the n outputs with 'backtest optimize merge')" };
        var output = new Option<string>("--out") { Description = "Output directory (results.json, results.csv, heatmap.png)", Required = true };
        var config = new Option<string>("--config") { Description = "Configuration directory (as backtest --config)", DefaultValueFactory = _ => "config" };
        var from = new Option<string?>("--from") { Description = "First day (yyyy-MM-dd) or time included" };
        var to = new Option<string?>("--to") { Description = "Last day (yyyy-MM-dd) included, or first time excluded" };
        var walkForward = new Option<string?>("--walk-forward") { Description = "train=SPAN,test=SPAN[,warmup=SPAN] (SPAN: N d, w, m or y, e.g. train=6m,test=1m): optimise on each training window, run the best on the test window after it, warmed up by the data before it (default: the training window; warmup=0: none); stitched out-of-sample equity and figures beside the in-sample ones" };
        var command = new Command("optimize", "Sweep a strategy's parameters (grid or random search) in parallel and rank the candidates by an objective")
        {
            data, catalog, symbols, strategy, param, objective, search, samples, seed, jobs, shard, output, config, from, to, walkForward,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(
            new OptimizeArguments(parse.GetValue(data) ?? string.Empty, parse.GetValue(strategy)!, parse.GetValue(param) ?? [], parse.GetValue(objective)!, parse.GetValue(search)!,
                parse.GetValue(samples), parse.GetValue(seed), parse.GetValue(jobs), parse.GetValue(shard), parse.GetValue(output)!, parse.GetValue(config)!,
                parse.GetValue(from), parse.GetValue(to), parse.GetValue(walkForward), parse.GetValue(catalog), parse.GetValue(symbols)),
            Console.Out,
            Console.Error,
            cancellationToken)));

        var inputs = new Argument<string[]>("shards") { Description = "The shards' output directories (or their results.json files)", Arity = ArgumentArity.OneOrMore };
        var mergeOut = new Option<string>("--out") { Description = "Output directory for the merged results", Required = true };
        var merge = new Command("merge", "Merge the outputs of every --shard i/n of one sweep into the results of the whole sweep (the same bytes as one run)") { inputs, mergeOut };
        merge.SetAction(parse => Merge(parse.GetValue(inputs) ?? [], parse.GetValue(mergeOut)!, Console.Out, Console.Error));
        command.Subcommands.Add(merge);
        return command;
    }

    /// <summary>Most candidates a grid search runs (a larger grid is sampled with --search random).</summary>
    public const int MaxGridSearch = 100_000;

    /// <summary>Runs a sweep; 0 done, 1 failed while running, 2 bad arguments or configuration (each named).</summary>
    public static int Run(OptimizeArguments a, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (Prepare(a, error) is not { } sweep)
        {
            return DaemonCli.ExitConfigError;
        }

        try
        {
            if (sweep.WalkForward is { } spec)
            {
                return RunWalkForward(a, sweep, spec, output, error, cancellationToken);
            }

            IReadOnlyList<SweepCandidate> all = sweep.Definition.Candidates();
            SweepCandidate[] mine = [.. all.Where(c => sweep.Shard.Includes(c.Index))];
            bool interactive = !Console.IsErrorRedirected;
            var clock = Stopwatch.StartNew();
            List<CandidateResult> results = SweepRunner.Run(mine, (SweepCandidate c, out string? problem) => sweep.Target.Options(c, sweep.FromNs, sweep.ToNs, out problem),
                sweep.Data.Open, sweep.Definition.Objective, a.Jobs,
                interactive ? done => error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{done}/{mine.Length} candidates   ")) : null, cancellationToken);
            clock.Stop();
            if (interactive)
            {
                error.WriteLine();
            }

            var report = new SweepReport(sweep.Definition, sweep.Shard, results);
            report.WriteTo(a.Out);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"optimize: {mine.Length} of {all.Count} candidates (shard {sweep.Shard}) on {sweep.Data.Size} in {clock.Elapsed.TotalSeconds:0.00} s with {a.Jobs} job(s); results in {a.Out}"));
            output.WriteLine(Describe(report));
            return DaemonCli.ExitOk;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("optimize failed: " + ex.Message);
            return DaemonCli.ExitFault;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("optimize: cancelled; nothing written");
            return DaemonCli.ExitFault;
        }
    }

    private static int RunWalkForward(OptimizeArguments a, Sweep sweep, WalkForwardSpec spec, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        bool interactive = !Console.IsErrorRedirected;
        var clock = Stopwatch.StartNew();
        WalkForwardResult result = WalkForwardResult.Run(sweep.Definition, spec, (SweepCandidate c, out string? problem) => sweep.Target.Options(c, sweep.FromNs, sweep.ToNs, out problem),
            sweep.Data.Open, sweep.Data.FirstNs, sweep.Data.LastNs, a.Jobs, interactive ? (done, total) => error.Write(string.Create(CultureInfo.InvariantCulture, $"\rwindow {done + 1}/{total}   ")) : null, cancellationToken);
        clock.Stop();
        if (interactive)
        {
            error.WriteLine();
        }

        if (result.Steps.Count == 0)
        {
            error.WriteLine($"--walk-forward: the data ({Date(sweep.Data.FirstNs)} to {Date(sweep.Data.LastNs)}) is shorter than one training window ({spec.Train}) and a test day");
            return DaemonCli.ExitConfigError;
        }

        Backtest.BacktestReport stitched = WalkForwardWriter.WriteTo(result, a.Out);
        (double? meanIn, double? meanOut) = WalkForwardWriter.MeanObjective(result);
        string name = sweep.Definition.Objective.Name();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"walk-forward {spec}: {result.Steps.Count} windows x {sweep.Definition.Candidates().Count} candidates in {clock.Elapsed.TotalSeconds:0.00} s with {a.Jobs} job(s); results in {a.Out}"));
        foreach (WalkForwardStep step in result.Steps)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Date(step.Window.TestFromNs)}: {(step.InSample is { Score: not null } b ? Values(sweep.Definition, b.Values) : "no candidate")} in-sample {name} {Number(step.InSample?.Score)}, out-of-sample {name} {Number(step.OutOfSampleScore)}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"in-sample {name} (mean of windows) {Number(meanIn)}; out-of-sample {name} (mean of windows) {Number(meanOut)}, stitched {Number(sweep.Definition.Objective.Score(stitched))}, total return {Number(stitched.TotalReturn)}, max drawdown {stitched.MaxDrawdown:0.####}, {stitched.TradeCount} trades"));
        return DaemonCli.ExitOk;
    }

    private static string Date(long tsNs) => DateTime.UnixEpoch.AddTicks(tsNs / 100).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>Merges shard outputs (directories or results.json files) into <paramref name="outDir"/>; 0 done, 2 refused (the reason names the file).</summary>
    public static int Merge(IReadOnlyList<string> inputs, string outDir, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var shards = new List<(string, SweepReport)>();
            foreach (string input in inputs)
            {
                string path = Directory.Exists(input) ? Path.Combine(input, SweepReport.JsonFile) : input;
                if (!File.Exists(path))
                {
                    error.WriteLine($"{input}: no {SweepReport.JsonFile} (give a shard's --out directory or its {SweepReport.JsonFile})");
                    return DaemonCli.ExitConfigError;
                }

                shards.Add((path, SweepReport.ReadJson(path)));
            }

            SweepReport merged = SweepReport.Merge(shards);
            merged.WriteTo(outDir);
            output.WriteLine($"optimize merge: {shards.Count} shard(s), {merged.Results.Count} candidates; results in {outDir}");
            output.WriteLine(Describe(merged));
            return DaemonCli.ExitOk;
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine("optimize merge: " + ex.Message);
            return DaemonCli.ExitConfigError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("optimize merge failed: " + ex.Message);
            return DaemonCli.ExitFault;
        }
    }

    /// <summary>One line on the best candidate.</summary>
    internal static string Describe(SweepReport report) => report.Best is { } best
        ? string.Create(CultureInfo.InvariantCulture, $"best: {Values(report.Definition, best.Values)} {report.Definition.Objective.Name()} {best.Score:0.####}")
        : "best: none (no candidate ran with a score)";

    internal static string Values(SweepDefinition definition, IReadOnlyList<decimal> values) =>
        string.Join(' ', definition.Parameters.Select((p, i) => p.Name + "=" + values[i].ToString(CultureInfo.InvariantCulture)));

    /// <summary>A checked sweep: its definition, shard, data and target.</summary>
    internal sealed record Sweep(SweepDefinition Definition, SweepShard Shard, OptimizeData Data, SweepTarget Target, long FromNs, long ToNs, WalkForwardSpec? WalkForward);

    /// <summary>Checks the arguments, loads the configuration and the data; null when something is wrong (every problem written, named).</summary>
    internal static Sweep? Prepare(OptimizeArguments a, TextWriter error)
    {
        var errors = new List<string>();
        if (BacktestCatalog.InputProblem(a.Data, a.Catalog, a.Symbols) is { } inputProblem)
        {
            errors.Add(inputProblem);
        }
        else if (a.Catalog is null && MarketDataFileReader.PathProblem(a.Data) is { } dataProblem)
        {
            errors.Add("--data: " + dataProblem);
        }

        var parameters = new List<ParameterRange>();
        foreach (string text in a.Params)
        {
            if (ParameterRange.TryParse(text, out string? problem) is { } range)
            {
                parameters.Add(range);
            }
            else
            {
                errors.Add("--param: " + problem);
            }
        }

        if (a.Params.Count == 0)
        {
            errors.Add("--param: at least one is required, e.g. --param fast=5..20:5");
        }

        if (!OptimizationObjectives.TryParse(a.Objective, out OptimizationObjective objective))
        {
            errors.Add($"--objective: expected one of {string.Join(", ", OptimizationObjectives.Names)}, got '{a.Objective}'");
        }

        if (a.Search is not ("grid" or "random"))
        {
            errors.Add($"--search: expected grid or random, got '{a.Search}'");
        }

        if (a.Search == "random" && a.Samples < 1)
        {
            errors.Add($"--samples: must be at least 1, got {a.Samples}");
        }

        if (a.Jobs < 1)
        {
            errors.Add($"--jobs: must be at least 1, got {a.Jobs}");
        }

        SweepShard shard = SweepShard.All;
        if (a.Shard is { } shardText && !SweepShard.TryParse(shardText, out shard))
        {
            errors.Add($"--shard: expected i/n with 0 <= i < n (e.g. 0/4), got '{shardText}'");
        }

        long gridSize = SweepCandidates.GridSize(parameters);
        if (gridSize > SweepCandidates.MaxGrid)
        {
            errors.Add($"--param: the grid has more than {SweepCandidates.MaxGrid:N0} points");
        }
        else if (a.Search == "grid" && gridSize > MaxGridSearch)
        {
            errors.Add($"--param: a grid search of {gridSize:N0} candidates is more than {MaxGridSearch:N0}; sample it with --search random --samples N");
        }

        WalkForwardSpec? walkForward = null;
        if (a.WalkForward is { } walkText && (walkForward = WalkForwardSpec.TryParse(walkText, out string? walkProblem)) is null)
        {
            errors.Add("--walk-forward: " + walkProblem);
        }

        if (a.WalkForward is not null && shard.Count > 1)
        {
            errors.Add("--shard: a walk-forward runs whole (each window's sweep picks the next test's parameters); shard plain sweeps only");
        }

        long fromNs = long.MinValue, toNs = long.MaxValue;
        if (a.From is { } fromText && !BacktestCommand.TryParseBound(fromText, endOfDay: false, out fromNs))
        {
            errors.Add($"--from: '{fromText}' is not a date (yyyy-MM-dd) or ISO-8601 time");
        }

        if (a.To is { } toText && !BacktestCommand.TryParseBound(toText, endOfDay: true, out toNs))
        {
            errors.Add($"--to: '{toText}' is not a date (yyyy-MM-dd) or ISO-8601 time");
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> configErrors) = ConfigLoader.Load(a.ConfigDir);
        errors.AddRange(configErrors.Select(e => e.ToString()));
        if (errors.Count > 0 || config is null)
        {
            errors.ForEach(error.WriteLine);
            return null;
        }

        if (LoadData(a, fromNs, toNs, error) is not { } data)
        {
            return null;
        }

        if (SweepTarget.Create(config, a.Strategy, parameters, data.Symbols, errors) is not { } target)
        {
            errors.ForEach(error.WriteLine);
            return null;
        }

        bool random = a.Search == "random";
        string name = BacktestCommand.Strategy(a.Strategy) is null ? a.Strategy : a.Strategy.Trim().ToLowerInvariant(); // a configured strategy's name is as written
        var definition = new SweepDefinition(name, parameters, objective, a.Search, random ? a.Samples : 0, random ? a.Seed : 0,
            data.Name, data.Sha256, ConfigSha256(a.ConfigDir), fromNs, toNs);
        return new Sweep(definition, shard, data, target, fromNs, toNs, walkForward);
    }

    /// <summary>The data file read once (its problems reported as <c>backtest</c> does), or the catalog's listing; null with the reason written.</summary>
    private static OptimizeData? LoadData(OptimizeArguments a, long fromNs, long toNs, TextWriter error)
    {
        if (a.Catalog is { } catalog)
        {
            DataScan scan = BacktestCatalog.Scan(catalog, a.Symbols); // the listing only: each candidate streams the days
            if (scan.Symbols.Count == 0)
            {
                error.WriteLine($"--catalog: '{catalog}' holds {(a.Symbols is null ? "no data" : "none of " + a.Symbols)}");
                return null;
            }

            return BacktestCatalog.Sweep(catalog, scan, fromNs, toNs);
        }

        if (BacktestCommand.LoadData(a.Data, error, "optimize") is not { } read)
        {
            return null;
        }

        if (read.Symbols.Count == 0)
        {
            error.WriteLine($"--data: no symbols found in '{a.Data}' (a header naming symbol is required)");
            return null;
        }

        BacktestCommand.ReportDataProblems(read, error);
        return OptimizeData.From(read);
    }

    /// <summary>SHA-256 over the configuration directory's files (names and bytes, in name order); of nothing when it does not exist (the defaults).</summary>
    internal static string ConfigSha256(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
                hash.AppendData(File.ReadAllBytes(file));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
