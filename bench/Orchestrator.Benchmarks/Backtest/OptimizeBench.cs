using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;

namespace Orchestrator.Benchmarks.Backtest;

/// <summary>
/// Optimisation speed-up: a 16-candidate momentum grid (fast 4..10:2 × slow 20..50:10) over
/// generated minute bars held in memory once, run with 1 job and with one job per core; prints both
/// wall times, their ratio (goal ≥ 1.8× on 2 cores) and the load average, and checks that both give
/// the same ranked results. Beside each wall time: the process's CPU time, collections by generation,
/// GC pause time, bytes allocated and page faults of the timed region; <c>--detail</c> adds each candidate's
/// thread CPU time, which worker ran it, each worker's idle time at the end (load imbalance), and the speed-up
/// the CPU times give without other load (threads' CPU time does not count time waiting for a core: a figure for a
/// shared, busy machine; the wall ratio is the figure on a quiet one).
/// </summary>
/// <remarks>
/// <code>
///   MarketTick[] (shared, read-only)
///      ├─▶ candidate 0: ArrayMarketDataSource ─▶ BacktestRunner (own engine, one thread)
///      ├─▶ candidate 1: …                       (--jobs workers take the next candidate)
///      └─▶ …            ─▶ BacktestMetrics ─▶ ranked results
/// </code>
/// <c>--rounds N</c> alternates the 1-job and the N-job run N times and prints each pair (load moves; the best pair is the figure).
/// </remarks>
public static class OptimizeBench
{
    public static int Run(TextWriter output, string[] args)
    {
        int symbols = BacktestBench.Arg(args, "--symbols", 10);
        int years = BacktestBench.Arg(args, "--years", 1);
        int jobs = BacktestBench.Arg(args, "--jobs", Environment.ProcessorCount);
        int rounds = BacktestBench.Arg(args, "--rounds", 1);
        bool detail = args.Contains("--detail");
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
        List<long> compiled = WarmUp(candidates, Options, ticks, jobs);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  warm-up: {compiled.Count} x 2 sweeps of the grid over {ticks.Length / WarmUpSlice:N0} bars; methods compiled: {string.Join(' ', compiled)}"));
        bool same = true;
        long events = (long)ticks.Length * candidates.Count;
        for (int round = 0; round < rounds; round++)
        {
            var trace = new Trace(candidates.Count);
            (double one, List<CandidateResult> a) = Time(() => SweepRunner.Run(candidates, Options, trace.Source(SweepRunner.Source(ticks)), OptimizationObjective.Sharpe, 1, trace.Done), out Cost oneCost);
            Trace oneTrace = trace;
            trace = new Trace(candidates.Count);
            (double many, List<CandidateResult> b) = Time(() => SweepRunner.Run(candidates, Options, trace.Source(SweepRunner.Source(ticks)), OptimizationObjective.Sharpe, jobs, trace.Done), out Cost manyCost);
            same &= a.Select(r => (r.Index, r.Score)).SequenceEqual(b.Select(r => (r.Index, r.Score)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  1 job:  {one:0.00} s = {events / one / 1e6:0.00} M bar-candidates/s; {oneCost}"));
            if (detail)
            {
                output.Write(oneTrace.Describe(one));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {jobs} jobs: {many:0.00} s = {events / many / 1e6:0.00} M bar-candidates/s; {manyCost}"));
            if (detail)
            {
                output.Write(trace.Describe(many));
                double oneCpu = oneTrace.TotalCpu + oneCost.Pause.TotalSeconds, manyCpu = trace.BusiestWorkerCpu + manyCost.Pause.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    without other load: 1 job ~ {oneCpu:0.00} s (candidates' CPU + GC pauses), {jobs} jobs ~ {manyCpu:0.00} s (busiest worker's CPU + GC pauses) = {oneCpu / manyCpu:0.00}x"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  speed-up {one / many:0.00}x on {jobs} jobs (goal 1.80x on 2 cores); CPU time ratio {oneCost.Cpu / manyCost.Cpu:0.00}; same ranked results: {(same ? "yes" : "NO")}; load average {LoadAverage()}"));
        }

        return same ? 0 : 1;
    }

    /// <summary>The warm-up sweeps run over 1/this of the bars (two weeks of a year).</summary>
    private const int WarmUpSlice = 25;

    /// <summary>
    /// Sweeps the grid (N jobs, then 1) over the first weeks of the bars until two pairs in a row JIT-compile at most 40 methods each
    /// (at most 20 pairs; a pair of steady sweeps still compiles ~15–35: reflection stubs of each engine's ring wiring).
    /// Methods a candidate calls once (the engine's construction, the metrics) reach tier 1 only after 30 calls, and
    /// dynamic PGO adds an instrumented step between: with the earlier warm-up (one candidate a worker) the JIT was
    /// still busy through both timed runs (perf: the tiered-compilation thread had 11 % of the samples), which a 1-job run
    /// gets on the idle core for free and the N-job run pays for.
    /// </summary>
    private static List<long> WarmUp(IReadOnlyList<SweepCandidate> candidates, CandidateOptions options, MarketTick[] ticks, int jobs)
    {
        MarketTick[] slice = ticks[..(ticks.Length / WarmUpSlice)];
        var compiled = new List<long>();
        do
        {
            long before = System.Runtime.JitInfo.GetCompiledMethodCount();
            SweepRunner.Run(candidates, options, slice, OptimizationObjective.Sharpe, jobs);
            SweepRunner.Run(candidates, options, slice, OptimizationObjective.Sharpe, 1);
            compiled.Add(System.Runtime.JitInfo.GetCompiledMethodCount() - before);
        }
        while ((compiled.Count < 2 || compiled[^1] > 40 || compiled[^2] > 40) && compiled.Count < 20);

        return compiled;
    }

    private static (double Seconds, T Value) Time<T>(Func<T> run, out Cost cost)
    {
        GC.Collect(); // each timed run starts from the same heap
        GC.WaitForPendingFinalizers();
        Cost before = Cost.Now();
        var clock = Stopwatch.StartNew();
        T value = run();
        double seconds = clock.Elapsed.TotalSeconds;
        cost = Cost.Now() - before;
        return (seconds, value);
    }

    /// <summary>What a timed region cost the process: CPU time, collections by generation, GC pause time, bytes allocated, minor page faults.</summary>
    private readonly record struct Cost(TimeSpan Cpu, int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated, long PageFaults, TimeSpan Jit, long JitMethods)
    {
        public static Cost Now() => new(Process.GetCurrentProcess().TotalProcessorTime, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: false), MinorFaults(), System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());

        public static Cost operator -(Cost a, Cost b) =>
            new(a.Cpu - b.Cpu, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Pause - b.Pause, a.Allocated - b.Allocated, a.PageFaults - b.PageFaults, a.Jit - b.Jit, a.JitMethods - b.JitMethods);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"CPU {Cpu.TotalSeconds:0.00} s, GC {Gen0}/{Gen1}/{Gen2} (gen 0/1/2), paused {Pause.TotalMilliseconds:0} ms, allocated {Allocated / 1e6:0} MB, {PageFaults:N0} page faults, JIT {Jit.TotalMilliseconds:0} ms ({JitMethods} methods)");

        /// <summary>The process's minor page faults so far (field 10 of /proc/self/stat), or 0 off Linux.</summary>
        private static long MinorFaults()
        {
            try
            {
                string stat = File.ReadAllText("/proc/self/stat");
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 is fields[0]
                return long.Parse(fields[7], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>
    /// Each candidate's start (its source opened, on its worker) and end (the progress call after its metrics):
    /// thread CPU time and wall time, and the worker's thread.
    /// </summary>
    private sealed class Trace(int count)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentDictionary<int, (double StartCpu, double StartWall)> _open = new();
        private readonly ConcurrentBag<(int Thread, double Cpu, double StartWall, double EndWall)> _done = [];

        public SweepSource Source(SweepSource inner) => (fromNs, toNs) =>
        {
            _open[Environment.CurrentManagedThreadId] = (ThreadCpuSeconds(), _clock.Elapsed.TotalSeconds);
            return inner(fromNs, toNs);
        };

        public void Done(int done)
        {
            (double startCpu, double startWall) = _open[Environment.CurrentManagedThreadId];
            _done.Add((Environment.CurrentManagedThreadId, ThreadCpuSeconds() - startCpu, startWall, _clock.Elapsed.TotalSeconds));
        }

        /// <summary>CPU time of every candidate (s).</summary>
        public double TotalCpu => _done.Sum(d => d.Cpu);

        /// <summary>CPU time of the candidates of the worker that ran the most (s): a run's length with a core for each worker.</summary>
        public double BusiestWorkerCpu => _done.GroupBy(d => d.Thread).Max(g => g.Sum(d => d.Cpu));

        /// <summary>Per worker: candidates run, their CPU and wall time, and how long before the end of the run it finished.</summary>
        public string Describe(double wall)
        {
            var text = new System.Text.StringBuilder();
            double cpu = 0;
            foreach (IGrouping<int, (int Thread, double Cpu, double StartWall, double EndWall)> worker in _done.GroupBy(d => d.Thread).OrderBy(g => g.Min(d => d.StartWall)))
            {
                double workerCpu = worker.Sum(d => d.Cpu);
                cpu += workerCpu;
                text.Append(CultureInfo.InvariantCulture,
                    $"    worker: {worker.Count()} candidates, CPU {workerCpu:0.00} s, busy {worker.Sum(d => d.EndWall - d.StartWall):0.00} s, idle at the end {wall - worker.Max(d => d.EndWall):0.00} s; CPU per candidate (ms): {string.Join(' ', worker.OrderBy(d => d.StartWall).Select(d => (d.Cpu * 1000).ToString("0", CultureInfo.InvariantCulture)))}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"    {_done.Count} of {count} candidates, CPU in candidates {cpu:0.00} s\n");
            return text.ToString();
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        /// <summary>The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), or 0 off Linux.</summary>
        private static double ThreadCpuSeconds()
        {
            try
            {
                return ClockGetTime(3, out TimeSpec t) == 0 ? t.Seconds + (t.Nanoseconds / 1e9) : 0;
            }
            catch (DllNotFoundException)
            {
                return 0;
            }
        }
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
