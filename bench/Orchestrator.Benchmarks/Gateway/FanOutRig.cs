using System.Diagnostics;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Benchmarks.Latency;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Benchmarks.Gateway;

/// <summary>
/// The fan-out bench's rig: the latency suite's real engine (<see cref="LatencyRig"/>, tick → order
/// through the momentum rule) with the real signal gateway attached, and external agents over loopback:
/// <code>
///  producer (paced ticks) ─▶ inbound ring ─▶ [trading stages] ─▶ outbound ring ─▶ filling gateway (engine latency)
///                                               └─▶ outcome consumer ─▶ AgentFeed ─▶ market-data ring (one, shared)
///                                                                                     │ one cursor per connection
///                          N agents ◀── TCP 127.0.0.1 ── per-connection writers ◀─────┘
/// </code>
/// A round connects its agents (each waits for its welcome, so every tick offered after it is due to
/// it), offers the ticks, waits until every reading agent has read or been told it lost each one,
/// reads the gateway's own counters for each agent, then closes the agents and waits until the
/// gateway has let go of every session. Rounds with different agent counts run on the same rig, so
/// their engine latencies compare at the same offered rate on the same engine.
/// </summary>
internal sealed class FanOutRig : IDisposable
{
    public const string Symbol = "AAPL";

    /// <summary>The non-reading agent's name (readers are <c>fan0</c>, <c>fan1</c>, …).</summary>
    public const string StalledName = "fan_stalled";

    private static readonly TimeSpan s_settleTimeout = TimeSpan.FromSeconds(30);

    private readonly LatencyRig _rig;
    private readonly SignalGateway _gateway;

    /// <summary>A rig whose engine waits with <paramref name="waitStrategy"/> (the daemon's default unless told).</summary>
    public FanOutRig(WaitStrategyKind waitStrategy = WaitStrategyKind.SpinThenPark)
    {
        SignalGateway? gateway = null;
        _rig = new LatencyRig(LatencyScenario.TickToOrder, waitStrategy, beforeStart: engine =>
            gateway = new SignalGateway(engine, new GatewayOptions { Port = 0, MaxConnections = GatewayOptions.MaxConnectionsLimit }));
        _gateway = gateway!;
        _gateway.Start();
        WaitStrategy = waitStrategy;
    }

    public WaitStrategyKind WaitStrategy { get; }

    /// <summary>
    /// One round: <paramref name="readers"/> reading agents (and one that never reads when
    /// <paramref name="stalled"/>), <paramref name="ticks"/> ticks offered at
    /// <paramref name="offeredPerSecond"/>; the engine's orders go into <paramref name="engine"/>.
    /// </summary>
    public FanOutRound Run(int readers, bool stalled, long ticks, double offeredPerSecond, LatencyRecorder engine)
    {
        using var timeout = new CancellationTokenSource(s_settleTimeout);
        var connecting = new List<Task<FanOutAgent>>();
        for (int i = 0; i < readers; i++)
        {
            connecting.Add(FanOutAgent.ConnectAsync(_gateway.Port, "fan" + i, Symbol, reads: true, timeout.Token));
        }

        if (stalled)
        {
            connecting.Add(FanOutAgent.ConnectAsync(_gateway.Port, StalledName, Symbol, reads: false, timeout.Token));
        }

        FanOutAgent[] agents = Task.WhenAll(connecting).GetAwaiter().GetResult();
        try
        {
            var before = agents.Select(a => Counters(a.Name)).ToArray();
            long start = Stopwatch.GetTimestamp();
            _rig.Run(ticks, offeredPerSecond, engine, new LatencyRecorder());
            double offerSeconds = _rig.LastOfferSeconds;
            long offerEnd = start + (long)(offerSeconds * Stopwatch.Frequency);

            FanOutAgent[] reading = [.. agents.Where(a => a.Name != StalledName)];
            bool settled = Task.WhenAll(reading.Select(a => a.DeliveredAsync(ticks))).Wait(s_settleTimeout);
            var results = new List<FanOutAgentResult>();
            for (int i = 0; i < agents.Length; i++)
            {
                FanOutAgent a = agents[i];
                GatewayAgentCounters after = CountersOf(a.Name);
                long last = a.LastTickTimestamp;
                results.Add(new FanOutAgentResult(
                    a.Name,
                    Reads: a.Name != StalledName,
                    Ticks: a.Ticks,
                    Dropped: a.Dropped,
                    SentByGateway: after.MarketDataSent - before[i].Sent,
                    DroppedByGateway: after.MarketDataDropped - before[i].Dropped,
                    TicksPerSecond: a.Ticks / offerSeconds,
                    DrainMs: last > offerEnd ? (last - offerEnd) * 1000.0 / Stopwatch.Frequency : 0));
            }

            return new FanOutRound(ticks, offerSeconds, settled, results);
        }
        finally
        {
            foreach (FanOutAgent a in agents)
            {
                a.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            WaitUntilNoSession();
            GC.Collect(); // this round's garbage (agents' buffers, closed connections) is not the next round's pause
            GC.WaitForPendingFinalizers();
        }
    }

    public void Dispose()
    {
        _gateway.StopAsync().GetAwaiter().GetResult();
        _rig.Dispose();
    }

    private (long Sent, long Dropped) Counters(string name)
    {
        GatewayAgentCounters c = CountersOf(name);
        return (c.MarketDataSent, c.MarketDataDropped);
    }

    private GatewayAgentCounters CountersOf(string name) =>
        _gateway.TryGetAgent(name, out GatewayAgent? agent) ? agent!.Counters : throw new InvalidOperationException($"agent {name} said hello but the gateway does not list it");

    /// <summary>The next round starts with no session left over from this one (a closing writer would still take CPU).</summary>
    private void WaitUntilNoSession()
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(s_settleTimeout.TotalSeconds * Stopwatch.Frequency);
        while (_gateway.Agents.Any(a => a.Connected))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"agent sessions still open {s_settleTimeout.TotalSeconds:F0} s after their clients closed");
            }

            Thread.Sleep(1); // the rig's own settling between rounds, not a test's synchronisation
        }
    }
}

/// <summary>One agent's share of a <see cref="FanOutRound"/>: what it counted, what the gateway counted for it, its delivery rate over the offering window and how long after the last offered tick its last tick arrived.</summary>
internal sealed record FanOutAgentResult(string Name, bool Reads, long Ticks, long Dropped, long SentByGateway, long DroppedByGateway, double TicksPerSecond, double DrainMs);

/// <summary>A fan-out round: the ticks offered, the offering window, whether every reading agent accounted for every tick in time, and each agent's figures.</summary>
internal sealed record FanOutRound(long Offered, double OfferSeconds, bool Settled, IReadOnlyList<FanOutAgentResult> Agents);
