using NLog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// Drains an <see cref="IMarketDataSource"/> on its own dedicated background thread (named for
/// its role, <c>market-data-feed</c> unless told otherwise) and pushes every tick to an
/// <see cref="IMarketDataSink"/>, paced by a <see cref="MarketDataPace"/> measured on an
/// injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>The sink is called on the feed thread, one tick at a time, in source order.
/// <see cref="Completion"/> completes when the source is exhausted or the feed is stopped, and
/// faults (after an Error log) if the source or the sink throws. The feed does not own the source
/// or the sink: dispose a file reader yourself after <see cref="Completion"/>.</para>
/// <para>Lifecycle: <see cref="Start"/> once; <see cref="Stop"/> (or <see cref="Dispose"/>) at
/// any time, any number of times.</para>
/// </remarks>
public sealed class MarketDataFeed : IDisposable
{
    /// <summary>Default name of the feed thread.</summary>
    public const string DefaultThreadName = "market-data-feed";

    private const int MaxSleepMs = 10;

    private static readonly Logger s_defaultLogger = LogManager.GetLogger("Orchestrator.MarketData");

    private readonly IMarketDataSource _source;
    private readonly IMarketDataSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly Logger _logger;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _startTimestamp;

    // Written only by the feed thread; Volatile keeps the 64-bit read atomic and fresh on any thread.
    private long _ticksEmitted;
    private bool _started;
    private int _stopRequested;

    public MarketDataFeed(
        IMarketDataSource source,
        IMarketDataSink sink,
        MarketDataPace pace,
        TimeProvider? timeProvider = null,
        string threadName = DefaultThreadName,
        Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(pace);
        ArgumentException.ThrowIfNullOrWhiteSpace(threadName);
        _source = source;
        _sink = sink;
        Pace = pace;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? s_defaultLogger;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
    }

    public MarketDataPace Pace { get; }

    /// <summary>Ticks handed to the sink so far.</summary>
    public long TicksEmitted => Volatile.Read(ref _ticksEmitted);

    /// <summary>Completes when the source is exhausted or the feed stopped; faulted if the source or sink threw.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the feed thread; pacing is measured from this call.</summary>
    /// <exception cref="InvalidOperationException">Already started, or stopped before it started.</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("The market data feed has already been started.");
            }

            if (Volatile.Read(ref _stopRequested) != 0)
            {
                throw new InvalidOperationException("The market data feed was stopped before it started.");
            }

            _started = true;

            // Written before Thread.Start, which publishes it to the new thread.
            _startTimestamp = _timeProvider.GetTimestamp();
            _logger.Info("Market data feed {Thread} starting ({Pace})", _thread.Name, Pace.Kind);
            _thread.Start();
        }
    }

    /// <summary>
    /// Asks the feed to stop, wakes it if it is waiting for a due time, and joins the thread
    /// (unless called from the sink, on the feed thread itself). The tick in hand, if any, is
    /// not pushed. <see cref="Completion"/> has completed when this returns.
    /// </summary>
    public void Stop()
    {
        bool started;
        lock (_gate)
        {
            // Volatile: the feed thread polls the flag between ticks without taking the lock.
            Volatile.Write(ref _stopRequested, 1);
            Monitor.PulseAll(_gate);
            started = _started;
        }

        if (!started)
        {
            _completion.TrySetResult();
        }
        else if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    private void Run()
    {
        try
        {
            long emitted = Pump();
            _logger.Info("Market data feed {Thread} finished after {Ticks} ticks", _thread.Name, emitted);
            _completion.TrySetResult();
        }
        catch (Exception exception)
        {
            _logger.Error(exception, "Market data feed {Thread} failed after {Ticks} ticks", _thread.Name, TicksEmitted);
            _completion.TrySetException(exception);
        }
    }

    private long Pump()
    {
        MarketDataPaceKind kind = Pace.Kind;
        double timestampsPerTick = kind == MarketDataPaceKind.FixedRate ? _timeProvider.TimestampFrequency / Pace.TicksPerSecond : 0;
        double timestampsPerEventNs = kind == MarketDataPaceKind.Recorded ? _timeProvider.TimestampFrequency / 1e9 / Pace.Speed : 0;
        long firstEventNs = 0;
        long emitted = 0;
        while (Volatile.Read(ref _stopRequested) == 0 && _source.TryGetNext(out MarketTick tick))
        {
            if (kind == MarketDataPaceKind.FixedRate)
            {
                if (!WaitUntil(_startTimestamp + (long)(emitted * timestampsPerTick)))
                {
                    break;
                }
            }
            else if (kind == MarketDataPaceKind.Recorded)
            {
                if (emitted == 0)
                {
                    firstEventNs = tick.TsEventNs;
                }

                if (!WaitUntil(_startTimestamp + (long)((tick.TsEventNs - firstEventNs) * timestampsPerEventNs)))
                {
                    break;
                }
            }

            _sink.OnMarketData(in tick);
            emitted++;

            // Volatile: publishes the count to threads reading TicksEmitted.
            Volatile.Write(ref _ticksEmitted, emitted);
        }

        return emitted;
    }

    /// <summary>Waits until the time provider reaches <paramref name="dueTimestamp"/>; false if stopped first.</summary>
    private bool WaitUntil(long dueTimestamp)
    {
        while (Volatile.Read(ref _stopRequested) == 0)
        {
            long remaining = dueTimestamp - _timeProvider.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            // Round the wait up, never spin: a tick may leave up to a millisecond late, and ticks
            // that fall due meanwhile go out together, so the average rate holds while the feed
            // thread costs next to no CPU (it shares 2 cores with the engine).
            double remainingMs = remaining * 1000.0 / _timeProvider.TimestampFrequency;
            lock (_gate)
            {
                if (Volatile.Read(ref _stopRequested) == 0)
                {
                    Monitor.Wait(_gate, (int)Math.Min(Math.Ceiling(remainingMs), MaxSleepMs));
                }
            }
        }

        return false;
    }
}
