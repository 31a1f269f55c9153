using Orchestrator.Backtest.Optimization;
using Orchestrator.Core;

namespace Orchestrator.Backtest.Tests.Optimization;

/// <summary>
/// A backtest's warm-up (<see cref="BacktestOptions.WarmUpFromNs"/>) and walk-forward test windows warmed up by it:
/// the rules see the data before the window, nothing trades there, the run starts flat, and the job count changes nothing.
/// </summary>
public sealed class WarmUpTests
{
    private const long Day = 86_400_000_000_000;
    private static readonly long Monday = (new DateTime(2024, 3, 4, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;

    private static BacktestResult Run(BacktestOptions options, MarketTick[] ticks) => SweepRunner.Backtest(SweepRunner.SingleThread(options), ticks);

    [Fact]
    public void ALongPeriodRule_TradesOnTheWindowsFirstDay_WithAWarmUp_AndNotWithout()
    {
        MarketTick[] ticks = SweepRunnerTests.Bars(days: 5);
        BacktestOptions window = SweepRunnerTests.Momentum(fast: 60, slow: 400) with { FromNs = Monday + (3 * Day) }; // the slow EMA needs 400 bars: more than a day of 390
        BacktestResult cold = Run(window, ticks);
        BacktestResult warm = Run(window with { WarmUpFromNs = Monday }, ticks);

        static bool OnFirstDay(FillRecord f) => f.TsNs < Monday + (4 * Day);
        Assert.DoesNotContain(cold.Fills, OnFirstDay);
        Assert.Contains(warm.Fills, OnFirstDay);
        foreach (BacktestResult r in new[] { cold, warm })
        {
            Assert.All(r.Fills, f => Assert.True(f.TsNs >= window.FromNs));
            Assert.True(r.Equity[0].TsNs >= window.FromNs);
            Assert.Equal(FixedPoint.FromDecimal(100_000m), r.Equity[0].EquityRaw); // flat from the starting cash: nothing carried in
            Assert.Equal(ticks.Count(t => t.TsEventNs >= window.FromNs), r.MarketEvents); // warm-up events are not the run's
        }

        Assert.Equal(100_000m, warm.StartingCash);
        byte[] again = BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(Run(window with { WarmUpFromNs = Monday }, ticks)), deterministic: true);
        Assert.Equal(BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(warm), deterministic: true), again);
        Assert.Equal(BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(cold), deterministic: true),
            BacktestReportWriter.ToUtf8Bytes(BacktestMetrics.Compute(Run(window with { WarmUpFromNs = window.FromNs }, ticks)), deterministic: true)); // an empty warm-up is none
    }

    [Fact]
    public void WarmUpEvents_AllocateNothing_AndMakeNoSignal()
    {
        MarketTick[] ticks = SweepRunnerTests.Bars(days: 3);
        var engine = new Orchestrator.Engine.TradingEngine(SweepRunnerTests.Momentum(3, 12).Engine, Orchestrator.Engine.Audit.NullAuditWriter.Instance);
        var e = default(EngineEvent);
        for (int i = 0; i < 1_000; i++) // warm: JIT, first bars
        {
            e.SetMarketData(ticks[i]);
            engine.WarmUpInline(ref e, i);
        }

        // Five windows, at most one may allocate: an allocation per event shows in every window, while under load the
        // test host now and then shows one allocation quantum on a thread that allocates nothing (see AllocationWindows
        // in the adapters' tests).
        const int Windows = 5;
        int perWindow = (ticks.Length - 1_000) / Windows;
        long[] allocated = new long[Windows];
        for (int w = 0, i = 1_000; w < Windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int end = i + perWindow; i < end; i++)
            {
                e.SetMarketData(ticks[i]);
                engine.WarmUpInline(ref e, i);
            }

            allocated[w] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(perWindow > 100, $"{perWindow} events a window");
        Assert.True(allocated.Count(bytes => bytes != 0) <= 1, "bytes allocated per window: " + string.Join(", ", allocated));
        Assert.Equal(0, engine.Counters.RuleSignals); // a 3/12 momentum crosses many times in three days: none became a signal
        Assert.Equal(0, engine.Orders.Created);
        Assert.True(engine.Market.LastRaw(1) > 0);
    }

    [Fact]
    public void AWarmUp_InRingMode_IsRefused()
    {
        BacktestOptions options = SweepRunnerTests.Momentum(3, 12) with { Mode = BacktestMode.Ring, FromNs = Monday + Day, WarmUpFromNs = Monday };
        ArgumentException refused = Assert.Throws<ArgumentException>(() => new BacktestRunner(options));
        Assert.Contains("single-thread mode only", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train=2d,test=1d", "train=2d,test=1d", null)]
    [InlineData("train=2d,test=1d,warmup=1w", "train=2d,test=1d,warmup=1w", "1w")]
    [InlineData("warmup=0,train=2d,test=1d", "train=2d,test=1d,warmup=0d", "0d")]
    public void WalkForwardSpec_ParsesTheWarmUp(string text, string shown, string? warmUp)
    {
        WalkForwardSpec spec = WalkForwardSpec.TryParse(text, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal(shown, spec.ToString());
        Assert.Equal(warmUp, spec.WarmUp?.ToString());
        Assert.Null(WalkForwardSpec.TryParse("train=2d,test=1d,warmup=-1d", out problem));
        Assert.Contains("warmup=N", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WalkForward_WarmsEachTestUp_ByDefaultWithItsTrainingSpan_TheSameForAnyJobCount()
    {
        MarketTick[] ticks = SweepRunnerTests.Bars(days: 5);
        var parameters = new[] { ParameterRange.TryParse("fast=40,60", out _)!, ParameterRange.TryParse("slow=300,400", out _)! };
        var definition = new SweepDefinition("momentum", parameters, OptimizationObjective.TotalReturn, "grid", 0, 0, "bars", "", "", long.MinValue, long.MaxValue);
        static BacktestOptions? Options(SweepCandidate c, out string? problem)
        {
            problem = null;
            return SweepRunnerTests.Momentum((int)c.Values[0], (int)c.Values[1]);
        }

        WalkForwardSpec spec = WalkForwardSpec.TryParse("train=2d,test=1d", out _)!;
        WalkForwardResult one = WalkForwardResult.Run(definition, spec, Options, ticks, jobs: 1);
        WalkForwardResult two = WalkForwardResult.Run(definition, spec, Options, ticks, jobs: 2);
        WalkForwardResult cold = WalkForwardResult.Run(definition, spec with { WarmUp = new CalendarSpan(0, 'd') }, Options, ticks, jobs: 2);
        Assert.Equal(3, one.Steps.Count);
        Assert.Equal(one.Steps.Select(Figures), two.Steps.Select(Figures));
        Assert.Equal(one.OutOfSample.Equity, two.OutOfSample.Equity);
        Assert.Equal(one.OutOfSample.Fills.Select(f => (f.TsNs, f.Quantity, f.PriceRaw)), two.OutOfSample.Fills.Select(f => (f.TsNs, f.Quantity, f.PriceRaw)));

        bool differs = false;
        for (int i = 0; i < one.Steps.Count; i++)
        {
            WalkForwardStep step = one.Steps[i];
            Assert.Equal((step.InSample!.Index, step.InSample.Figures), (cold.Steps[i].InSample!.Index, cold.Steps[i].InSample!.Figures)); // the in-sample sweeps are not warmed up
            BacktestOptions chosen = Options(definition.Candidates()[step.InSample!.Index], out _)! with { FromNs = step.Window.TestFromNs, ToNs = step.Window.TestToNs };
            Assert.Equal(CandidateFigures.From(BacktestMetrics.Compute(Run(chosen with { WarmUpFromNs = step.Window.TrainFromNs }, ticks))), step.OutOfSample);
            Assert.Equal(CandidateFigures.From(BacktestMetrics.Compute(Run(chosen, ticks))), cold.Steps[i].OutOfSample);
            differs |= step.OutOfSample != cold.Steps[i].OutOfSample;
        }

        Assert.True(differs, "the warm-up changed no window's test: the test proves nothing");
    }

    private static (WalkForwardWindow, int?, double?, CandidateFigures?, double?, CandidateFigures?) Figures(WalkForwardStep s) =>
        (s.Window, s.InSample?.Index, s.InSample?.Score, s.InSample?.Figures, s.OutOfSampleScore, s.OutOfSample);
}
