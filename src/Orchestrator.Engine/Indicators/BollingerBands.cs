using System.Runtime.CompilerServices;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Bollinger bands: the simple moving average of the last <see cref="Period"/> values with bands
/// <see cref="K"/> population standard deviations above and below it, updated incrementally in
/// O(1) from a ring of the window, a running sum and a running sum of squares.
/// </summary>
/// <remarks>
/// <para>Conventions: <see cref="Middle"/> = mean of the window; <see cref="StdDev"/> = population
/// standard deviation (divides by n, not n − 1); <see cref="Upper"/>/<see cref="Lower"/> = Middle ±
/// K·StdDev; <see cref="PercentB"/> = (last − Lower) / (Upper − Lower), 0.5 when the bands collapse
/// (Upper == Lower); <see cref="Bandwidth"/> = (Upper − Lower) / Middle, 0 when Middle is 0.
/// <see cref="IsReady"/> once <see cref="Period"/> values have been seen; before that every output
/// is computed over the values seen so far (all 0 before the first).</para>
/// <para>Numerics: the sums are kept of <c>x − shift</c>, where the shift is a recent window mean,
/// so the one-pass variance <c>Σd²/n − (Σd/n)²</c> does not cancel catastrophically when prices are
/// large next to their spread (a 60,000 price moving by cents). The shift starts as the first value.
/// As in <see cref="Sma"/>, each time the ring index wraps to slot 0 (every <see cref="Period"/>
/// updates once full) both sums are recomputed exactly from the window — first its mean, which
/// becomes the new shift, then the shifted sums — which is amortised O(1) and stops drift. A
/// negative variance from rounding is clamped to 0.</para>
/// <para>Limit: the one-pass variance subtracts two nearly equal numbers when the window's spread
/// is far below the spread seen since the last recompute, and the square root magnifies what is
/// left (a variance residue of 1e-17 reads as a StdDev of 3e-9). The common case — a window of
/// identical values, as in a flat or halted market — is detected in O(1) by counting the trailing
/// run of equal values, and then Middle is exactly that value, StdDev exactly 0, the bands
/// collapse and %B is 0.5.</para>
/// <para>Inputs are not validated (Update never throws). Not thread-safe: used on the signal
/// engine's thread. Update allocates nothing.</para>
/// </remarks>
public sealed class BollingerBands
{
    private readonly double[] _window;
    private readonly int _period;
    private readonly double _k;

    // Ring slot the next value is written to; once the window is full it holds the oldest value.
    private int _next;
    private int _count;

    // How many of the latest values equal the latest one (capped at the period).
    private int _equalRun;
    private double _shift;
    private double _sumShifted;
    private double _sumShiftedSquares;
    private double _last;

    /// <param name="period">Window length, at least 1.</param>
    /// <param name="k">Band width in standard deviations, finite and at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="period"/> is less than 1 or <paramref name="k"/> is negative or not finite.</exception>
    public BollingerBands(int period = 20, double k = 2.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        if (!double.IsFinite(k) || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "The band width must be a finite number of standard deviations, at least 0.");
        }

        _period = period;
        _k = k;
        _window = new double[period];
    }

    public int Period => _period;

    /// <summary>Band width in standard deviations.</summary>
    public double K => _k;

    /// <summary>Updates since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True once <see cref="Period"/> values have been seen.</summary>
    public bool IsReady => _count >= _period;

    /// <summary>The latest value.</summary>
    public double Last => _last;

    /// <summary>Mean of the window.</summary>
    public double Middle => Outputs().Middle;

    /// <summary>Population standard deviation of the window.</summary>
    public double StdDev => Outputs().StdDev;

    public double Upper => Outputs().Upper;

    public double Lower => Outputs().Lower;

    /// <summary>(Last − Lower) / (Upper − Lower); 0.5 when the bands collapse.</summary>
    public double PercentB => Outputs().PercentB;

    /// <summary>(Upper − Lower) / Middle; 0 when Middle is 0.</summary>
    public double Bandwidth => Outputs().Bandwidth;

    /// <summary>Adds a value (the outputs follow from the sums when read). O(1) amortised, no allocation, never throws.</summary>
    public void Update(double value)
    {
        int next = _next;
        if (_count >= _period)
        {
            double leaving = _window[next] - _shift;
            _sumShifted -= leaving;
            _sumShiftedSquares -= leaving * leaving;
        }
        else if (_count == 0)
        {
            _shift = value;
        }

        double d = value - _shift;
        _sumShifted += d;
        _sumShiftedSquares += d * d;
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
            RecomputeSums();
        }

        _next = next;
        int equalRun = (_count > 1 && value == _last) ? _equalRun + 1 : 1;
        _equalRun = equalRun < _period ? equalRun : _period;
        _last = value;
    }

    /// <summary>
    /// Every output at once, computed from the window's sums when read (the update only keeps the sums: most
    /// readers — the built-in rules — never look at the bands, and a division, a square root and two more
    /// divisions per update were a tenth of a backtest's time). The same arithmetic as computing them in
    /// <see cref="Update"/>: the same values to the last bit.
    /// </summary>
    internal BandOutputs Outputs()
    {
        if (_count == 0)
        {
            return default; // every output is 0 before the first value
        }

        double value = _last;
        int n = _count < _period ? _count : _period;
        double middle;
        double variance;
        if (_equalRun >= n)
        {
            // Every value in the window is the same: no spread, exactly.
            middle = value;
            variance = 0;
        }
        else
        {
            double meanShifted = _sumShifted / n;
            variance = (_sumShiftedSquares / n) - (meanShifted * meanShifted);
            if (variance < 0)
            {
                variance = 0;
            }

            middle = _shift + meanShifted;
        }

        double stdDev = Math.Sqrt(variance);
        double halfWidth = _k * stdDev;
        double upper = middle + halfWidth;
        double lower = middle - halfWidth;
        double width = upper - lower;
        return new BandOutputs(middle, stdDev, upper, lower, width > 0 ? (value - lower) / width : 0.5, middle != 0 ? width / middle : 0);
    }

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        Array.Clear(_window);
        _next = 0;
        _count = 0;
        _equalRun = 0;
        _shift = 0;
        _sumShifted = 0;
        _sumShiftedSquares = 0;
        _last = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecomputeSums()
    {
        double[] window = _window;
        double sum = 0;
        for (int i = 0; i < window.Length; i++)
        {
            sum += window[i];
        }

        double shift = sum / window.Length;
        double sumShifted = 0;
        double sumShiftedSquares = 0;
        for (int i = 0; i < window.Length; i++)
        {
            double d = window[i] - shift;
            sumShifted += d;
            sumShiftedSquares += d * d;
        }

        _shift = shift;
        _sumShifted = sumShifted;
        _sumShiftedSquares = sumShiftedSquares;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Doubles(_window);
        w.Int32(_next);
        w.Int32(_count);
        w.Int32(_equalRun);
        w.Double(_shift);
        w.Double(_sumShifted);
        w.Double(_sumShiftedSquares);
        w.Double(_last);
        BandOutputs o = Outputs(); // the snapshot layout keeps the outputs as they were stored when Update computed them
        w.Double(o.Middle);
        w.Double(o.StdDev);
        w.Double(o.Upper);
        w.Double(o.Lower);
        w.Double(o.PercentB);
        w.Double(o.Bandwidth);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Doubles(_window);
        _next = r.Int32();
        _count = r.Int32();
        _equalRun = r.Int32();
        _shift = r.Double();
        _sumShifted = r.Double();
        _sumShiftedSquares = r.Double();
        _last = r.Double();
        for (int i = 0; i < 6; i++)
        {
            r.Double(); // the outputs: computed from the state when read
        }
    }
}

/// <summary>The outputs of <see cref="BollingerBands"/> at one moment.</summary>
internal readonly record struct BandOutputs(double Middle, double StdDev, double Upper, double Lower, double PercentB, double Bandwidth);
