using Orchestrator.Core;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Examples.Tests;

/// <summary>
/// The allocation probe itself: it must catch a strategy that allocates per tick or now and then, and
/// must not blame a strategy for one allocation at one moment (the shape of a runtime one-off such as
/// tiered compilation's promotion, which a full parallel test run once landed in a clean callback).
/// </summary>
public sealed class StrategyAllocationProbeTests
{
    private const int WarmUp = 2_000;
    private const int Measured = 2_000;

    [Fact]
    public void AStrategyThatAllocatesNothing_Passes_WithEveryWindowAtZero()
    {
        StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(new AllocatingStrategy(_ => false), ["AAPL"], Data(), WarmUp);

        Assert.Equal(StrategyAllocationProbe.Windows, report.WindowBytes.Count);
        Assert.All(report.WindowBytes, bytes => Assert.Equal(0, bytes));
        Assert.Equal(Measured, report.Callbacks);
    }

    [Fact]
    public void AStrategyThatAllocatesOnEveryTick_Fails_InEveryWindow()
    {
        var error = Assert.Throws<StrategyAllocationException>(() => StrategyAllocationProbe.AssertNoAllocation(new AllocatingStrategy(_ => true), ["AAPL"], Data(), WarmUp));

        Assert.Contains($"in {StrategyAllocationProbe.Windows} of {StrategyAllocationProbe.Windows} windows", error.Message, StringComparison.Ordinal);
        Assert.Contains("OnTick (measured callback #1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStrategyThatAllocatesNowAndThen_Fails()
    {
        // Once every 700 ticks: three allocations over the four windows of 500 measured ticks.
        var error = Assert.Throws<StrategyAllocationException>(() => StrategyAllocationProbe.AssertNoAllocation(new AllocatingStrategy(n => n % 700 == 0), ["AAPL"], Data(), WarmUp));

        Assert.Contains("windows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneAllocationAtOneMoment_IsNotSteadyState_AndIsReported()
    {
        StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(new AllocatingStrategy(n => n == WarmUp + 1_234), ["AAPL"], Data(), WarmUp);

        Assert.Equal(1, report.AllocatingWindows);
        Assert.NotEqual(0, report.WindowBytes[2]); // measured tick 1,234 of 2,000 is in the third window
        Assert.Contains("OnTick (measured callback #1234)", report.FirstAllocation, StringComparison.Ordinal);
    }

    /// <summary>One trade per second of AAPL around 100.</summary>
    private static List<MarketTick> Data()
    {
        var ticks = new List<MarketTick>(WarmUp + Measured);
        for (int i = 0; i < WarmUp + Measured; i++)
        {
            ticks.Add(Ticks.Trade(0, Ticks.At(0, 15, 0) + (i * Ticks.Second), 100m + (i % 7)));
        }

        return ticks;
    }

    /// <summary>Counts ticks (1 = the first) and allocates on those <c>allocatesOn</c> picks.</summary>
    private sealed class AllocatingStrategy(Func<long, bool> allocatesOn) : IStrategy
    {
        private long _ticks;

        public object? Kept { get; private set; }

        public StrategyThreading Threading => StrategyThreading.FastPath;

        public IReadOnlyList<Timeframe> Timeframes => [];

        public void OnStart(IStrategyContext context)
        {
        }

        public void OnTick(in Tick tick)
        {
            if (allocatesOn(++_ticks))
            {
                Kept = new long[4];
            }
        }

        public void OnBar(in Bar bar)
        {
        }

        public void OnOrderUpdate(in OrderUpdate update)
        {
        }

        public void OnFill(in Fill fill)
        {
        }

        public void OnTimer(long eventTimeNs)
        {
        }
    }
}
