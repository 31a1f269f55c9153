namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// What drives the engine in a latency run:
/// <code>
///   producer (paced) ─▶ inbound ring ─▶ [SignalEngine ▸ Risk ▸ Sizing ▸ OrderManager] ─▶ outbound ring ─▶ gateway
///        ▲                                      (one thread)                                           │ records latency,
///        └──────────────────────────── fill report ◀──────────────────────────────────────────────────┘ answers with a fill
/// </code>
/// Latency is from the producer's publish of the causing event to the order's arrival at the
/// gateway: the whole fast path, both ring hops included.
/// </summary>
public enum LatencyScenario
{
    /// <summary>Trade ticks on a zigzag price; the momentum rule turns about one tick in ten into an order.</summary>
    TickToOrder,

    /// <summary>Outside signals, alternately BUY and SELL; every one becomes an order.</summary>
    SignalToOrder,
}
