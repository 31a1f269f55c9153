using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// The catalog import alone, several times in one process: the bench CSV of
/// <see cref="CatalogBacktestBench"/> (20 symbols × 252 days of minute bars) imported into a fresh
/// catalog per run, wall and process CPU time per run, and the SHA-256 of the catalog written (the
/// files' relative paths and bytes) so a faster importer can be checked to write the same bytes.
/// Run 1 includes the JIT, as a one-shot <c>orchestrator data import</c> does. Goal ≥ 2 M rows/s wall.
/// </summary>
public static class ImportBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = BacktestBench.Arg(args, "--symbols", 20);
        int days = BacktestBench.Arg(args, "--days", 252);
        int runs = BacktestBench.Arg(args, "--runs", 3);
        CatalogCompression compression = args.Contains("--zstd") ? CatalogCompression.Zstd : args.Contains("--none") ? CatalogCompression.None : CatalogCompression.Lz4;
        string dir = Directory.CreateTempSubdirectory("orc-import-bench-").FullName;
        try
        {
            // --csv PATH: the CSV there (written once, kept), e.g. to time `orchestrator data import` on the same file.
            string csv = Array.IndexOf(args, "--csv") is int c and >= 0 && c + 1 < args.Length ? Path.GetFullPath(args[c + 1]) : Path.Combine(dir, "bars.csv");
            if (!File.Exists(csv))
            {
                CatalogBacktestBench.WriteCsv(csv, symbols, days);
            }

            output.WriteLine($"import: {symbols} symbols x {days} days x 390 minute bars, {new FileInfo(csv).Length / 1e6:0.0} MB CSV, {compression}; load {CatalogBacktestBench.Load()}");
            if (args.Contains("--read-only"))
            {
                ReadOnly(output, csv, runs);
                return 0;
            }

            for (int run = 1; run <= runs; run++)
            {
                string catalog = Path.Combine(dir, "catalog" + run.ToString(CultureInfo.InvariantCulture));
                TimeSpan cpu = CatalogBacktestBench.Cpu();
                TimeSpan sys = Process.GetCurrentProcess().PrivilegedProcessorTime;
                (int gen0, int gen1, int gen2, TimeSpan paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                CatalogImportResult import = CatalogImporter.Import([csv], catalog, compression);
                double wall = clock.Elapsed.TotalSeconds;
                cpu = CatalogBacktestBench.Cpu() - cpu;
                sys = Process.GetCurrentProcess().PrivilegedProcessorTime - sys;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {run}: {import.RowsWritten:N0} rows into {import.PartitionsWritten:N0} files in {wall:0.000} s (read {import.ReadSeconds:0.000} s) = {import.RowsWritten / wall / 1e6:0.00} M rows/s wall (goal 2.00); CPU {cpu.TotalSeconds:0.000} s (kernel {sys.TotalSeconds:0.000} s) = {import.RowsWritten / cpu.TotalSeconds / 1e6:0.00} M rows/s of process CPU time; errors {import.Errors.Count}; GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:0} MB allocated"));
                if (run == runs)
                {
                    output.WriteLine($"  catalog sha256 {Hash(catalog)}; load {CatalogBacktestBench.Load()}");
                }

                // The catalogs are deleted together at the end: on ext4 without a journal, files created
                // within a minute after many deletions in their block group pay a scan of the deleted inodes.
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The CSV reader alone (what the import's read phase costs per row), N passes.</summary>
    private static void ReadOnly(TextWriter output, string csv, int runs)
    {
        for (int run = 1; run <= runs; run++)
        {
            TimeSpan cpu = CatalogBacktestBench.Cpu();
            var clock = Stopwatch.StartNew();
            using var reader = new MarketDataFileReader(csv, new DiscoveredSymbols());
            long rows = 0;
            long sum = 0;
            while (reader.TryGetNext(out MarketTick tick))
            {
                rows++;
                sum += tick.PriceRaw;
            }

            double wall = clock.Elapsed.TotalSeconds;
            cpu = CatalogBacktestBench.Cpu() - cpu;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  read {run}: {rows:N0} rows in {wall:0.000} s = {wall * 1e9 / rows:0} ns/row wall, {cpu.TotalSeconds * 1e9 / rows:0} ns/row CPU (checksum {sum})"));
        }
    }

    private static string Hash(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
