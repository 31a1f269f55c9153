using System.Diagnostics;
using System.Globalization;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// Optimisation speed-up: a 16-candidate momentum grid (fast 4..10:2 × slow 20..50:10) over
/// generated minute bars held in memory once, run with 1 job and with one job per core; prints both
/// wall times, their ratio (goal ≥ 1.8× on 2 cores) and the load average, and checks that both give
/// the same ranked results.
/// </summary>
/// <remarks>
/// <code>
///   MarketTick[] (shared, read-only)
///      ├─▶ candidate 0: ArrayMarketDataSource ─▶ BacktestRunner (own engine, one thread)
///      ├─▶ candidate 1: …                       (Parallel.For, --jobs at once)
///      └─▶ …            ─▶ BacktestMetrics ─▶ ranked results
/// </code>
/// </remarks>
public static class OptimizeBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = BacktestBench.Arg(args, "--symbols", 10);
        int years = BacktestBench.Arg(args, "--years", 1);
        int jobs = BacktestBench.Arg(args, "--jobs", Environment.ProcessorCount);
        var generator = new BacktestBench.BarGenerator(symbols, years, seed: 7);
        var list = new List<MarketTick>();
        while (generator.TryGetNext(out MarketTick tick))
        {
            list.Add(tick);
        }

        MarketTick[] ticks = [.. list];
        ParameterRange fast = ParameterRange.TryParse("fast=4..10:2", out _)!;
        ParameterRange slow = ParameterRange.TryParse("slow=20..50:10", out _)!;
        IReadOnlyList<SweepCandidate> candidates = SweepCandidates.Grid([fast, slow]);
        BacktestOptions baseline = BacktestBench.Options(symbols);
        BacktestOptions? Options(SweepCandidate c, out string? problem)
        {
            problem = null;
            return baseline with { Engine = baseline.Engine with { Rules = baseline.Engine.Rules with { RsiReversionEnabled = false, MomentumFastPeriod = (int)c.Values[0], MomentumSlowPeriod = (int)c.Values[1] } } };
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimize: {candidates.Count} candidates (momentum fast 4..10:2 x slow 20..50:10) x {ticks.Length:N0} minute bars ({symbols} symbols x {years} year(s)), {Environment.ProcessorCount} cores; load average {LoadAverage()}"));
        SweepRunner.Run(candidates.Take(jobs).ToList(), Options, ticks, OptimizationObjective.Sharpe, jobs); // warm-up: JIT and tiering on every worker
        (double one, List<CandidateResult> a) = Time(() => SweepRunner.Run(candidates, Options, ticks, OptimizationObjective.Sharpe, 1));
        (double many, List<CandidateResult> b) = Time(() => SweepRunner.Run(candidates, Options, ticks, OptimizationObjective.Sharpe, jobs));
        bool same = a.Select(r => (r.Index, r.Score)).SequenceEqual(b.Select(r => (r.Index, r.Score)));
        long events = (long)ticks.Length * candidates.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  1 job:  {one:0.00} s = {events / one / 1e6:0.00} M bar-candidates/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {jobs} jobs: {many:0.00} s = {events / many / 1e6:0.00} M bar-candidates/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  speed-up {one / many:0.00}x on {jobs} jobs (goal 1.80x on 2 cores); same ranked results: {(same ? "yes" : "NO")}; load average {LoadAverage()}"));
        return same ? 0 : 1;
    }

    private static (double Seconds, T Value) Time<T>(Func<T> run)
    {
        var clock = Stopwatch.StartNew();
        T value = run();
        return (clock.Elapsed.TotalSeconds, value);
    }

    /// <summary>The 1, 5 and 15 minute load averages (as <c>uptime</c> prints them), or "n/a" off Linux.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
