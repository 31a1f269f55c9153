using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Backtest;
using Orchestrator.Core;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 20, the backtest's text input on real files through the CLI: epoch seconds,
/// milliseconds, microseconds and nanoseconds give the ISO file's backtest; unsorted rows are
/// sorted and identical duplicate bars dropped (each counted), differing duplicates refused with
/// file and lines; the report's times cover the whole run; the file is read once into rows every
/// backtest can replay without allocating.
/// </summary>
public sealed class BacktestDataInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-btdata-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>Minute bars of two symbols over three days (a seeded random walk), the time column written by <paramref name="time"/>.</summary>
    private static List<string> Rows(Func<DateTime, string> time) => BacktestCommandTests.BarLines(time);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private string Write(string name, IEnumerable<string> rows)
    {
        string path = Path(name);
        File.WriteAllText(path, "timestamp,symbol,open,high,low,close,volume\n" + string.Join('\n', rows) + "\n");
        return path;
    }

    private int Backtest(string data, string report, out string stdout, out string stderr, bool deterministic = true)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BacktestCommand.Run(new BacktestArguments(data, "rules", null, null, Path("no-config"), report, null, null, "single", deterministic), output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        return code;
    }

    private byte[] ReportOf(string data, out string stderr)
    {
        string report = Path(System.IO.Path.GetFileNameWithoutExtension(data) + ".json");
        Assert.Equal(0, Backtest(data, report, out _, out stderr));
        return File.ReadAllBytes(report);
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("milliseconds")]
    [InlineData("microseconds")]
    [InlineData("nanoseconds")]
    public void EpochTimes_InAnyUnit_GiveTheIsoFilesBacktest(string unit)
    {
        long perSecond = unit switch { "seconds" => 1, "milliseconds" => 1_000, "microseconds" => 1_000_000, _ => 1_000_000_000 };
        byte[] iso = ReportOf(Write("iso.csv", Rows(Iso)), out _);
        byte[] epoch = ReportOf(Write(unit + ".csv", Rows(t => (new DateTimeOffset(t).ToUnixTimeSeconds() * perSecond).ToString(CultureInfo.InvariantCulture))), out _);

        Assert.True(JsonDocument.Parse(iso).RootElement.GetProperty("trades").GetArrayLength() > 0, "the rules must trade on this data for the comparison to mean something");
        Assert.Equal(Encoding.UTF8.GetString(iso), Encoding.UTF8.GetString(epoch));
    }

    [Fact]
    public void UnsortedRows_AreSortedWithACount_AndGiveTheSortedFilesBacktest()
    {
        List<string> rows = Rows(Iso);
        byte[] sorted = ReportOf(Write("sorted.csv", rows), out _);
        var shuffled = rows.OrderBy(_ => Random.Shared.Next()).ToList();

        byte[] report = ReportOf(Write("shuffled.csv", shuffled), out string stderr);

        Assert.Equal(Encoding.UTF8.GetString(sorted), Encoding.UTF8.GetString(report));
        Assert.Contains("out of time order: the rows were sorted", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void IdenticalDuplicateBars_AreDroppedWithACount()
    {
        List<string> rows = Rows(Iso);
        byte[] clean = ReportOf(Write("clean.csv", rows), out _);
        var doubled = rows.SelectMany((row, i) => i % 100 == 0 ? new[] { row, row } : [row]).ToList();

        byte[] report = ReportOf(Write("doubled.csv", doubled), out string stderr);

        Assert.Equal(Encoding.UTF8.GetString(clean), Encoding.UTF8.GetString(report));
        Assert.Contains($"{(rows.Count + 99) / 100} duplicate bar(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void DifferingDuplicateBars_AreRefused_NamingTheFileAndBothLines()
    {
        List<string> rows = Rows(Iso);
        rows.Insert(11, rows[10].Replace(",1000", ",999", StringComparison.Ordinal)); // line 12 repeats line 11's bar with another volume
        string data = Write("conflict.csv", rows);

        int code = Backtest(data, Path("conflict.json"), out _, out string stderr);

        Assert.Equal(DaemonCli.ExitFault, code);
        Assert.Contains("conflict.csv' line 13", stderr, StringComparison.Ordinal);
        Assert.Contains("line 12", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("conflict.json")));
    }

    [Fact]
    public void DifferingBars_WithATickBetweenThem_AreStillRefused()
    {
        // JSON lines mix bars and ticks: a tick of the same symbol and time between two bars hid the
        // second bar from the comparison (both were kept).
        string path = Path("mixed.jsonl");
        File.WriteAllLines(path,
        [
            """{"timestamp":"2024-01-02T14:30:00Z","symbol":"X","open":1,"high":2,"low":1,"close":2,"volume":5}""",
            """{"timestamp":"2024-01-02T14:30:00Z","symbol":"X","price":2,"size":1}""",
            """{"timestamp":"2024-01-02T14:30:00Z","symbol":"X","open":1,"high":3,"low":1,"close":3,"volume":9}""",
        ]);

        var error = Assert.Throws<InvalidDataException>(() => BacktestData.Load(path));

        Assert.Contains("mixed.jsonl' line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportsTimes_CoverTheWholeRun_WithThePhasesBrokenOut()
    {
        string data = Write("bars.csv", Rows(Iso));
        Assert.Equal(0, Backtest(data, Path("timed.json"), out string stdout, out _, deterministic: false));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path("timed.json")));
        JsonElement run = doc.RootElement.GetProperty("run");
        double load = run.GetProperty("load_s").GetDouble();
        double engine = run.GetProperty("engine_s").GetDouble();
        double report = run.GetProperty("report_s").GetDouble();
        double total = run.GetProperty("total_s").GetDouble();
        long events = doc.RootElement.GetProperty("events").GetInt64();

        Assert.True(load > 0 && engine > 0 && report > 0, $"load {load}, engine {engine}, report {report}");
        Assert.Equal(load + engine + report, total, 1e-6); // each figure is rounded to 10 significant digits
        Assert.Equal(total, run.GetProperty("elapsed_seconds").GetDouble());
        Assert.Equal(events / total, run.GetProperty("events_per_s").GetDouble(), 0.001 * events / total);
        Assert.Contains("(load ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_EndsAt100Percent()
    {
        BacktestData data = BacktestData.Load(Write("bars.csv", Rows(Iso)));
        var seen = new List<BacktestProgress>();
        BacktestOptions options = BacktestCommand.BuildOptions(Orchestrator.Daemon.Configuration.ConfigLoader.Defaults(), data.Symbols, BacktestCommand.Strategy("rules"), [], long.MinValue, long.MaxValue, BacktestMode.SingleThread)
            with { ProgressEvery = 1_000, Progress = new Collect(seen) };

        BacktestResult result = new BacktestRunner(options).Run(data.Open());

        Assert.Equal(1, seen[^1].Fraction);
        Assert.Equal(result.MarketEvents, seen[^1].MarketEvents);
        Assert.Equal(data.LastNs, seen[^1].TsNs);
    }

    [Fact]
    public void LoadedRows_ReplayInTimeOrder_FromEverySource_WithoutAllocating()
    {
        List<string> rows = Rows(Iso);
        BacktestData data = BacktestData.Load(Write("shuffled.csv", rows.OrderBy(_ => Random.Shared.Next())));
        Assert.Equal(["AAPL", "MSFT"], data.Symbols);
        Assert.Equal(rows.Count, data.Count);
        Assert.True(data.OutOfOrder > rows.Count / 4, $"{data.OutOfOrder} rows out of order"); // about half the shuffled rows go back in time

        long previous = long.MinValue;
        Orchestrator.Adapters.MarketData.IMarketDataSource first = data.Open();
        while (first.TryGetNext(out MarketTick tick))
        {
            Assert.True(tick.TsEventNs >= previous);
            previous = tick.TsEventNs;
        }

        var windows = new long[4];
        for (int w = 0; w < windows.Length; w++)
        {
            Orchestrator.Adapters.MarketData.IMarketDataSource source = data.Open();
            long before = GC.GetAllocatedBytesForCurrentThread();
            long count = 0;
            while (source.TryGetNext(out _))
            {
                count++;
            }

            windows[w] = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(data.Count, count);
        }

        Assert.True(windows.Count(b => b != 0) <= 1, "bytes allocated per replay: " + string.Join(", ", windows));
    }

    [Fact]
    public void ASpan_ReplaysExactlyTheRowsInIt_OfAShuffledFile()
    {
        BacktestData data = BacktestData.Load(Write("shuffled.csv", Rows(Iso).OrderBy(_ => Random.Shared.Next())));
        var all = new List<MarketTick>();
        for (Orchestrator.Adapters.MarketData.IMarketDataSource source = data.Open(); source.TryGetNext(out MarketTick tick);)
        {
            all.Add(tick);
        }

        long middle = all[all.Count / 2].TsEventNs;
        (long From, long To)[] spans = [(middle, middle + 1), (middle, long.MaxValue), (long.MinValue, middle), (data.LastNs + 1, long.MaxValue), (middle, middle - 5)];
        foreach ((long from, long to) in spans)
        {
            var seen = new List<MarketTick>();
            for (Orchestrator.Adapters.MarketData.IMarketDataSource source = data.Open(from, to); source.TryGetNext(out MarketTick tick);)
            {
                seen.Add(tick);
            }

            Assert.Equal(all.Where(t => t.TsEventNs >= from && t.TsEventNs < to), seen);
        }

        Assert.True(all.Count(t => t.TsEventNs == middle) >= 2, "two symbols at the middle time: a span of one nanosecond holds both");
    }

    private sealed class Collect(List<BacktestProgress> seen) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => seen.Add(value);
    }
}
