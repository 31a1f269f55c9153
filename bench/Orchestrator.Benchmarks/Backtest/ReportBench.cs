using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Backtest;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// The backtest's post-engine phase alone: one run of the catalog bench's backtest (20 symbols × 252
/// days of minute bars from the catalog a <c>--backtest-catalog --keep DIR</c> run left in DIR), then
/// the metrics, the JSON report, the equity CSV and the orders log computed again and again from that
/// one result, each phase's process CPU time per round (best and median), and the SHA-256 of each
/// output (the deterministic report), so a change to the writers shows whether any byte moved.
/// </summary>
public static class ReportBench
{
    public static int Run(TextWriter output, string[] args)
    {
        string? keep = Array.IndexOf(args, "--keep") is int k and >= 0 && k + 1 < args.Length ? Path.GetFullPath(args[k + 1]) : null;
        string catalog = keep is null ? string.Empty : Path.Combine(keep, "catalog");
        if (keep is null || !Directory.Exists(catalog))
        {
            output.WriteLine("report: --keep DIR, a directory a `--backtest-catalog --keep DIR` run imported its catalog into");
            return 2;
        }

        int rounds = BacktestBench.Arg(args, "--rounds", 20);
        int symbols = MarketDataCatalog.Open(catalog).Symbols.Count;
        var runner = new BacktestRunner(BacktestBench.Options(symbols));
        BacktestResult result = runner.Run(new CatalogMarketDataSource(MarketDataCatalog.Open(catalog), runner.Engine.Symbols));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"report: {result.Events:N0} events, {result.Equity.Count:N0} equity points, {result.Fills.Count:N0} fills, {result.Orders.Count:N0} orders; {rounds} rounds; load {CatalogBacktestBench.Load()}"));

        string reportPath = Path.Combine(keep, "report.json");
        string csvPath = Path.Combine(keep, "equity.csv");
        string ordersPath = Path.Combine(keep, "orders.jsonl");
        var phases = new (string Name, List<double> Cpu, List<double> Wall, List<double> Mb, List<double> Gcs)[]
        {
            ("metrics", [], [], [], []), ("report json", [], [], [], []), ("metrics + report", [], [], [], []), ("equity csv", [], [], [], []), ("orders log", [], [], [], []),
        };
        // --phase metrics|json|csv|orders: only that one, again and again (to profile it alone).
        string? only = Array.IndexOf(args, "--phase") is int p and >= 0 && p + 1 < args.Length ? args[p + 1] : null;
        BacktestReport report = BacktestMetrics.Compute(result);
        for (int round = 0; round < rounds; round++)
        {
            if (only is null or "metrics")
            {
                Measure(phases[0], () => report = BacktestMetrics.Compute(result));
            }

            if (only is null or "json")
            {
                Measure(phases[1], () => BacktestReportWriter.WriteFile(report, reportPath, deterministic: true));
            }

            if (only is null)
            {
                phases[2].Cpu.Add(phases[0].Cpu[^1] + phases[1].Cpu[^1]);
                phases[2].Wall.Add(phases[0].Wall[^1] + phases[1].Wall[^1]);
                phases[2].Mb.Add(phases[0].Mb[^1] + phases[1].Mb[^1]);
                phases[2].Gcs.Add(phases[0].Gcs[^1] + phases[1].Gcs[^1]);
            }

            if (only is null or "csv")
            {
                Measure(phases[3], () => EquityCsvWriter.WriteFile(result, csvPath));
            }

            if (only is null or "orders")
            {
                Measure(phases[4], () => OrdersLogWriter.WriteFile(result, ordersPath));
            }
        }

        foreach ((string name, List<double> cpu, List<double> wall, List<double> mb, List<double> gcs) in phases.Where(x => x.Cpu.Count > 0))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-17}: CPU best {cpu.Min():0.0} ms, median {Median(cpu):0.0} ms, first {cpu[0]:0.0} ms; wall best {wall.Min():0.0} ms, median {Median(wall):0.0} ms; allocated {mb[^1]:0.0} MB, {gcs.Average():0.0} GCs"));
        }

        foreach (string path in new[] { reportPath, csvPath, ordersPath }.Where(File.Exists))
        {
            output.WriteLine($"  {Path.GetFileName(path),-13} {new FileInfo(path).Length,12:N0} bytes  sha256 {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}");
        }

        output.WriteLine($"  load {CatalogBacktestBench.Load()}");
        return 0;
    }

    private static void Measure((string Name, List<double> Cpu, List<double> Wall, List<double> Mb, List<double> Gcs) phase, Action action)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int collections = GC.CollectionCount(0);
        long start = Stopwatch.GetTimestamp();
        action();
        phase.Wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        phase.Cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        phase.Mb.Add((GC.GetAllocatedBytesForCurrentThread() - allocated) / 1e6);
        phase.Gcs.Add(GC.CollectionCount(0) - collections);
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }
}
