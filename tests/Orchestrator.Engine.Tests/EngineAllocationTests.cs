using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>The whole handler chain allocates nothing in steady state.</summary>
public sealed class EngineAllocationTests
{
    [Fact]
    public void OneMillionEvents_ThroughTheHandlerChain_AllocateZeroBytes()
    {
        var driver = new ChainDriver(new EngineHarness(TradingOptions()).Engine);

        driver.Run(100_000); // warm-up: JIT, first-use statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(driver.Engine.Counters.OrdersSubmitted > 1_000, "the run must trade, not only tick");
        Assert.True(driver.Engine.Counters.Fills > 1_000);
        Assert.True(driver.Engine.Counters.ProtectiveExits > 0);
    }

    /// <summary>
    /// Issue 20: the rules on a timeframe (bars built per symbol on the exchange's calendar, their own indicators) allocate
    /// nothing either; nor do momentum and RSI reversion on bars of their own (<paramref name="ownBars"/>: two lanes).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RulesOnATimeframe_WithExchangeCalendars_ThroughTheHandlerChain_AllocateZeroBytes(bool ownBars)
    {
        var second = new Orchestrator.Strategies.Timeframe(EngineHarness.Second);
        RuleOptions rules = ownBars
            ? TradingOptions().Rules with { MomentumBars = new RuleBars(second), RsiReversionBars = new RuleBars(new Orchestrator.Strategies.Timeframe(2 * EngineHarness.Second)) }
            : TradingOptions().Rules with { Timeframe = second };
        TradingEngine engine = new EngineHarness(TradingOptions() with { Rules = rules, UseExchangeCalendars = true }).Engine;
        var driver = new ChainDriver(engine);

        driver.Run(100_000); // warm-up: JIT, first-use statics
        long rulesBefore = engine.Counters.RuleSignals;
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(ownBars, engine.SignalEngine.RulesSplit);
        Assert.True(engine.Counters.RuleSignals - rulesBefore > 10, "the rules must decide on their bars, not only tick");
        Assert.True(engine.SignalEngine.RuleIndicators(0).Count > 400, "1-second bars of the driver's millisecond ticks must have closed");
        if (ownBars)
        {
            Assert.True(engine.SignalEngine.RsiReversionIndicators(0).Count > 200, "RSI reversion's 2-second bars must have closed");
            Assert.True(engine.SignalEngine.RuleIndicators(0).Count > engine.SignalEngine.RsiReversionIndicators(0).Count, "momentum's 1-second bars close twice as often");
        }
    }

    /// <summary>Issue 19: a fractional symbol (AAPL in 10^−4 shares) sizes, books and values through <see cref="Quantities"/>' Int128 paths, still allocating nothing.</summary>
    [Fact]
    public void FractionalSymbol_ThroughTheHandlerChain_AllocatesZeroBytes()
    {
        TradingEngine engine = new EngineHarness(TradingOptions() with
        {
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 4 } },
        }).Engine;
        var driver = new ChainDriver(engine);

        driver.Run(100_000); // warm-up: JIT, first-use statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(engine.Counters.Fills > 1_000, "the run must trade, not only tick");
        Assert.True(engine.Portfolio.Units.AnyFractional);
        bool fractionTraded = false;
        for (int slot = 0; slot < engine.Orders.Capacity && !fractionTraded; slot++)
        {
            OrderRecord order = engine.Orders[slot];
            fractionTraded = order.SymbolId == 0 && order.FilledQuantity % Quantities.UnitsPerShare(4) != 0;
        }

        Assert.True(fractionTraded, "AAPL must have filled a fraction of a share: the fractional paths ran");
    }

    [Fact]
    public void AgentSignals_WithPerAgentLimits_ThroughTheHandlerChain_AllocateZeroBytes()
    {
        TradingEngine engine = new EngineHarness(TradingOptions() with
        {
            AgentLimits =
            [
                new AgentLimit { Name = "alpha", MaxPosition = 50, MaxOrdersPerMinute = 30, Symbols = ["AAPL"] },
                new AgentLimit { Name = "beta", MaxPosition = 1_000 },
            ],
        }).Engine;
        int[] sources = [engine.Sources.Intern("alpha"), engine.Sources.Intern("beta"), engine.Sources.Intern("gamma")];
        var driver = new ChainDriver(engine, signalEvery: 7, signalSources: sources);

        driver.Run(100_000); // warm-up: JIT, first-use statics, every source's slot assigned
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        var copy = new AgentBookCopy();
        engine.Agents.Read(copy);
        int alpha = copy.IndexOf("alpha");
        Assert.True(copy.Orders[alpha] > 100, "the agents must trade, not only signal");
        Assert.True(copy.Rejects[(alpha * AgentBook.ReasonCount) + (int)RejectReason.AgentSymbolNotAllowed] > 0);
        Assert.True(copy.Rejects[(alpha * AgentBook.ReasonCount) + (int)RejectReason.AgentRateLimit] > 0);
        Assert.True(copy.Orders[copy.IndexOf("gamma")] > 100);
    }

    [Fact]
    public void Checkpoints_EveryStageWritingItsSection_AllocateZeroBytesOnTheFastPath()
    {
        using var dir = new Journal.TempDirectory();
        TradingEngine engine = new EngineHarness(TradingOptions() with { JournalDirectory = dir.Path, OrderCapacity = 4096 }).Engine;
        engine.Checkpoints!.Start(); // the writer thread frees the buffers; its own allocations are not the fast path's
        var driver = new ChainDriver(engine, checkpointEvery: 20_000);

        driver.Run(50_000); // warm-up, first checkpoints included
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(400_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        engine.Checkpoints.Stop(TimeSpan.FromSeconds(30));

        Assert.Equal(0, allocated);
        Assert.True(engine.Checkpoints.Requested > 10, "checkpoints must be captured, not only skipped");
        Assert.Equal(0, engine.Checkpoints.Skipped);
        Assert.True(engine.Checkpoints.Written > 0);
        Assert.Equal(engine.Checkpoints.Requested, engine.Checkpoints.Written);
        Assert.Equal(SnapshotFile.Keep, SnapshotFile.List(dir.Path).Length);
    }

    private static EngineOptions TradingOptions() => EngineHarness.DefaultOptions() with
    {
        Rules = new RuleOptions { MomentumEnabled = true, RsiReversionEnabled = true, MomentumFastPeriod = 5, MomentumSlowPeriod = 12, RsiPeriod = 6 },
        Exits = new ExitOptions { StopLossFraction = 0.01m, TakeProfitFraction = 0.01m, TrailingStopFraction = 0.005m },
        Risk = EngineHarness.DefaultOptions().Risk with { MaxOrdersPerDay = 0, MaxOpenOrders = 100_000 },
        Sizing = new SizingOptions { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.01m, MaxPositionFraction = 0.5m, MaxConcentrationFraction = 0.5m },
    };
}
