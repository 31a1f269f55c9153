using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests;

/// <summary><c>backtest optimize</c> end to end on real files: ranking, parallel determinism, shards and their merge, errors.</summary>
public sealed class OptimizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-opt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    /// <summary>Minute bars of two symbols over eight weekdays: a seeded random walk with slow swings, so the rules trade.</summary>
    private string WriteBars()
    {
        var random = new Random(11);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal[] price = [100m, 250m];
        var start = new DateTime(2024, 3, 4, 14, 30, 0, DateTimeKind.Utc); // a Monday
        for (int day = 0; day < 10; day++)
        {
            if (start.AddDays(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (int minute = 0; minute < 390; minute++)
            {
                DateTime t = start.AddDays(day).AddMinutes(minute);
                for (int s = 0; s < 2; s++)
                {
                    decimal drift = (decimal)Math.Sin((day * 390 + minute) / (40.0 + 25 * s)) / 1500m;
                    decimal open = price[s];
                    decimal close = Math.Round(open * (1 + drift + (((decimal)random.NextDouble() - 0.5m) / 400m)), 2);
                    price[s] = close;
                    csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{(s == 0 ? "AAA" : "BBB")},{open},{Math.Max(open, close) + 0.02m},{Math.Min(open, close) - 0.02m},{close},500\n");
                }
            }
        }

        string path = In("bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private OptimizeArguments Args(string data, string output, string? shard = null, int jobs = 2, string objective = "sharpe") =>
        new(data, "momentum", ["fast=5..20:5", "slow=20..60:10"], objective, "grid", 0, 0, jobs, shard, In(output), In("no-config"));

    internal static int Run(OptimizeArguments a, out string stdout, out string stderr)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = OptimizeCommand.Run(a, output, error);
        (stdout, stderr) = (output.ToString(), error.ToString());
        return code;
    }

    private static int Merge(string[] inputs, string output, out string stderr)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = OptimizeCommand.Merge(inputs, output, o, e);
        stderr = e.ToString();
        return code;
    }

    [Fact]
    public void Grid_RanksEveryCandidate_ByTheSameFiguresAsABacktest_AndTheJobCountChangesNoByte()
    {
        string data = WriteBars();
        Assert.Equal(0, Run(Args(data, "one", jobs: 1), out string stdout, out string stderr));
        Assert.Equal(0, Run(Args(data, "two", jobs: 2), out _, out _));
        Assert.Contains("best: fast=", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { SweepReport.JsonFile, SweepReport.CsvFile, SweepReport.HeatMapFile })
        {
            Assert.True(File.ReadAllBytes(In("one/" + file)).AsSpan().SequenceEqual(File.ReadAllBytes(In("two/" + file))), file + " differs between 1 and 2 jobs; stderr: " + stderr);
        }

        string[] rows = File.ReadAllLines(In("one/" + SweepReport.CsvFile));
        Assert.Equal("rank,index,fast,slow,objective,total_return,cagr,sharpe,sortino,max_drawdown,calmar,trades,final_equity,error", rows[0]);
        Assert.Equal(1 + (4 * 5), rows.Length); // every point of the grid, the refused one too
        string refused = Assert.Single(rows, r => r.EndsWith("\"fast (20) must be below slow (20)\"", StringComparison.Ordinal));
        Assert.Equal("20", refused.Split(',')[0]); // ranked last: no score

        double[] scores = [.. rows.Skip(1).Take(19).Select(r => double.Parse(r.Split(',')[4], CultureInfo.InvariantCulture))];
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.True(rows.Skip(1).Take(19).Sum(r => int.Parse(r.Split(',')[11], CultureInfo.InvariantCulture)) > 0, "the rules should trade on this data");

        // The best candidate's figures are a plain backtest's with those settings from the file.
        string[] best = rows[1].Split(',');
        (DaemonConfig? config, _) = ConfigLoader.Load(In("no-config"));
        DaemonConfig tuned = config! with { Engine = config.Engine with { Rules = config.Engine.Rules with { MomentumFastPeriod = int.Parse(best[2], CultureInfo.InvariantCulture), MomentumSlowPeriod = int.Parse(best[3], CultureInfo.InvariantCulture) } } };
        var runner = new BacktestRunner(BacktestCommand.BuildOptions(tuned, BacktestData.Load(data).Symbols, BacktestCommand.Strategy("momentum"), [], long.MinValue, long.MaxValue, BacktestMode.SingleThread));
        using var reader = new MarketDataFileReader(data, runner.Engine.Symbols);
        BacktestReport plain = BacktestMetrics.Compute(runner.Run(reader));
        Assert.Equal(plain.Sharpe!.Value.ToString("R", CultureInfo.InvariantCulture), best[4]);
        Assert.Equal(plain.TradeCount.ToString(CultureInfo.InvariantCulture), best[11]);
        Assert.Equal(plain.FinalEquity.ToString(CultureInfo.InvariantCulture), best[12]);
    }

    /// <summary>The lines of a results file but those naming the data (its name, its hash and the fingerprint over it).</summary>
    internal static string[] WithoutDataLines(string path) =>
        [.. File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith("\"fingerprint\"", StringComparison.Ordinal)
            && !l.TrimStart().StartsWith("\"data\"", StringComparison.Ordinal) && !l.TrimStart().StartsWith("\"data_sha256\"", StringComparison.Ordinal))];

    /// <summary>Imports <paramref name="csv"/> into a new catalog with <c>data import</c>; the catalog's directory.</summary>
    internal static string Import(string csv, string catalog)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        Assert.True(DataCommand.Import([csv], catalog, "lz4", o, e) == 0, e.ToString());
        return catalog;
    }

    [Fact]
    public void FromACatalog_TheResultsAreTheCsvsItWasImportedFrom_AndTheFingerprintCoversTheChosenSymbolsDays()
    {
        string data = WriteBars();
        string catalog = Import(data, In("catalog"));
        Assert.Equal(0, Run(Args(data, "csv"), out _, out string csvErrors));
        Assert.Equal(0, Run(Args(string.Empty, "cat") with { Catalog = catalog }, out string stdout, out string stderr));
        Assert.Contains("day file(s)", stdout, StringComparison.Ordinal);
        Assert.Equal(WithoutDataLines(In("csv/" + SweepReport.JsonFile)), WithoutDataLines(In("cat/" + SweepReport.JsonFile)));
        Assert.Equal(File.ReadAllBytes(In("csv/" + SweepReport.CsvFile)), File.ReadAllBytes(In("cat/" + SweepReport.CsvFile)));
        Assert.Equal(File.ReadAllBytes(In("csv/" + SweepReport.HeatMapFile)), File.ReadAllBytes(In("cat/" + SweepReport.HeatMapFile)));
        Assert.True(csvErrors.Length == 0 && stderr.Length == 0, csvErrors + stderr);
        SweepReport fromCatalog = SweepReport.ReadJson(In("cat/" + SweepReport.JsonFile));
        Assert.Equal("catalog (AAA,BBB)", fromCatalog.Definition.DataName);

        // The fingerprint covers the chosen symbols' day files in the range: another symbol's files do not change it, a chosen one's do.
        Assert.Equal(0, Run(Args(string.Empty, "a1") with { Catalog = catalog, Symbols = "aaa" }, out _, out _));
        string[] bbb = Directory.GetFiles(Path.Combine(catalog, "bars", "BBB"));
        File.Delete(bbb[0]);
        Assert.Equal(0, Run(Args(string.Empty, "a2") with { Catalog = catalog, Symbols = "aaa" }, out _, out _));
        string[] aaa = [.. Directory.GetFiles(Path.Combine(catalog, "bars", "AAA")).Order(StringComparer.Ordinal)];
        File.Delete(aaa[^1]);
        Assert.Equal(0, Run(Args(string.Empty, "a3") with { Catalog = catalog, Symbols = "aaa" }, out _, out _));
        string Fingerprint(string run) => SweepReport.ReadJson(In(run + "/" + SweepReport.JsonFile)).Definition.Fingerprint;
        Assert.Equal(Fingerprint("a1"), Fingerprint("a2"));
        Assert.NotEqual(Fingerprint("a1"), Fingerprint("a3"));
        Assert.NotEqual(Fingerprint("a1"), Fingerprint("cat"));

        // As backtest --catalog: exactly one input, known symbols.
        Assert.Equal(2, Run(Args(data, "both") with { Catalog = catalog }, out _, out string both));
        Assert.Contains("--catalog: give --data or --catalog, not both", both, StringComparison.Ordinal);
        Assert.Equal(2, Run(Args(string.Empty, "x") with { Catalog = catalog, Symbols = "ZZZ" }, out _, out string unknown));
        Assert.Contains("--symbols: ", unknown, StringComparison.Ordinal);
        Assert.Contains("ZZZ", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileOutOfOrder_WithADuplicateBar_IsSortedAndCounted_AsInABacktest()
    {
        string data = WriteBars();
        string[] lines = File.ReadAllLines(data);
        File.WriteAllLines(In("shuffled.csv"), [lines[0], .. lines.Skip(1).Reverse(), lines[1]]); // every row reversed, the first once more
        Assert.Equal(0, Run(Args(data, "sorted"), out _, out _));
        Assert.Equal(0, Run(Args(In("shuffled.csv"), "shuffled"), out _, out string stderr));
        Assert.Contains("were out of time order: the rows were sorted by time (stable)", stderr, StringComparison.Ordinal);
        Assert.Contains("1 duplicate bar(s) of", stderr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(In("sorted/" + SweepReport.CsvFile)), File.ReadAllBytes(In("shuffled/" + SweepReport.CsvFile)));
    }

    [Fact]
    public void TwoShards_Merged_GiveTheBytesOfOneRun()
    {
        string data = WriteBars();
        Assert.Equal(0, Run(Args(data, "whole"), out _, out _));
        Assert.Equal(0, Run(Args(data, "s1", "1/2", jobs: 1), out _, out _)); // shards may run in any order, with any job count
        Assert.Equal(0, Run(Args(data, "s0", "0/2"), out string stdout, out _));
        Assert.Contains("10 of 20 candidates (shard 0/2)", stdout, StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllBytes(In("whole/" + SweepReport.JsonFile)), File.ReadAllBytes(In("s0/" + SweepReport.JsonFile)));

        Assert.Equal(0, Merge([In("s1"), In("s0/" + SweepReport.JsonFile)], In("merged"), out string stderr));
        foreach (string file in new[] { SweepReport.JsonFile, SweepReport.CsvFile, SweepReport.HeatMapFile })
        {
            Assert.True(File.ReadAllBytes(In("whole/" + file)).AsSpan().SequenceEqual(File.ReadAllBytes(In("merged/" + file))), file + " of the merge differs from one run; " + stderr);
        }
    }

    [Fact]
    public void Merge_RefusesShardsOfAnotherSweep_AMissingShard_AndAShardTwice()
    {
        string data = WriteBars();
        Assert.Equal(0, Run(Args(data, "s0", "0/2"), out _, out _));
        Assert.Equal(0, Run(Args(data, "s1", "1/2"), out _, out _));
        Assert.Equal(0, Run(Args(data, "other", "1/2", objective: "sortino"), out _, out _));

        Assert.Equal(2, Merge([In("s0"), In("other")], In("m1"), out string stderr));
        Assert.Contains("a different sweep", stderr, StringComparison.Ordinal);
        Assert.Contains("other", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Merge([In("s0")], In("m2"), out stderr));
        Assert.Contains("1/2 missing", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Merge([In("s0"), In("s0")], In("m3"), out stderr));
        Assert.Contains("given twice", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(In("m1")));
    }

    [Fact]
    public void BadArguments_AreEachNamed_AndNothingRuns()
    {
        string data = WriteBars();
        OptimizeArguments bad = Args(data, "out") with { Params = ["fast=5..20:5", "oversold=20", "slow=1..3:0"], Objective = "profit", Shard = "2/2", Jobs = 0 };
        Assert.Equal(2, Run(bad, out _, out string stderr));
        Assert.Contains("--param: slow: '1..3:0' needs FROM <= TO and a step above 0", stderr, StringComparison.Ordinal);
        Assert.Contains("--objective: expected one of sharpe, sortino, total_return, max_drawdown, calmar, got 'profit'", stderr, StringComparison.Ordinal);
        Assert.Contains("--shard: expected i/n", stderr, StringComparison.Ordinal);
        Assert.Contains("--jobs: must be at least 1", stderr, StringComparison.Ordinal);

        Assert.Equal(2, Run(Args(data, "out") with { Params = ["fast=5,10", "oversold=20"] }, out _, out stderr));
        Assert.Contains("--param oversold: not a parameter of momentum (its parameters: fast, slow, confidence)", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Run(Args(data, "out") with { Params = ["fast=2.5"] }, out _, out stderr));
        Assert.Contains("--param fast: 2.5 is out of range (a whole number from 1 to 10000)", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Run(Args(data, "out") with { Params = ["fast=1..1000", "slow=2..1000"] }, out _, out stderr));
        Assert.Contains("--param: a grid search of 999,000 candidates is more than 100,000; sample it with --search random", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(In("out")));
    }

    [Fact]
    public void AConfiguredStrategy_IsSweptOverItsOptions_EachCandidateValidatedByTheStrategy()
    {
        string dll = Strategies.StrategyCompiler.Compile(In("alternator"), "Proof.Alternator", Strategies.TestStrategySources.Alternator);
        Strategies.LiveEqualsBacktestTests.WriteConfiguration(_dir, Strategies.LiveEqualsBacktestTests.RulesOff, Strategies.LiveEqualsBacktestTests.AlternatorEntry(dll, "dip_per_mille: 2"));
        Strategies.LiveEqualsBacktestTests.WriteBars(In("two-days.csv"));
        var a = new OptimizeArguments(In("two-days.csv"), "alternator", ["every=0,3,7", "quantity=1,5"], "total_return", "grid", 0, 0, 2, null, In("sweep"), In("config"));
        Assert.Equal(0, Run(a, out _, out string stderr));

        string[][] rows = [.. File.ReadAllLines(In("sweep/" + SweepReport.CsvFile)).Skip(1).Select(r => r.Split(','))];
        Assert.Equal(6, rows.Length);
        Assert.Equal(2, rows.Count(r => r[2] == "0" && r[^1] == "\"every: must be at least 1\"")); // the strategy's own validation
        decimal Final(string every, string quantity) => decimal.Parse(rows.Single(r => r[2] == every && r[3] == quantity)[12], CultureInfo.InvariantCulture);
        Assert.NotEqual(Final("7", "5"), Final("3", "5")); // the values reach the strategy
        Assert.NotEqual(Final("7", "5"), Final("7", "1"));

        // The file's own values (every 7, quantity 5) give what `backtest --strategy alternator` gives.
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            Assert.Equal(0, BacktestCommand.Run(new BacktestArguments(In("two-days.csv"), "alternator", null, null, In("config"), In("plain.json"), null, null, "single", true), output, error));
        }

        using var plain = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(In("plain.json")));
        Assert.Equal(plain.RootElement.GetProperty("final_equity").GetDecimal(), Final("7", "5"));

        Assert.Equal(2, Run(a with { Params = ["speed=1,2"] }, out _, out stderr));
        Assert.Contains("--param speed: not a parameter of alternator (its parameters: dip_per_mille, every, pause_at, quantity, slow_path)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ACancelledSweep_ExitsOne_AndWritesNothing()
    {
        string data = WriteBars();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, OptimizeCommand.Run(Args(data, "cancelled"), output, error, cancelled.Token));
        Assert.Contains("cancelled; nothing written", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(In("cancelled")));
    }

    [Fact]
    public void RandomSearch_DrawsDistinctCandidates_TheSameForTheSameSeed()
    {
        string data = WriteBars();
        OptimizeArguments random = Args(data, "r1") with { Strategy = "rsi_reversion", Params = ["period=5..30:1", "oversold=20..35:5", "overbought=65..80:5"], Search = "random", Samples = 12, Seed = 7 };
        Assert.Equal(0, Run(random, out _, out _));
        Assert.Equal(0, Run(random with { Out = In("r2"), Jobs = 1 }, out _, out _));
        Assert.Equal(0, Run(random with { Out = In("r3"), Seed = 8 }, out _, out _));
        Assert.Equal(File.ReadAllBytes(In("r1/" + SweepReport.CsvFile)), File.ReadAllBytes(In("r2/" + SweepReport.CsvFile)));

        static HashSet<string> Points(string csv) => [.. File.ReadAllLines(csv).Skip(1).Select(r => string.Join(',', r.Split(',')[2..5]))];
        HashSet<string> first = Points(In("r1/" + SweepReport.CsvFile));
        Assert.Equal(12, first.Count); // twelve distinct points of the 26 x 4 x 4 grid
        Assert.NotEqual(first, Points(In("r3/" + SweepReport.CsvFile)));
        Assert.False(File.Exists(In("r1/" + SweepReport.HeatMapFile))); // three parameters vary: no heat map
    }
}

/// <summary><c>backtest optimize --walk-forward</c> on real files: each window's choice is the sweep of its training span, its test a plain run of the test span.</summary>
public sealed class WalkForwardCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-wf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    private static int Run(OptimizeArguments a, out string stdout, out string stderr) => OptimizeCommandTests.Run(a, out stdout, out stderr);

    /// <summary>Ten weekdays from Monday 2024-03-04 of minute bars, one symbol, a seeded walk with swings.</summary>
    private string WriteBars()
    {
        var random = new Random(3);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal price = 50m;
        var start = new DateTime(2024, 3, 4, 14, 30, 0, DateTimeKind.Utc);
        for (int day = 0; day < 12; day++)
        {
            if (start.AddDays(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (int minute = 0; minute < 390; minute++)
            {
                decimal open = price;
                decimal close = Math.Round(open * (1 + ((decimal)Math.Sin(((day * 390) + minute) / 30.0) / 2000m) + (((decimal)random.NextDouble() - 0.5m) / 500m)), 2);
                price = close;
                csv.Append(CultureInfo.InvariantCulture, $"{start.AddDays(day).AddMinutes(minute):yyyy-MM-ddTHH:mm:ssZ},CCC,{open},{Math.Max(open, close)},{Math.Min(open, close)},{close},100\n");
            }
        }

        File.WriteAllText(In("bars.csv"), csv.ToString());
        return In("bars.csv");
    }

    [Fact]
    public void WalkForward_PicksEachWindowsBestInSample_TestsItOutOfSample_AndCompoundsTheTests()
    {
        string data = WriteBars();
        // warmup=0: each test run starts cold, so a plain run of the test span gives its figures (the default warm-up: below and WarmUpTests).
        var a = new OptimizeArguments(data, "momentum", ["fast=3..9:3", "slow=10..30:10"], "total_return", "grid", 0, 0, 2, null, In("wf"), In("no-config"), WalkForward: "train=1w,test=2d,warmup=0");
        Assert.Equal(0, Run(a, out string stdout, out string stderr));
        Assert.Equal(0, Run(a with { Out = In("wf1"), Jobs = 1 }, out _, out _));
        Assert.Contains("3 windows", stdout, StringComparison.Ordinal);
        foreach (string file in new[] { WalkForwardWriter.JsonFile, WalkForwardWriter.CsvFile, WalkForwardWriter.EquityCsvFile })
        {
            Assert.Equal(File.ReadAllBytes(In("wf/" + file)), File.ReadAllBytes(In("wf1/" + file)));
        }

        string[][] windows = [.. File.ReadAllLines(In("wf/" + WalkForwardWriter.CsvFile)).Skip(1).Select(r => r.Split(','))];
        Assert.Equal(["2024-03-04T00:00:00Z", "2024-03-11T00:00:00Z", "2024-03-11T00:00:00Z", "2024-03-13T00:00:00Z"], windows[0][..4]);
        Assert.Equal(["2024-03-08T00:00:00Z", "2024-03-15T00:00:00Z", "2024-03-15T00:00:00Z", "2024-03-16T00:00:00Z"], windows[2][..4]); // the last test ends with the data

        double compounded = 1;
        foreach (string[] w in windows)
        {
            // In sample: the best of a plain sweep over the training span.
            Assert.Equal(0, Run(a with { WalkForward = null, From = w[0], To = w[1], Out = In("train") }, out _, out stderr));
            string[] best = File.ReadLines(In("train/" + SweepReport.CsvFile)).Skip(1).First().Split(',');
            Assert.Equal((best[2], best[3], best[4]), (w[4], w[5], w[6]));

            // Out of sample: a plain run of those values over the test span.
            Assert.Equal(0, Run(a with { WalkForward = null, From = w[2], To = w[3], Params = ["fast=" + w[4], "slow=" + w[5]], Out = In("test") }, out _, out stderr));
            string[] test = File.ReadLines(In("test/" + SweepReport.CsvFile)).Skip(1).First().Split(',');
            Assert.Equal(test[4], w[7]);
            compounded *= 1 + double.Parse(w[9], CultureInfo.InvariantCulture);
        }

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(In("wf/" + WalkForwardWriter.JsonFile)));
        double stitched = json.RootElement.GetProperty("out_of_sample").GetProperty("total_return").GetDouble();
        Assert.Equal(compounded - 1, stitched, 1e-8); // the stitched curve compounds the test windows (fixed-point rounding aside)
        Assert.True(File.Exists(In("wf/" + WalkForwardWriter.EquityPngFile)), stderr);

        // By default each test run is warmed up by its training window: the same choices in sample, the same windows, 1 job == 2 jobs.
        Assert.Equal(0, Run(a with { WalkForward = "train=1w,test=2d", Out = In("wfw") }, out stdout, out stderr));
        Assert.Equal(0, Run(a with { WalkForward = "train=1w,test=2d", Out = In("wfw1"), Jobs = 1 }, out _, out _));
        Assert.Equal(File.ReadAllBytes(In("wfw/" + WalkForwardWriter.CsvFile)), File.ReadAllBytes(In("wfw1/" + WalkForwardWriter.CsvFile)));
        string[][] warm = [.. File.ReadAllLines(In("wfw/" + WalkForwardWriter.CsvFile)).Skip(1).Select(r => r.Split(','))];
        Assert.Equal(windows.Select(w => string.Join(',', w[..7])), warm.Select(w => string.Join(',', w[..7])));
        Assert.Contains("\"walk_forward\": \"train=1w,test=2d\"", File.ReadAllText(In("wfw/" + WalkForwardWriter.JsonFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void WalkForward_FromACatalog_GivesTheCsvsWindowsAndFigures()
    {
        string data = WriteBars();
        string catalog = OptimizeCommandTests.Import(data, In("catalog"));
        var a = new OptimizeArguments(data, "momentum", ["fast=3..9:3", "slow=10..30:10"], "total_return", "grid", 0, 0, 2, null, In("wf"), In("no-config"), WalkForward: "train=1w,test=2d");
        Assert.Equal(0, Run(a, out string csvOut, out _));
        Assert.Equal(0, Run(a with { Data = string.Empty, Catalog = catalog, Out = In("wfc") }, out string catalogOut, out string stderr));
        Assert.Equal(csvOut.Split('\n')[1..], catalogOut.Split('\n')[1..]); // the first line has the time taken
        Assert.Equal(OptimizeCommandTests.WithoutDataLines(In("wf/" + WalkForwardWriter.JsonFile)), OptimizeCommandTests.WithoutDataLines(In("wfc/" + WalkForwardWriter.JsonFile)));
        foreach (string file in new[] { WalkForwardWriter.CsvFile, WalkForwardWriter.EquityCsvFile })
        {
            Assert.True(File.ReadAllBytes(In("wf/" + file)).AsSpan().SequenceEqual(File.ReadAllBytes(In("wfc/" + file))), file + "; " + stderr);
        }
    }

    [Fact]
    public void WalkForward_RefusesABadSpan_AndSharding()
    {
        string data = WriteBars();
        var a = new OptimizeArguments(data, "momentum", ["fast=3,6"], "sharpe", "grid", 0, 0, 1, "0/2", In("wf"), In("no-config"), WalkForward: "train=6q,test=1m");
        Assert.Equal(2, Run(a, out _, out string stderr));
        Assert.Contains("--walk-forward: 'train=6q' is not train=N, test=N or warmup=N", stderr, StringComparison.Ordinal);
        Assert.Contains("--shard: a walk-forward runs whole", stderr, StringComparison.Ordinal);
        Assert.Equal(2, Run(a with { Shard = null, WalkForward = "train=1y,test=1m" }, out _, out stderr));
        Assert.Contains("shorter than one training window (1y)", stderr, StringComparison.Ordinal);
    }
}
