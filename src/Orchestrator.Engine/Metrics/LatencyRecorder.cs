using System.Diagnostics;
using HdrHistogram;

namespace Orchestrator.Engine.Metrics;

/// <summary>
/// Two latencies of every order, each in an HdrHistogram (1 ns .. 60 s, 3 significant digits): from
/// its cause's publication into the inbound ring to the order manager handing the order to the
/// gateway (the outbound publish: one ring hop and the trading stages — <see cref="Summarize"/>),
/// and to the gateway thread receiving it from the outbound ring (both hops —
/// <see cref="SummarizeToGateway"/>). Recorded by the single gateway thread; read by the slow path
/// after a copy under the lock.
/// </summary>
public sealed class LatencyRecorder
{
    private static readonly double s_nsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    private readonly object _gate = new();
    private readonly LongHistogram _histogram = new(1, 60L * 1_000_000_000, 3);
    private readonly LongHistogram _toGateway = new(1, 60L * 1_000_000_000, 3);

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (Stopwatch timestamps); ignores a missing start.</summary>
    public void Record(long startTimestamp, long endTimestamp)
    {
        if (startTimestamp == 0 || endTimestamp == 0)
        {
            return;
        }

        RecordNs((long)((endTimestamp - startTimestamp) * s_nsPerTick));
    }

    public void RecordNs(long nanoseconds) => RecordInto(_histogram, nanoseconds);

    /// <summary>
    /// Records an order's two latencies: from its cause's publication to its hand-off, and to now —
    /// the gateway thread calls this first thing on receiving the order (one clock read per order,
    /// on the gateway thread).
    /// </summary>
    public void Record(in Core.OrderCommand order)
    {
        long received = Stopwatch.GetTimestamp();
        Record(order.CausePublishTimestamp, order.HandoffTimestamp);
        if (order.CausePublishTimestamp != 0)
        {
            RecordInto(_toGateway, (long)((received - order.CausePublishTimestamp) * s_nsPerTick));
        }
    }

    private void RecordInto(LongHistogram histogram, long nanoseconds)
    {
        lock (_gate) // uncontended: one recording thread; readers copy rarely
        {
            histogram.RecordValue(Math.Clamp(nanoseconds, 1, histogram.HighestTrackableValue));
        }
    }

    /// <summary>Publication → hand-off to the gateway: p50, p99, p99.9 and max in microseconds, and the count.</summary>
    public LatencySummary Summarize() => Percentiles(_histogram);

    /// <summary>Publication → the gateway thread's receipt (both ring hops): p50, p99, p99.9 and max in microseconds, and the count.</summary>
    public LatencySummary SummarizeToGateway() => Percentiles(_toGateway);

    private LatencySummary Percentiles(LongHistogram histogram)
    {
        lock (_gate)
        {
            return histogram.TotalCount == 0
                ? new LatencySummary(0, 0, 0, 0, 0)
                : new LatencySummary(
                    histogram.TotalCount,
                    histogram.GetValueAtPercentile(50) / 1000.0,
                    histogram.GetValueAtPercentile(99) / 1000.0,
                    histogram.GetValueAtPercentile(99.9) / 1000.0,
                    histogram.GetMaxValue() / 1000.0);
        }
    }
}

/// <summary>Latency percentiles in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50Us, double P99Us, double P999Us, double MaxUs);
