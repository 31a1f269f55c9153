using System.Diagnostics;

namespace Orchestrator.Benchmarks.Latency;

/// <summary>
/// Paces a producer at a fixed offered rate: input <c>i</c> is due <c>i / rate</c> seconds after
/// <see cref="Start"/>. The wait yields rather than spins: on 2 cores the consumer threads need
/// the producer's core too. Every latency rig paces through this one loop, so "the same offered
/// rate" means the same code.
/// </summary>
internal readonly struct OfferedRate
{
    private readonly long _start;
    private readonly double _ticksPerInput;

    private OfferedRate(long start, double ticksPerInput)
    {
        _start = start;
        _ticksPerInput = ticksPerInput;
    }

    /// <summary>A schedule of <paramref name="perSecond"/> inputs a second starting now.</summary>
    public static OfferedRate Start(double perSecond) => new(Stopwatch.GetTimestamp(), Stopwatch.Frequency / perSecond);

    /// <summary>Time since the schedule started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Returns when input <paramref name="index"/> is due (at once if it is late).</summary>
    public void WaitForTurn(long index)
    {
        long due = _start + (long)(index * _ticksPerInput);
        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.Yield();
        }
    }
}
