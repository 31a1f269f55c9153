using System.Diagnostics;
using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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
/// <para>The in-process runs are the best of three in one warm process; a user runs the CLI once. So the bench
/// then spawns the <c>orchestrator</c> CLI once on the same catalog with the same account (a config directory it
/// writes: starting cash, rate limits, paper slippage and commission as <see cref="BacktestBench.Options(int)"/>),
/// and prints its wall time from spawn to exit, its CPU time and events/s (<c>--cli PATH</c> names the dll; else
/// the published <c>bin/orchestrator/orchestrator.dll</c>, else the build output of src/Orchestrator.Daemon).</para>
/// </remarks>
public static partial class CatalogBacktestBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = BacktestBench.Arg(args, "--symbols", 20);
        int days = BacktestBench.Arg(args, "--days", 252);
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
            long events = 0;
            for (int run = 0; run < 3; run++)
            {
                clock.Restart();
                cpu = Cpu();
                var runner = new BacktestRunner(BacktestBench.Options(symbols));
                BacktestResult result = runner.Run(new CatalogMarketDataSource(MarketDataCatalog.Open(catalog), runner.Engine.Symbols, prefetch: prefetch));
                double run1 = clock.Elapsed.TotalSeconds;
                TimeSpan reportCpu = Cpu();
                BacktestReport report = BacktestMetrics.Compute(result);
                BacktestReportWriter.WriteFile(report, Path.Combine(dir, "report.json"), deterministic: false);
                double total = clock.Elapsed.TotalSeconds;
                reportCpu = Cpu() - reportCpu;
                cpu = Cpu() - cpu;
                best = Math.Max(best, result.Events / total);
                events = result.Events;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run + 1}: {result.Events:N0} events ({result.MarketEvents:N0} bars, {result.Fills.Count:N0} fills): read + engine {run1:0.00} s, metrics + report {total - run1:0.00} s ({reportCpu.TotalMilliseconds:0} ms CPU), total {total:0.00} s = {result.Events / total / 1e6:0.00} M events/s end to end (wall), {result.Events / cpu.TotalSeconds / 1e6:0.00} M events/s of process CPU time"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best {best / 1e6:0.00} M events/s end to end (goal 5.00); load {Load()}"));
            OneShotCli(output, args, dir, catalog, symbols, events);
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

    /// <summary>One CLI process on the kept catalog, as a user runs it: spawn to exit, wall and CPU time, events/s; the same events as in process.</summary>
    private static void OneShotCli(TextWriter output, string[] args, string dir, string catalog, int symbols, long inProcessEvents)
    {
        string? cli = Array.IndexOf(args, "--cli") is int c and >= 0 && c + 1 < args.Length ? Path.GetFullPath(args[c + 1]) : FindCli();
        if (cli is null || !File.Exists(cli))
        {
            output.WriteLine("  one-shot CLI: skipped (no orchestrator.dll: dotnet publish src/Orchestrator.Daemon -c Release -o bin/orchestrator, or --cli PATH)");
            return;
        }

        string config = WriteCliConfig(Path.Combine(dir, "cli-config"));
        string report = Path.Combine(dir, "cli-report.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { cli, "backtest", "--catalog", catalog, "--config", config, "--strategy", "rules", "--report", report })
        {
            start.ArgumentList.Add(arg);
        }

        TimeSpan childCpu = ChildrenCpu();
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        childCpu = ChildrenCpu() - childCpu;
        string summary = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith("backtest:", StringComparison.Ordinal))?.Trim() ?? "";
        if (process.ExitCode != 0 || !File.Exists(report))
        {
            output.WriteLine($"  one-shot CLI: exit code {process.ExitCode}: {stderr.Result.Trim()}");
            return;
        }

        long events;
        using (JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(report)))
        {
            events = json.RootElement.GetProperty("events").GetInt64();
        }

        string cpu = OperatingSystem.IsLinux() ? string.Create(CultureInfo.InvariantCulture, $"{childCpu.TotalSeconds:0.00} s of CPU") : "CPU n/a";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  one-shot CLI (a new process, spawn to exit; {(IsReadyToRun(cli) ? "ReadyToRun" : "JIT only")}: {cli}): {events:N0} events{(events == inProcessEvents ? " (as in process)" : $" (in process: {inProcessEvents:N0}: NOT THE SAME RUN)")} in {wall:0.00} s wall = {events / wall / 1e6:0.00} M events/s end to end, {cpu}; load {Load()}"));
        output.WriteLine($"    its summary: {summary}");
    }

    /// <summary>The published CLI (bin/orchestrator, ReadyToRun) if there is one, else the daemon's Release build output; found from the repository root above the bench.</summary>
    private static string? FindCli()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Orchestrator.LowLatency.sln")))
            {
                string published = Path.Combine(d.FullName, "bin", "orchestrator", "orchestrator.dll");
                return File.Exists(published) ? published : Path.Combine(d.FullName, "src", "Orchestrator.Daemon", "bin", "Release", "net10.0", "orchestrator.dll");
            }
        }

        return null;
    }

    /// <summary>A configuration directory with the account of <see cref="BacktestBench.Options(int)"/> (the engine's defaults otherwise).</summary>
    private static string WriteCliConfig(string config)
    {
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "myStockInfo.yaml"), "base_currency: USD\nstarting_cash: 10000000\n");
        File.WriteAllText(Path.Combine(config, "risk_management.yaml"), "rate_limits:\n  per_second: 10000\n  per_minute: 100000\n  per_day: 1000000\nmax_open_orders: 1000\n");
        File.WriteAllText(Path.Combine(config, "broker_config.yaml"), "adapter: paper\npaper:\n  slippage_bps: 2\n  commission_bps: 1\n");
        return config;
    }

    /// <summary>Whether the dll holds precompiled (ReadyToRun) code.</summary>
    private static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    /// <summary>CPU time of this process's finished children (getrusage RUSAGE_CHILDREN; Linux), zero elsewhere.</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux() || GetRUsage(-1, out RUsage u) != 0)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMicroseconds(((u.UserSeconds + u.SystemSeconds) * 1_000_000.0) + u.UserMicroseconds + u.SystemMicroseconds);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetRUsage(int who, out RUsage usage);

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public fixed long Rest[14];
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
}
