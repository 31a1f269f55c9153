using System.Runtime.CompilerServices;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Simple moving average: the arithmetic mean of the last <see cref="Period"/> values,
/// updated incrementally in O(1) from a ring of the window and a running sum.
/// </summary>
/// <remarks>
/// <para>Conventions: <see cref="IsReady"/> once <see cref="Period"/> values have been seen.
/// Before that, <see cref="Value"/> is the mean of the values seen so far (0 before the first).</para>
/// <para>Drift: a running sum that adds the new value and subtracts the leaving one collects
/// rounding error without bound over millions of updates. Each time the ring index wraps to
/// slot 0 — every <see cref="Period"/> updates, starting when the window first fills — the
/// sum is recomputed exactly from the window, oldest to newest. That costs O(period) once per
/// period updates (amortised O(1)) and bounds the error to what at most <see cref="Period"/>
/// incremental steps can add. On those updates the value is bit-identical to a naive
/// oldest-to-newest sum divided by the period.</para>
/// <para>Inputs are not validated (Update never throws); a NaN or infinity poisons the
/// value until it has left the window and the next exact recompute has run.</para>
/// <para>Not thread-safe: one instance belongs to one symbol's state on the signal engine's thread.
/// Update allocates nothing.</para>
/// </remarks>
public sealed class Sma
{
    private readonly double[] _window;
    private readonly int _period;

    // Ring slot the next value is written to; once the window is full it holds the oldest value.
    private int _next;
    private int _count;
    private double _sum;

    /// <param name="period">Window length, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="period"/> is less than 1.</exception>
    public Sma(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _window = new double[period];
    }

    /// <summary>Window length.</summary>
    public int Period => _period;

    /// <summary>Updates since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True once <see cref="Period"/> values have been seen.</summary>
    public bool IsReady => _count >= _period;

    /// <summary>Mean of the last <see cref="Period"/> values; before ready, the mean of the values so far (0 before the first).</summary>
    public double Value => _count == 0 ? 0 : _sum / (_count < _period ? _count : _period); // computed when read: the same division Update once did for every value

    /// <summary>Adds a value (<see cref="Value"/> follows from the sum when read). O(1) amortised, no allocation, never throws.</summary>
    public void Update(double value)
    {
        int next = _next;

        // Before the window is full the slot holds 0, so subtracting it is exact.
        _sum = _sum - _window[next] + value;
        _window[next] = value;
        if (_count < int.MaxValue)
        {
            _count++;
        }

        next++;
        if (next == _period)
        {
            // Slot 0 now holds the oldest value: the array order is the time order.
            next = 0;
            RecomputeSum();
        }

        _next = next;
    }

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        Array.Clear(_window);
        _next = 0;
        _count = 0;
        _sum = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecomputeSum()
    {
        double[] window = _window;
        double sum = 0;
        for (int i = 0; i < window.Length; i++)
        {
            sum += window[i];
        }

        _sum = sum;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32(_next);
        w.Int32(_count);
        w.Double(_sum);
        w.Double(Value); // the layout keeps the value Update once stored
        w.Doubles(_window);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _next = r.Int32();
        _count = r.Int32();
        _sum = r.Double();
        r.Double(); // the value: computed from the sum when read
        r.Doubles(_window);
    }
}
