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
/// order manager) — and across the whole trading thread from the first measured callback to the last.
/// Let the warm-up take every path once (the first sighting of a reason code interns it, which
/// allocates) and be long — tens of thousands of events — so the JIT has finished tiering up.
/// </summary>
/// <example>
/// <code>
/// StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(new MyStrategy(), ["AAPL"], ticks, warmUpTicks: 2_000);
/// Assert.True(report.Callbacks &gt; 0 &amp;&amp; report.Signals &gt; 0); // prove the measured run did something
/// </code>
/// </example>
public static class StrategyAllocationProbe
{
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
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmUpTicks, ticks.Count);
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
        measured.Measuring = true; // release: the trading thread sees it with the next event
        for (int i = warmUpTicks; i < ticks.Count; i++)
        {
            Feed(rig, ticks[i]);
        }

        measured.Measuring = false;
        StrategyStatus after = rig.Engine.Strategies!.Status()[0];
        return new StrategyAllocationReport(
            ticks.Count - warmUpTicks,
            measured.Callbacks,
            measured.CallbackBytes,
            measured.ThreadBytes,
            after.Signals - before.Signals,
            after.Taken - before.Taken,
            after.Errors,
            measured.FirstAllocation);
    }

    /// <summary>
    /// <see cref="Measure"/>, then throws <see cref="StrategyAllocationException"/> when anything was
    /// allocated on the trading thread, the strategy threw, or no callback was measured at all.
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

        if (report.CallbackBytes != 0 || report.ThreadBytes != 0)
        {
            throw new StrategyAllocationException($"The strategy allocated on the trading thread. {report}");
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
        private volatile bool _measuring;
        private long _threadStart = -1;
        private long _threadLast;
        private string? _firstCallback;
        private long _firstIndex;
        private long _firstBytes;

        public bool Measuring
        {
            get => _measuring;
            set => _measuring = value;
        }

        public long Callbacks { get; private set; }

        public long CallbackBytes { get; private set; }

        public string? FirstAllocation => _firstCallback is null ? null : $"{_firstCallback} (measured callback #{_firstIndex}): {_firstBytes} bytes";

        /// <summary>The trading thread's allocations from the first measured callback's start to the last one's end.</summary>
        public long ThreadBytes => _threadStart < 0 ? 0 : _threadLast - _threadStart;

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
            if (_measuring && _threadStart < 0)
            {
                _threadStart = now;
            }

            return now;
        }

        private void End(long before, string callback)
        {
            if (!_measuring)
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

            CallbackBytes += after - before;
            _threadLast = after;
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
public sealed record StrategyAllocationReport(long MeasuredTicks, long Callbacks, long CallbackBytes, long ThreadBytes, long Signals, long Taken, long Errors, string? FirstAllocation)
{
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
