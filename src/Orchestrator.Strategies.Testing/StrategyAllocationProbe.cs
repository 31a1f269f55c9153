using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Strategies;

namespace Orchestrator.Strategies.Testing;

/// <summary>
/// Proves that a fast-path strategy allocates nothing in steady state: it runs the strategy in a real
/// engine (its own trading thread) with the paper venue, feeds the warm-up ticks (JIT, first-use
/// paths, a reason's first interning) one at a time, each settled before the next, then the measured ticks the same way, and
/// reads <see cref="GC.GetAllocatedBytesForCurrentThread"/> on the trading thread around every
/// callback of the strategy — its own work and everything its Submit calls ran (risk, sizing, the
/// order manager) — and across the whole trading thread from each window's first measured callback to its last.
/// </summary>
/// <remarks>
/// The measured ticks are split into <see cref="Windows"/> equal windows. An allocation per callback, per
/// trade or per period shows in at least two of them; a one-time runtime cost whose moment the machine's load
/// decides (tiered compilation promoting a method, which can allocate on the thread that reached the call
/// count — seen once in a full parallel test run, 240 bytes in a callback that allocates nothing) lands in
/// one, and is not steady state. <see cref="AssertNoAllocation"/> fails when more than one window allocated.
/// Let the warm-up take every path once (the first sighting of a reason code interns it, which
/// allocates) and be long — tens of thousands of events — so the JIT has mostly finished tiering up; and
/// let every window trade, or the windows prove nothing about the trading path.
/// </remarks>
/// <example>
/// <code>
/// StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(new MyStrategy(), ["AAPL"], ticks, warmUpTicks: 2_000);
/// Assert.True(report.Callbacks &gt; 0 &amp;&amp; report.Signals &gt; 0); // prove the measured run did something
/// </code>
/// </example>
public static class StrategyAllocationProbe
{
    /// <summary>Windows the measured ticks are split into.</summary>
    public const int Windows = 4;

    /// <summary>
    /// Runs <paramref name="strategy"/> over <paramref name="ticks"/> (the first <paramref name="warmUpTicks"/>
    /// not measured) and returns what it allocated. <paramref name="options"/> defaults to
    /// <see cref="StrategyTestRig.Options"/>; its Strategies are replaced by this one strategy.
    /// </summary>
    public static StrategyAllocationReport Measure(IStrategy strategy, IReadOnlyList<string> symbols, IReadOnlyList<MarketTick> ticks, int warmUpTicks, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentOutOfRangeException.ThrowIfNegative(warmUpTicks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warmUpTicks, ticks.Count - Windows, nameof(warmUpTicks)); // at least one measured tick per window
        if (strategy.Threading != StrategyThreading.FastPath)
        {
            throw new ArgumentException("Only a fast-path strategy must not allocate; a slow-path one may.", nameof(strategy));
        }

        var measured = new MeasuringStrategy(strategy);
        var registration = new StrategyRegistration("allocation-probe", measured, symbols);
        EngineOptions engineOptions = (options ?? StrategyTestRig.Options(symbols)) with { Strategies = [registration] };
        using var rig = new StrategyTestRig(engineOptions);
        for (int i = 0; i < warmUpTicks; i++)
        {
            Feed(rig, ticks[i]);
        }

        StrategyStatus before = rig.Engine.Strategies!.Status()[0];
        int measuredTicks = ticks.Count - warmUpTicks;
        for (int w = 0; w < Windows; w++)
        {
            measured.Window = w; // release: the trading thread sees it with the next event (the engine is quiet now)
            int end = warmUpTicks + (int)((long)measuredTicks * (w + 1) / Windows);
            for (int i = warmUpTicks + (int)((long)measuredTicks * w / Windows); i < end; i++)
            {
                Feed(rig, ticks[i]);
            }
        }

        measured.Window = -1;
        StrategyStatus after = rig.Engine.Strategies!.Status()[0];
        return new StrategyAllocationReport(
            measuredTicks,
            measured.Callbacks,
            measured.CallbackBytes,
            measured.ThreadBytes,
            after.Signals - before.Signals,
            after.Taken - before.Taken,
            after.Errors,
            measured.FirstAllocation,
            measured.WindowBytes());
    }

    /// <summary>
    /// <see cref="Measure"/>, then throws <see cref="StrategyAllocationException"/> when the trading thread
    /// allocated in more than one window (steady-state allocation), the strategy threw, or no callback
    /// was measured at all.
    /// </summary>
    public static StrategyAllocationReport AssertNoAllocation(IStrategy strategy, IReadOnlyList<string> symbols, IReadOnlyList<MarketTick> ticks, int warmUpTicks, EngineOptions? options = null)
    {
        StrategyAllocationReport report = Measure(strategy, symbols, ticks, warmUpTicks, options);
        if (report.Callbacks == 0)
        {
            throw new StrategyAllocationException($"No callback of the strategy ran during the measured ticks: nothing was proven. {report}");
        }

        if (report.Errors > 0)
        {
            throw new StrategyAllocationException($"The strategy threw {report.Errors} time(s): an exception allocates. {report}");
        }

        if (report.AllocatingWindows > 1)
        {
            throw new StrategyAllocationException($"The strategy allocated on the trading thread in {report.AllocatingWindows} of {Windows} windows. {report}");
        }

        return report;
    }

    /// <summary>
    /// One tick, then the engine settled (orders placed, venue reports applied) before the next, as
    /// with a live feed that the engine keeps up with: positions and fills are those the data implies.
    /// </summary>
    private static void Feed(StrategyTestRig rig, in MarketTick tick)
    {
        rig.Publish(tick);
        rig.WaitUntilQuiet();
    }

    /// <summary>Delegates every callback, reading the thread's allocation counter around it while measuring.</summary>
    private sealed class MeasuringStrategy(IStrategy inner) : IStrategy
    {
        private readonly long[] _callbackBytes = new long[Windows];
        private readonly long[] _threadStart = Enumerable.Repeat(-1L, Windows).ToArray();
        private readonly long[] _threadLast = new long[Windows];
        private volatile int _window = -1; // -1 = warming up, not measured
        private string? _firstCallback;
        private long _firstIndex;
        private long _firstBytes;

        /// <summary>The window being measured (set by the feeding thread while the engine is quiet).</summary>
        public int Window
        {
            get => _window;
            set => _window = value;
        }

        public long Callbacks { get; private set; }

        public long CallbackBytes => _callbackBytes.Sum();

        public string? FirstAllocation => _firstCallback is null ? null : $"{_firstCallback} (measured callback #{_firstIndex}): {_firstBytes} bytes";

        /// <summary>The trading thread's allocations within the windows, each from its first measured callback's start to its last one's end.</summary>
        public long ThreadBytes => WindowThreadBytes().Sum();

        /// <summary>Per window, the larger of its callbacks' bytes and the trading thread's bytes across it.</summary>
        public long[] WindowBytes()
        {
            long[] thread = WindowThreadBytes();
            var bytes = new long[Windows];
            for (int w = 0; w < Windows; w++)
            {
                bytes[w] = Math.Max(_callbackBytes[w], thread[w]);
            }

            return bytes;
        }

        private long[] WindowThreadBytes()
        {
            var bytes = new long[Windows];
            for (int w = 0; w < Windows; w++)
            {
                bytes[w] = _threadStart[w] < 0 ? 0 : _threadLast[w] - _threadStart[w];
            }

            return bytes;
        }

        public StrategyThreading Threading => inner.Threading;

        public IReadOnlyList<Timeframe> Timeframes => inner.Timeframes;

        public void OnStart(IStrategyContext context) => inner.OnStart(context);

        public void OnTick(in Tick tick)
        {
            long before = Begin();
            inner.OnTick(tick);
            End(before, "OnTick");
        }

        public void OnBar(in Bar bar)
        {
            long before = Begin();
            inner.OnBar(bar);
            End(before, "OnBar");
        }

        public void OnOrderUpdate(in OrderUpdate update)
        {
            long before = Begin();
            inner.OnOrderUpdate(update);
            End(before, "OnOrderUpdate");
        }

        public void OnFill(in Fill fill)
        {
            long before = Begin();
            inner.OnFill(fill);
            End(before, "OnFill");
        }

        public void OnTimer(long eventTimeNs)
        {
            long before = Begin();
            inner.OnTimer(eventTimeNs);
            End(before, "OnTimer");
        }

        private long Begin()
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            int w = _window;
            if (w >= 0 && _threadStart[w] < 0)
            {
                _threadStart[w] = now;
            }

            return now;
        }

        private void End(long before, string callback)
        {
            int w = _window;
            if (w < 0)
            {
                return;
            }

            long after = GC.GetAllocatedBytesForCurrentThread();
            if (after != before && _firstCallback is null)
            {
                _firstCallback = callback; // a constant: noting it allocates nothing (the text is made after the run)
                _firstIndex = Callbacks + 1;
                _firstBytes = after - before;
            }

            _callbackBytes[w] += after - before;
            _threadLast[w] = after;
            Callbacks++;
        }
    }
}

/// <summary>What <see cref="StrategyAllocationProbe"/> measured on the trading thread.</summary>
/// <param name="MeasuredTicks">Ticks fed after the warm-up.</param>
/// <param name="Callbacks">Strategy callbacks during the measured ticks.</param>
/// <param name="CallbackBytes">Bytes allocated inside those callbacks (Submit's engine work included).</param>
/// <param name="ThreadBytes">Bytes the trading thread allocated from the first measured callback to the last (every stage).</param>
/// <param name="Signals">Signals the strategy submitted while measured.</param>
/// <param name="Taken">Of those, signals that made an order.</param>
/// <param name="Errors">Exceptions the strategy threw over the whole run.</param>
/// <param name="FirstAllocation">The first measured callback that allocated, and how much (null = none).</param>
/// <param name="WindowBytes">Per window of the measured ticks, the bytes allocated on the trading thread in it.</param>
public sealed record StrategyAllocationReport(long MeasuredTicks, long Callbacks, long CallbackBytes, long ThreadBytes, long Signals, long Taken, long Errors, string? FirstAllocation, IReadOnlyList<long> WindowBytes)
{
    /// <summary>Windows in which the trading thread allocated (more than one = steady-state allocation).</summary>
    public int AllocatingWindows => WindowBytes.Count(bytes => bytes != 0);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{MeasuredTicks} measured ticks, {Callbacks} callbacks, {Signals} signals ({Taken} taken), {Errors} errors; bytes per window {string.Join(", ", WindowBytes)} "
        + $"(callbacks {CallbackBytes}, thread {ThreadBytes}); first allocating callback: {FirstAllocation ?? "none"}";

    /// <summary>Bytes per measured callback (0 is the goal).</summary>
    public double BytesPerCallback => Callbacks == 0 ? 0 : (double)CallbackBytes / Callbacks;
}

/// <summary>A fast-path strategy allocated on the trading thread (or the probe proved nothing).</summary>
public sealed class StrategyAllocationException : Exception
{
    public StrategyAllocationException()
    {
    }

    public StrategyAllocationException(string message)
        : base(message)
    {
    }

    public StrategyAllocationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
