using BenchmarkDotNet.Running;
using Orchestrator.Benchmarks;

// --quick: a few seconds, one line per scenario and implementation.
// --backtest [--symbols N] [--years N] [--runs N]: backtest events/s on generated minute bars (--runs 1 for one run's peak memory).
// --optimize [--symbols N] [--years N] [--jobs N] [--rounds N] [--detail]: a 16-candidate sweep, 1 job vs N jobs wall time (CPU, GC, JIT; --detail: per worker).
// --backtest-catalog [--symbols N] [--days N] [--keep DIR] [--no-prefetch]: import a CSV into a catalog (rows/s), then backtest from it end to end (events/s, phases, load).
// --backtest-report --keep DIR [--rounds N] [--phase metrics|json|csv|orders]: the post-engine phase alone (metrics, JSON report, equity CSV, orders log) over one catalog run's result (DIR from --backtest-catalog --keep DIR): CPU ms per phase, output SHA-256s.
// --import [--symbols N] [--days N] [--runs N] [--zstd|--none] [--csv PATH] [--read-only]: the catalog import alone, N runs in one process (rows/s wall and CPU, the catalog's SHA-256); --read-only times the CSV reader alone.
// --backtest-csv [--bars N]: backtest from a CSV file end to end (reader rows/s; load, engine, report phases).
// --gateway [--clients N] [--signals N]: signal gateway ingest over loopback, signals/s and ack latency.
// --fanout [--long] [--rate N] [--ticks N] [--rounds N]: market data fan-out to 0/1/8/32 external agents over loopback (and 8 beside a non-reading one): ticks/s per agent, engine tick->order latency ratios.
// --journal: journal handler ns/event, fsync None and EveryBatch, batches of 1 and 64; snapshot capture/write/recovery times.
// --signal-path [--cycles N] [--warmup N]: the signal -> order path inline, ns per stage (signal engine, risk, sizing, order manager).
// Anything else goes to BenchmarkDotNet, e.g. `-- --filter '*OneToOne*'` or `-- --list flat`.
if (args.Contains("--fanout"))
{
    return Orchestrator.Benchmarks.Gateway.FanOutBench.Run(Console.Out, args);
}

if (args.Contains("--quick"))
{
    return QuickBench.Run(Console.Out);
}

if (args.Contains("--optimize"))
{
    return Orchestrator.Benchmarks.Backtest.OptimizeBench.Run(Console.Out, args);
}

if (args.Contains("--backtest-report"))
{
    return Orchestrator.Benchmarks.Backtest.ReportBench.Run(Console.Out, args);
}

if (args.Contains("--backtest-catalog"))
{
    return Orchestrator.Benchmarks.Backtest.CatalogBacktestBench.Run(Console.Out, args);
}

if (args.Contains("--import"))
{
    return Orchestrator.Benchmarks.Backtest.ImportBench.Run(Console.Out, args);
}

if (args.Contains("--backtest-csv"))
{
    return Orchestrator.Benchmarks.Backtest.CsvBacktestBench.Run(Console.Out, args);
}

if (args.Contains("--backtest"))
{
    return Orchestrator.Benchmarks.Backtest.BacktestBench.Run(Console.Out, args);
}

if (args.Contains("--journal"))
{
    return Orchestrator.Benchmarks.Journal.JournalBench.Run(Console.Out);
}

if (args.Contains("--gateway"))
{
    return Orchestrator.Benchmarks.Gateway.GatewayIngestBench.Run(Console.Out, args); // [--clients N] [--signals N]
}

if (args.Contains("--signal-path"))
{
    return Orchestrator.Benchmarks.Latency.SignalPathBench.Run(Console.Out, args);
}

if (args.Contains("--latency"))
{
    QuickBench.RunLatency(Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickBench).Assembly).Run(args);
return 0;
