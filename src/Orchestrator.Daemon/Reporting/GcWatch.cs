namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// What the garbage collector did in a run's steady state: collections per generation, bytes
/// allocated by every thread, and pause time, counted from the end of a warm-up (start-up, JIT
/// tiering and the first fills allocate; steady state should not) until <see cref="Stop"/> (the
/// run was asked to stop: shutdown is not steady state).
/// </summary>
/// <remarks>
/// A run that stops before its warm-up ends is counted whole, from the watch's start, and says so
/// (<see cref="GcFigures.WarmupSeconds"/> is 0): zeros would pass for a run without collections. The
/// warm-up ends on a timer thread; reads and the stop take a lock (the status line and the report,
/// never a hot thread). <see cref="Current"/> allocates nothing.
/// </remarks>
public sealed class GcWatch : IDisposable
{
    /// <summary>The warm-up <c>run</c> leaves out of the report's <c>gc</c> figures.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly TimeSpan _warmup;
    private GcSample _from;
    private GcSample? _to;
    private bool _warm;

    /// <summary>Starts counting now; the warm-up ends <paramref name="warmup"/> from now on <paramref name="time"/>'s clock.</summary>
    public GcWatch(TimeSpan warmup, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        _warmup = warmup;
        _from = GcSample.Take(_time);
        _timer = _time.CreateTimer(_ => EndWarmup(), null, warmup, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether the warm-up ended before <see cref="Stop"/>.</summary>
    public bool WarmedUp
    {
        get
        {
            lock (_gate)
            {
                return _warm;
            }
        }
    }

    /// <summary>The figures so far (frozen once stopped).</summary>
    public GcFigures Current
    {
        get
        {
            lock (_gate)
            {
                return GcFigures.Between(_from, _to ?? GcSample.Take(_time), _warm ? _warmup : TimeSpan.Zero, _time.TimestampFrequency);
            }
        }
    }

    /// <summary>Ends the counting (the run is stopping); later calls change nothing.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _to ??= GcSample.Take(_time);
        }

        _timer.Dispose();
    }

    public void Dispose() => Stop();

    private void EndWarmup()
    {
        lock (_gate)
        {
            if (_to is null && !_warm)
            {
                _from = GcSample.Take(_time);
                _warm = true;
            }
        }
    }
}

/// <summary>The collector's counters at one moment (process-wide).</summary>
internal readonly record struct GcSample(int Gen0, int Gen1, int Gen2, long AllocatedBytes, TimeSpan Pause, long Timestamp)
{
    public static GcSample Take(TimeProvider time) =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: true), GC.GetTotalPauseDuration(), time.GetTimestamp());
}

/// <summary>
/// Collections per generation (a gen1 collection counts in gen0 too, a gen2 in all three), bytes
/// allocated by all threads and the collector's pause time over <see cref="MeasuredSeconds"/>,
/// after a warm-up of <see cref="WarmupSeconds"/> (0: the run ended first and is counted whole).
/// </summary>
public readonly record struct GcFigures(double WarmupSeconds, double MeasuredSeconds, int Gen0, int Gen1, int Gen2, long AllocatedBytes, double PauseMs)
{
    internal static GcFigures Between(GcSample from, GcSample to, TimeSpan warmup, long frequency) =>
        new(warmup.TotalSeconds, (to.Timestamp - from.Timestamp) / (double)frequency,
            to.Gen0 - from.Gen0, to.Gen1 - from.Gen1, to.Gen2 - from.Gen2, to.AllocatedBytes - from.AllocatedBytes, (to.Pause - from.Pause).TotalMilliseconds);
}
