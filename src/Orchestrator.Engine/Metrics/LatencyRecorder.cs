using System.Diagnostics;
using HdrHistogram;

namespace Orchestrator.Engine.Metrics;

/// <summary>
/// Latency from an input's publication into the ring to the order manager handing the order
/// it caused to the gateway (the outbound publish), in an HdrHistogram (1 ns .. 60 s, 3 significant digits). Recorded by the single
/// gateway thread; read by the slow path after a copy under the lock.
/// </summary>
public sealed class LatencyRecorder
{
    private static readonly double s_nsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    private readonly object _gate = new();
    private readonly LongHistogram _histogram = new(1, 60L * 1_000_000_000, 3);

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (Stopwatch timestamps); ignores a missing start.</summary>
    public void Record(long startTimestamp, long endTimestamp)
    {
        if (startTimestamp == 0 || endTimestamp == 0)
        {
            return;
        }

        RecordNs((long)((endTimestamp - startTimestamp) * s_nsPerTick));
    }

    /// <summary>Records an order's latency: from its cause's publication to its hand-off to the gateway.</summary>
    public void Record(in Core.OrderCommand order) => Record(order.CausePublishTimestamp, order.HandoffTimestamp);

    public void RecordNs(long nanoseconds)
    {
        lock (_gate) // uncontended: one recording thread; readers copy rarely
        {
            _histogram.RecordValue(Math.Clamp(nanoseconds, 1, _histogram.HighestTrackableValue));
        }
    }

    /// <summary>p50, p99, p99.9 and max in microseconds, and the count.</summary>
    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            return _histogram.TotalCount == 0
                ? new LatencySummary(0, 0, 0, 0, 0)
                : new LatencySummary(
                    _histogram.TotalCount,
                    _histogram.GetValueAtPercentile(50) / 1000.0,
                    _histogram.GetValueAtPercentile(99) / 1000.0,
                    _histogram.GetValueAtPercentile(99.9) / 1000.0,
                    _histogram.GetMaxValue() / 1000.0);
        }
    }
}

/// <summary>Latency percentiles in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50Us, double P99Us, double P999Us, double MaxUs);
