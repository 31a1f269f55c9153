using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Backtest;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// Backtest from the market-data catalog, end to end and wall clock: a CSV of 20 symbols × 1 year
/// of minute bars (synthetic, seeded) is imported into a catalog in a temporary directory (import
/// rows/s), then the single-threaded backtest with both built-in rules runs from the catalog —
/// listing, day files read and merged, engine, metrics and the JSON report — with the phases
/// broken out and the machine's load printed. Goals: ≥ 5 M events/s end to end, import ≥ 2 M rows/s.
/// </summary>
/// <remarks>
/// <code>
///   bars.csv ─▶ data import ─▶ CATALOG/bars/S000/2025-01-02.arrow …
///   CATALOG ─▶ CatalogMarketDataSource (k-way merge) ─▶ BacktestRunner ─▶ BacktestMetrics ─▶ report.json
/// </code>
/// </remarks>
public static class CatalogBacktestBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = Arg(args, "--symbols", 20);
        int days = Arg(args, "--days", 252);
        // --keep DIR: import into DIR once and keep it; later runs with the same DIR skip the import (profile the backtest alone).
        string? keep = Array.IndexOf(args, "--keep") is int k and >= 0 && k + 1 < args.Length ? Path.GetFullPath(args[k + 1]) : null;
        bool prefetch = !args.Contains("--no-prefetch");
        string dir = keep ?? Directory.CreateTempSubdirectory("orc-catalog-bench-").FullName;
        try
        {
            output.WriteLine($"backtest-catalog: {symbols} symbols x {days} days x 390 minute bars = {(long)symbols * days * 390:N0} bars; {(prefetch ? "prefetch thread" : "no prefetch")}; load {Load()}");
            string csv = Path.Combine(dir, "bars.csv");
            string catalog = Path.Combine(dir, "catalog");
            string[] names = [.. Enumerable.Range(0, symbols).Select(Name)];
            TimeSpan cpu = Cpu();
            if (keep is null || !Directory.Exists(catalog))
            {
                Directory.CreateDirectory(dir);
                WriteCsv(csv, symbols, days);
                cpu = Cpu();
                CatalogImportResult import = CatalogImporter.Import([csv], catalog);
                cpu = Cpu() - cpu;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  import: {import.RowsWritten:N0} rows into {import.PartitionsWritten:N0} files in {import.ElapsedSeconds:0.00} s (CSV read {import.ReadSeconds:0.00} s, sort + write {import.ElapsedSeconds - import.ReadSeconds:0.00} s) = {import.RowsWritten / import.ElapsedSeconds / 1e6:0.00} M rows/s wall (goal 2.00), {import.RowsWritten / cpu.TotalSeconds / 1e6:0.00} M rows/s of process CPU time; {DirectorySize(catalog) / 1e6:0.0} MB (LZ4)"));
            }

            var table = new SymbolTable(names);
            cpu = Cpu();
            var clock = Stopwatch.StartNew();
            var read = new CatalogMarketDataSource(MarketDataCatalog.Open(catalog), table, prefetch: prefetch);
            long rows = 0;
            while (read.TryGetNext(out _))
            {
                rows++;
            }

            cpu = Cpu() - cpu;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  read alone (list, open, decode, merge): {rows:N0} bars in {clock.Elapsed.TotalSeconds:0.00} s = {rows / clock.Elapsed.TotalSeconds / 1e6:0.00} M bars/s wall, {rows / cpu.TotalSeconds / 1e6:0.00} M bars/s of process CPU time"));
            double best = 0;
            for (int run = 0; run < 3; run++)
            {
                clock.Restart();
                cpu = Cpu();
                var runner = new BacktestRunner(BacktestBench.Options(symbols));
                BacktestResult result = runner.Run(new CatalogMarketDataSource(MarketDataCatalog.Open(catalog), runner.Engine.Symbols, prefetch: prefetch));
                double run1 = clock.Elapsed.TotalSeconds;
                BacktestReport report = BacktestMetrics.Compute(result);
                BacktestReportWriter.WriteFile(report, Path.Combine(dir, "report.json"), deterministic: false);
                double total = clock.Elapsed.TotalSeconds;
                cpu = Cpu() - cpu;
                best = Math.Max(best, result.Events / total);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run + 1}: {result.Events:N0} events ({result.MarketEvents:N0} bars, {result.Fills.Count:N0} fills): read + engine {run1:0.00} s, metrics + report {total - run1:0.00} s, total {total:0.00} s = {result.Events / total / 1e6:0.00} M events/s end to end (wall), {result.Events / cpu.TotalSeconds / 1e6:0.00} M events/s of process CPU time"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best {best / 1e6:0.00} M events/s end to end (goal 5.00); load {Load()}"));
            return 0;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static string Name(int i) => "S" + i.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>Minute bars 14:30–21:00 UTC on weekdays from 2025-01-02, every symbol each minute, a seeded random walk in cents.</summary>
    internal static void WriteCsv(string path, int symbols, int days)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("timestamp,symbol,open,high,low,close,volume\n");
        var random = new Random(7);
        long[] cents = [.. Enumerable.Repeat(10_000L, symbols)];
        DateTime day = new(2025, 1, 2, 14, 30, 0, DateTimeKind.Utc);
        for (int d = 0; d < days; d++, day = day.AddDays(day.DayOfWeek == DayOfWeek.Friday ? 3 : 1))
        {
            long start = new DateTimeOffset(day).ToUnixTimeSeconds();
            for (int m = 0; m < 390; m++)
            {
                for (int s = 0; s < symbols; s++)
                {
                    long open = cents[s];
                    long close = Math.Max(100, open + random.Next(-20, 21));
                    cents[s] = close;
                    writer.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{(start + (m * 60)) * 1_000_000_000L},{Name(s)},{open / 100m:0.00},{(Math.Max(open, close) + 5) / 100m:0.00},{(Math.Min(open, close) - 5) / 100m:0.00},{close / 100m:0.00},{100 + random.Next(1000)}\n"));
                }
            }
        }
    }

    /// <summary>The process's CPU time (all threads: GC and JIT included), beside wall time when other work shares the cores.</summary>
    internal static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static long DirectorySize(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    internal static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
