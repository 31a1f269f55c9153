using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Backtest;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// Backtest from a CSV file, end to end (issue 20): writes <c>--bars N</c> minute bars of 20
/// symbols (default 1,000,000) to a temporary CSV, then measures the reader alone (rows/s) and a
/// whole run the way the CLI does it (read the file, the engine with both built-in rules, the
/// report's metrics), wall clock, with the phases broken out and the machine's load.
/// </summary>
public static class CsvBacktestBench
{
    public static int Run(TextWriter output, string[] args)
    {
        long bars = BacktestBench.Arg(args, "--bars", 1_000_000);
        const int symbols = 20;
        string dir = Path.Combine(Path.GetTempPath(), "orchestrator-csv-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "bars.csv");
        try
        {
            WriteCsv(path, symbols, bars);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"backtest-csv: {bars:N0} minute bars of {symbols} symbols, {new FileInfo(path).Length / 1e6:0} MB of CSV; load {LoadAverage()}"));
            for (int run = 0; run < 2; run++)
            {
                var names = Enumerable.Range(0, symbols).Select(BacktestBench.Symbol).ToArray();
                var clock = Stopwatch.StartNew();
                long rows = 0;
                using (var reader = new MarketDataFileReader(path, new SymbolTable(names), NLog.LogManager.CreateNullLogger()))
                {
                    while (reader.TryGetNext(out _))
                    {
                        rows++;
                    }
                }

                double readSeconds = clock.Elapsed.TotalSeconds;
                (double load, double engine, double report, long events) = EndToEnd(path);
                double total = load + engine + report;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run + 1}: reader {rows / readSeconds / 1e6:0.00} M rows/s; end to end {events:N0} events in {total:0.00} s = {events / total / 1e6:0.00} M events/s (load {load:0.00} s, engine {engine:0.00} s = {events / engine / 1e6:0.00} M events/s, report {report:0.00} s)"));
            }

            output.WriteLine($"  load after: {LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What the CLI does with --data FILE --strategy rules: read the file once, run, compute the report.</summary>
    private static (double Load, double Engine, double Report, long Events) EndToEnd(string path)
    {
        var clock = Stopwatch.StartNew();
        BacktestData data = BacktestData.Load(path, NLog.LogManager.CreateNullLogger());
        double load = clock.Elapsed.TotalSeconds;
        var runner = new BacktestRunner(BacktestBench.Options(data.Symbols));
        clock.Restart();
        BacktestResult result = runner.Run(data.Open());
        double engine = clock.Elapsed.TotalSeconds;
        clock.Restart();
        _ = BacktestMetrics.Compute(result);
        return (load, engine, clock.Elapsed.TotalSeconds, result.Events);
    }

    /// <summary>ISO-8601 times, prices with up to 4 decimals, 390 minutes a day, every symbol each minute.</summary>
    private static void WriteCsv(string path, int symbols, long bars)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("timestamp,symbol,open,high,low,close,volume\n");
        var price = Enumerable.Repeat(100m, symbols).ToArray();
        ulong state = 7;
        var start = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc);
        for (long n = 0; n < bars; n++)
        {
            int s = (int)(n % symbols);
            long minute = n / symbols;
            DateTime ts = start.AddDays(minute / 390).AddMinutes(minute % 390);
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            decimal open = price[s];
            decimal close = Math.Max(1m, Math.Round(open * (1m + (((long)(state % 2001) - 1000) / 1_000_000m)), 4));
            price[s] = close;
            decimal high = Math.Max(open, close) + 0.01m;
            decimal low = Math.Min(open, close) - 0.01m;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{ts:yyyy-MM-ddTHH:mm:ssZ},{BacktestBench.Symbol(s)},{open},{high},{low},{close},{1000 + (long)(state % 500)}\n"));
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? "loadavg " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load unknown";
}
