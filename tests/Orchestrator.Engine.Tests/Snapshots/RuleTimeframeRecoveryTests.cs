using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>
/// Issue 20: the rules on a timeframe build their bars from journaled market data only, so the live, threaded
/// engine, a replay of its journal (the backtest's inline path) and a snapshot plus the journal's tail reach the
/// same bars, the same rule indicators and the same rule signals.
/// </summary>
public sealed class RuleTimeframeRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <param name="ownRsiBars">RSI reversion on 2-second bars of its own beside the shared 1 s (a second lane in the snapshot).</param>
    private EngineOptions Options(bool ownRsiBars)
    {
        EngineOptions defaults = JournaledSession.DefaultOptions(_dir.Path);
        return defaults with { Rules = defaults.Rules with { Timeframe = Timeframe.Parse("1s"), RsiReversionBars = ownRsiBars ? new RuleBars(Timeframe.Parse("2s")) : null } };
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void JournalReplay_AndSnapshotPlusTail_ReachTheLiveEnginesRuleBarsAndSignals(bool checkpoint, bool ownRsiBars)
    {
        var session = new JournaledSession(Options(ownRsiBars));
        session.Trade(201); // ends inside a 1-second bar (ticks every quarter second): an open bar is in the snapshot
        if (checkpoint)
        {
            session.Checkpoint();
        }

        session.Trade(200);
        session.Stop();
        TradingEngine live = session.Engine;
        Assert.True(live.Counters.RuleSignals > 3, "the rules must decide on their bars");

        var recovered = new TradingEngine(Options(ownRsiBars), NullAuditWriter.Instance);
        Assert.Equal(ownRsiBars, recovered.SignalEngine.RulesSplit);
        Assert.Equal(checkpoint, recovered.Recovery!.Snapshot is not null);
        Assert.Empty(recovered.Recovery.SnapshotsRefused);
        StateAssert.Equal(live, recovered);
        Assert.Equal(live.Counters.RuleSignals, recovered.Counters.RuleSignals);
        Assert.Equal(live.Counters.OrdersSubmitted, recovered.Counters.OrdersSubmitted);
        for (int s = 0; s < live.Symbols.Count; s++)
        {
            Engine.Indicators.IndicatorSet expected = live.SignalEngine.RuleIndicators(s), actual = recovered.SignalEngine.RuleIndicators(s);
            Assert.Equal(100, expected.Count); // 401 quarter-seconds: 100 closed 1-second bars, the 101st open
            Assert.Equal((expected.Count, expected.EmaFast.Value, expected.EmaSlow.Value, expected.Rsi.Value), (actual.Count, actual.EmaFast.Value, actual.EmaSlow.Value, actual.Rsi.Value));
            Engine.Indicators.IndicatorSet expectedRsi = live.SignalEngine.RsiReversionIndicators(s), actualRsi = recovered.SignalEngine.RsiReversionIndicators(s);
            Assert.Equal(ownRsiBars ? 50 : 100, expectedRsi.Count); // its own 2-second bars: half as many
            Assert.Equal((expectedRsi.Count, expectedRsi.Rsi.Value), (actualRsi.Count, actualRsi.Rsi.Value));
        }

        // Both go on alike: the open bar was recovered too (the next input closes the same bar in both).
        long next = session.NowNs + Support.EngineHarness.Second;
        foreach (TradingEngine engine in new[] { live, recovered })
        {
            var e = new Core.EngineEvent { Kind = Core.EventKind.TradeTick, SymbolId = 0, PriceRaw = 100_000_000, Size = 1, TsEventNs = next };
            engine.ProcessInline(ref e, long.MaxValue - 1);
        }

        Assert.Equal(live.SignalEngine.RuleIndicators(0).EmaSlow.Value, recovered.SignalEngine.RuleIndicators(0).EmaSlow.Value);
        Assert.Equal(101, recovered.SignalEngine.RuleIndicators(0).Count);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ASnapshot_OfOtherRuleBars_IsRefused_AndTheJournalReplaysInstead(bool ownRsiBarsThen, bool ownRsiBarsNow)
    {
        var session = new JournaledSession(Options(ownRsiBarsThen));
        session.Trade(201);
        session.Checkpoint();
        session.Trade(20);
        session.Stop();

        var recovered = new TradingEngine(Options(ownRsiBarsNow), NullAuditWriter.Instance);
        Assert.Null(recovered.Recovery!.Snapshot); // its layout holds the other rule bars: not read as these
        Assert.NotEmpty(recovered.Recovery.SnapshotsRefused);
        Assert.Equal(ownRsiBarsNow ? 27 : 55, recovered.SignalEngine.RsiReversionIndicators(0).Count); // 221 quarter-seconds replayed from the journal onto the bars of now: 27 closed 2-second bars, or 55 1-second ones
    }
}
