using System.Diagnostics;
using System.Globalization;
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

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"scenario={topology.Name} ring_vs_channels={rates[Implementation.Ring] / rates[Implementation.Channels]:F1}x ring_vs_blockingcollection={rates[Implementation.Ring] / rates[Implementation.BlockingCollection]:F1}x"));
        }

        RunLatency(output);
        return 0;
    }

    /// <summary>Engine latency at a fixed offered rate, both scenarios, one line each.</summary>
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
            foreach ((Engine.Journal.JournalFsync? fsync, Engine.Journal.JournalPlacement placement) in journals)
            {
                using var rig = new Latency.LatencyRig(scenario, journal: fsync, placement: placement);
                rig.Run(50_000, Offered); // warm-up
                Engine.Metrics.LatencySummary s = rig.Run(Events, Offered);
                string name = scenario == Latency.LatencyScenario.TickToOrder ? "tick_to_order" : "signal_to_order";
                string journal = fsync is null ? "off" : string.Create(CultureInfo.InvariantCulture, $"{placement.ToString().ToLowerInvariant()}/{fsync}");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scenario={name} journal={journal} offered_per_s={Offered:F0} orders={s.Count} p50_us={s.P50Us:F1} p99_us={s.P99Us:F1} p999_us={s.P999Us:F1} max_us={s.MaxUs:F1}"));
            }
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
