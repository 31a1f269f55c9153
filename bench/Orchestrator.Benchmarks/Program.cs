using BenchmarkDotNet.Running;
using Orchestrator.Benchmarks;

// --quick: a few seconds, one line per scenario and implementation.
// Anything else goes to BenchmarkDotNet, e.g. `-- --filter '*OneToOne*'` or `-- --list flat`.
if (args.Contains("--quick"))
{
    return QuickBench.Run(Console.Out);
}

if (args.Contains("--latency"))
{
    QuickBench.RunLatency(Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickBench).Assembly).Run(args);
return 0;
