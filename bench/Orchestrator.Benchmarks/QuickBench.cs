using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orchestrator.Benchmarks.Throughput;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks;

/// <summary>
/// A few seconds, no BenchmarkDotNet: every topology through every implementation, one line
/// each (<c>scenario=… impl=… ops_per_s=…</c>), then the ring's ratio to each alternative.
/// Each implementation runs until a run lasts long enough to time; the best of three timed runs is printed.
/// </summary>
internal static class QuickBench
{
    private const int TimedRuns = 3;

    /// <summary>Interleaved rounds of the engine and the bare hops in the latency goals' run.</summary>
    private const int LatencyRounds = 5;
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
    /// Engine latency at a fixed offered rate, both scenarios, one line each. Without a journal the
    /// engine runs in <see cref="LatencyRounds"/> rounds interleaved with rounds of a bare
    /// Disruptor-net hop and a Channel hop at the same rate (the ring's hop with the engine's wait
    /// strategy), each side pooling its rounds, so the load of a shared machine falls on both
    /// sides alike; then the goals (the engine's percentiles, its p50 and p99 over the bare hop's).
    /// Every rig is disposed before the next starts: an idle yielding thread would take a core.
    /// </summary>
    public static void RunLatency(TextWriter output)
    {
        const double Offered = 100_000;
        const long Events = 300_000;
        const long WarmUp = 50_000;
        const WaitStrategyKind Wait = WaitStrategyKind.Yielding; // the engine's rings and the bare hop alike
        foreach (Latency.LatencyScenario scenario in Enum.GetValues<Latency.LatencyScenario>())
        {
            string name = scenario == Latency.LatencyScenario.TickToOrder ? "tick_to_order" : "signal_to_order";
            var engine = new LatencyRecorder();
            var handoff = new LatencyRecorder();
            var bareHop = new LatencyRecorder();
            var channelHop = new LatencyRecorder();
            string channelWait = "";
            for (int round = 0; round < LatencyRounds; round++)
            {
                long warmUp = round == 0 ? WarmUp : WarmUp / LatencyRounds; // JIT tiers settle in the first round
                using (var rig = new Latency.LatencyRig(scenario, Wait))
                {
                    rig.Run(warmUp, Offered);
                    rig.Run(Events / LatencyRounds, Offered, engine, handoff);
                }

                RunHop(new Latency.BareHopRig(Wait), warmUp, Events / LatencyRounds, Offered, bareHop);
                channelWait = RunHop(new Latency.ChannelHopRig(), warmUp, Events / LatencyRounds, Offered, channelHop);
            }

            LatencySummary s = engine.Summarize(), bare = bareHop.Summarize(), channel = channelHop.Summarize();
            string wait = Wait.ToString().ToLowerInvariant();
            output.WriteLine(LatencyLine($"scenario={name} journal=off wait={wait} offered_per_s={Offered:F0} rounds={LatencyRounds} orders={s.Count}", s, handoff.Summarize()));
            output.WriteLine(LatencyLine($"scenario=one_hop impl=disruptor wait={wait} offered_per_s={Offered:F0} rounds={LatencyRounds} events={bare.Count}", bare, null));
            output.WriteLine(LatencyLine($"scenario=one_hop impl=channels wait={channelWait} offered_per_s={Offered:F0} rounds={LatencyRounds} events={channel.Count}", channel, null));
            foreach (Goal goal in LatencyGoals(name, s, bare))
            {
                output.WriteLine(goal);
            }

            // With a journal: inline on the trading thread (fsync none: survives kill -9); as a stage
            // of its own thread (fsync none); and as a stage syncing every batch to disk (~0.5 ms per
            // sync on this VM, one per batch: the queue behind it is the latency).
            var journals = new (JournalFsync Fsync, JournalPlacement Placement)[]
            {
                (JournalFsync.None, JournalPlacement.Inline),
                (JournalFsync.None, JournalPlacement.Stage),
                (JournalFsync.EveryBatch, JournalPlacement.Stage),
            };
            foreach ((JournalFsync fsync, JournalPlacement placement) in journals)
            {
                using var rig = new Latency.LatencyRig(scenario, Wait, fsync, placement);
                rig.Run(WarmUp, Offered);
                s = rig.Run(Events, Offered);
                output.WriteLine(LatencyLine($"scenario={name} journal={placement.ToString().ToLowerInvariant()}/{fsync} wait={wait} offered_per_s={Offered:F0} orders={s.Count}", s, rig.HandoffRecorder.Summarize()));
            }
        }
    }

    /// <summary><paramref name="head"/> then <c>p50_us=… p99_us=… p999_us=… max_us=…</c>, and with <paramref name="handoff"/> its p50 and p99 as <c>handoff_p50_us=… handoff_p99_us=…</c>.</summary>
    public static string LatencyLine(FormattableString head, LatencySummary s, LatencySummary? handoff)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{head.ToString(CultureInfo.InvariantCulture)} p50_us={s.P50Us:F1} p99_us={s.P99Us:F1} p999_us={s.P999Us:F1} max_us={s.MaxUs:F1}");
        return handoff is null ? line : string.Create(CultureInfo.InvariantCulture, $"{line} handoff_p50_us={handoff.P50Us:F1} handoff_p99_us={handoff.P99Us:F1}");
    }

    /// <summary>
    /// Issue 16's latency goals (both hops, yielding, 100k events/s): p50 &lt; 5 µs, p99 &lt; 50 µs,
    /// p99.9 &lt; 200 µs, and p50 and p99 at most 2x the bare ring hop's measured in the same run.
    /// </summary>
    public static IEnumerable<Goal> LatencyGoals(string scenario, LatencySummary engine, LatencySummary bareHop)
    {
        yield return new Goal(scenario, "p50_us", engine.P50Us, 5, GoalBound.Below);
        yield return new Goal(scenario, "p99_us", engine.P99Us, 50, GoalBound.Below);
        yield return new Goal(scenario, "p999_us", engine.P999Us, 200, GoalBound.Below);
        yield return new Goal(scenario, "p50_vs_bare_hop", Goal.Ratio(engine.P50Us, bareHop.P50Us), 2, GoalBound.AtMost);
        yield return new Goal(scenario, "p99_vs_bare_hop", Goal.Ratio(engine.P99Us, bareHop.P99Us), 2, GoalBound.AtMost);
    }

    /// <summary>One round of a hop rig: <paramref name="warmUp"/> events, then <paramref name="events"/> into <paramref name="recorder"/>; returns how the rig waits.</summary>
    private static string RunHop(Latency.OneHopRig rig, long warmUp, long events, double offered, LatencyRecorder recorder)
    {
        using (rig)
        {
            rig.Run(warmUp, offered);
            rig.Run(events, offered, recorder);
            return rig.WaitStrategy;
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
