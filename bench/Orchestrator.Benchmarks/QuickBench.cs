using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestrator.Benchmarks.Throughput;

namespace Orchestrator.Benchmarks;

/// <summary>
/// A few seconds, no BenchmarkDotNet: every topology through every implementation, one line
/// each (<c>scenario=… impl=… ops_per_s=…</c>), then the ring's ratio to each alternative.
/// Each implementation runs until a run lasts long enough to time; the best of three timed runs is printed.
/// </summary>
internal static class QuickBench
{
    private const int TimedRuns = 3;
    private static readonly TimeSpan s_minimumRun = TimeSpan.FromMilliseconds(200);

    public static int Run(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# quick throughput: {Environment.ProcessorCount} cores, ring wait strategy yielding, capacity {Throughput.ThroughputRig.Capacity} for every implementation, best of {TimedRuns} runs, {Topology.All.Count} scenarios x {Implementation.All.Count} implementations"));
        foreach (Topology topology in Topology.All)
        {
            var rates = new Dictionary<string, double>();
            foreach (string implementation in Implementation.All)
            {
                double opsPerSecond = Measure(implementation, topology);
                rates[implementation] = opsPerSecond;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario={topology.Name} impl={implementation} ops_per_s={opsPerSecond:F0}"));
            }

            output.WriteLine(RatioLine(topology, rates));
            foreach (Goal goal in ThroughputGoals(topology, rates))
            {
                output.WriteLine(goal);
            }
        }

        RunLatency(output);
        return 0;
    }

    /// <summary><c>scenario=… ring_vs_channels=12.3x ring_vs_…=…x</c>: the ring's rate over each alternative's.</summary>
    public static string RatioLine(Topology topology, IReadOnlyDictionary<string, double> rates)
    {
        var line = new StringBuilder("scenario=").Append(topology.Name);
        foreach (string other in Implementation.All)
        {
            if (other != Implementation.Ring)
            {
                line.Append(CultureInfo.InvariantCulture, $" {Implementation.Ring}_vs_{other}={Goal.Ratio(rates[Implementation.Ring], rates[other]):F2}x");
            }
        }

        return line.ToString();
    }

    /// <summary>
    /// Issue 16's throughput goals for <paramref name="topology"/>: the ring at least 10x Channels
    /// (1p1c, pipeline3) or 4x (3p1c); in pipeline3, at least 0.9x Disruptor-net wired by hand.
    /// </summary>
    public static IEnumerable<Goal> ThroughputGoals(Topology topology, IReadOnlyDictionary<string, double> rates)
    {
        double ring = rates[Implementation.Ring];
        double overChannels = topology == Topology.ThreeToOne ? 4 : 10;
        yield return new Goal(topology.Name, Implementation.Ring + "_vs_" + Implementation.Channels, Goal.Ratio(ring, rates[Implementation.Channels]), overChannels, GoalBound.AtLeast);
        if (topology == Topology.Pipeline3)
        {
            yield return new Goal(topology.Name, Implementation.Ring + "_vs_" + Implementation.HandWired, Goal.Ratio(ring, rates[Implementation.HandWired]), 0.9, GoalBound.AtLeast);
        }
    }

    /// <summary>
    /// Engine latency at a fixed offered rate, both scenarios, one line each; after each scenario's
    /// run without a journal, one bare ring hop and one Channel hop at the same rate and wait
    /// strategy, and the goals (the engine's percentiles, and its p50 and p99 over the bare hop's).
    /// </summary>
    public static void RunLatency(TextWriter output)
    {
        const double Offered = 100_000;
        const long Events = 300_000;
        foreach (Latency.LatencyScenario scenario in Enum.GetValues<Latency.LatencyScenario>())
        {
            // Without a journal; with it inline on the trading thread (fsync none: survives kill -9);
            // as a stage of its own thread (fsync none); and as a stage syncing every batch to disk
            // (~0.5 ms per sync on this VM, one per batch: the queue behind it is the latency).
            var journals = new (Engine.Journal.JournalFsync? Fsync, Engine.Journal.JournalPlacement Placement)[]
            {
                (null, Engine.Journal.JournalPlacement.Auto),
                (Engine.Journal.JournalFsync.None, Engine.Journal.JournalPlacement.Inline),
                (Engine.Journal.JournalFsync.None, Engine.Journal.JournalPlacement.Stage),
                (Engine.Journal.JournalFsync.EveryBatch, Engine.Journal.JournalPlacement.Stage),
            };
            string name = scenario == Latency.LatencyScenario.TickToOrder ? "tick_to_order" : "signal_to_order";
            foreach ((Engine.Journal.JournalFsync? fsync, Engine.Journal.JournalPlacement placement) in journals)
            {
                Engine.Metrics.LatencySummary s;
                using (var rig = new Latency.LatencyRig(scenario, journal: fsync, placement: placement))
                {
                    rig.Run(50_000, Offered); // warm-up
                    s = rig.Run(Events, Offered);
                }

                string journal = fsync is null ? "off" : string.Create(CultureInfo.InvariantCulture, $"{placement.ToString().ToLowerInvariant()}/{fsync}");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario={name} journal={journal} offered_per_s={Offered:F0} orders={s.Count} p50_us={s.P50Us:F1} p99_us={s.P99Us:F1} p999_us={s.P999Us:F1} max_us={s.MaxUs:F1}"));
                if (fsync is null)
                {
                    // The engine's threads are gone (yielding threads would take a core): the hops run alone.
                    Engine.Metrics.LatencySummary bare = MeasureHop(new Latency.BareHopRig(new Disruptor.YieldingWaitStrategy()), Events, Offered, output);
                    MeasureHop(new Latency.ChannelHopRig(), Events, Offered, output);
                    foreach (Goal goal in LatencyGoals(name, s, bare))
                    {
                        output.WriteLine(goal);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Issue 16's latency goals (both hops, yielding, 100k events/s): p50 &lt; 5 µs, p99 &lt; 50 µs,
    /// p99.9 &lt; 200 µs, and p50 and p99 at most 2x the bare ring hop's measured in the same run.
    /// </summary>
    public static IEnumerable<Goal> LatencyGoals(string scenario, Engine.Metrics.LatencySummary engine, Engine.Metrics.LatencySummary bareHop)
    {
        yield return new Goal(scenario, "p50_us", engine.P50Us, 5, GoalBound.Below);
        yield return new Goal(scenario, "p99_us", engine.P99Us, 50, GoalBound.Below);
        yield return new Goal(scenario, "p999_us", engine.P999Us, 200, GoalBound.Below);
        yield return new Goal(scenario, "p50_vs_bare_hop", Goal.Ratio(engine.P50Us, bareHop.P50Us), 2, GoalBound.AtMost);
        yield return new Goal(scenario, "p99_vs_bare_hop", Goal.Ratio(engine.P99Us, bareHop.P99Us), 2, GoalBound.AtMost);
    }

    private static Engine.Metrics.LatencySummary MeasureHop(Latency.OneHopRig rig, long events, double offered, TextWriter output)
    {
        using (rig)
        {
            rig.Run(50_000, offered); // warm-up
            Engine.Metrics.LatencySummary s = rig.Run(events, offered);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario=one_hop impl={rig.Implementation} wait={rig.WaitStrategy} offered_per_s={offered:F0} events={s.Count} p50_us={s.P50Us:F1} p99_us={s.P99Us:F1} p999_us={s.P999Us:F1} max_us={s.MaxUs:F1}"));
            return s;
        }
    }

    private static double Measure(string implementation, Topology topology)
    {
        using ThroughputRig rig = Implementation.Create(implementation, topology);
        rig.Run(50_000); // warm-up: JIT tiers, thread start, page faults

        // Grow the run until it lasts long enough to time, then keep the best of a few runs:
        // noise (another process, a vCPU moved by the hypervisor) only ever slows a run down.
        long events = 100_000;
        double best = 0;
        int timedRuns = 0;
        while (timedRuns < TimedRuns)
        {
            long start = Stopwatch.GetTimestamp();
            rig.Run(events);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed < s_minimumRun && events < 1L << 34)
            {
                events *= 2;
                continue;
            }

            long delivered = events / topology.Producers * topology.Producers;
            best = Math.Max(best, delivered / elapsed.TotalSeconds);
            timedRuns++;
        }

        return best;
    }
}
