using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Issue 18, "the orchestrator's decision": signals of several sources for one symbol consolidated
/// before risk, per group, through the real handler chain. Each mode with a passing and an outvoted
/// (or vetoed) case; windows in event time; a held signal reaches no risk check.
/// </summary>
public sealed class ConsolidationTests
{
    private const long Second = EngineHarness.Second;
    private const long T0 = EngineHarness.T0;
    private const int Aapl = 0;
    private const int Msft = 1;

    private readonly EngineHarness _h;
    private readonly int _alpha;
    private readonly int _beta;
    private readonly int _gamma;
    private readonly int _risk;

    public ConsolidationTests() : this(Group(ConsolidationMode.PassThrough))
    {
    }

    private ConsolidationTests(params ConsolidationGroup[] groups)
    {
        _h = new EngineHarness(EngineHarness.DefaultOptions() with { Consolidation = groups }, startAudit: false);
        _alpha = _h.Engine.Sources.Intern("alpha");
        _beta = _h.Engine.Sources.Intern("beta");
        _gamma = _h.Engine.Sources.Intern("gamma");
        _risk = _h.Engine.Sources.Intern("risk_agent");
        _h.Trade(Aapl, 100m);
        _h.Trade(Msft, 200m);
    }

    private static ConsolidationGroup Group(ConsolidationMode mode, int quorum = 2, decimal threshold = 1m, TimeSpan? window = null) => new()
    {
        Name = "tech",
        Symbols = ["AAPL"],
        Mode = mode,
        Window = window ?? TimeSpan.FromSeconds(10),
        Quorum = quorum,
        Threshold = threshold,
        Weights = new Dictionary<string, decimal> { ["alpha"] = 1m, ["beta"] = 3m },
        VetoSources = ["risk_agent"],
    };

    private static ConsolidationTests With(params ConsolidationGroup[] groups) => new(groups);

    private EngineEvent Signal(int source, Side side, long tsNs, long signalId, int symbol = Aapl) => _h.Process(new EngineEvent
    {
        Kind = EventKind.TradeSignal,
        SymbolId = symbol,
        SignalSide = side,
        ConfidencePpm = 900_000,
        SignalId = signalId,
        SourceId = source,
        TsEventNs = tsNs,
    });

    private static void AssertTraded(EngineEvent e)
    {
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.NotEqual(0, e.ClientOrderId);
    }

    /// <summary>Held back: no intent, no order, and not refused by risk (no reject, no refusal counted).</summary>
    private void AssertHeld(EngineEvent e)
    {
        Assert.False(e.HasIntent);
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.Equal(0, e.ClientOrderId);
        Assert.Equal(0, _h.Engine.Counters.TotalRejects);
    }

    /// <summary>The consolidation audit records so far (the audit ring read back without its thread).</summary>
    private List<AuditRecord> Records()
    {
        _h.Engine.Audit.Start();
        Assert.True(_h.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30)) == Orchestrator.Engine.Ring.ShutdownResult.Drained);
        return [.. _h.Audit.Lines.Select(l => l.Record).Where(r => r.Kind >= AuditKind.ConsolidationDecided)];
    }

    private List<string> Lines() => [.. _h.Audit.Lines.Where(l => l.Record.Kind >= AuditKind.ConsolidationDecided).Select(l => l.Message)];

    [Fact]
    public void PassThrough_OrNoGroup_EverySignalGoesToRiskAsToday()
    {
        Assert.Null(_h.Engine.Consolidation);
        AssertTraded(Signal(_alpha, Side.Buy, T0, 1));
        AssertTraded(Signal(_beta, Side.Buy, T0 + 1, 2));
        Assert.Empty(Records());
    }

    [Fact]
    public void FirstWins_FirstSignalTrades_OthersWithinTheWindowAreOutvoted_AfterItTheNextWins()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.FirstWins));
        AssertTraded(t.Signal(t._alpha, Side.Buy, T0, 1));
        t.AssertHeld(t.Signal(t._beta, Side.Sell, T0 + (9 * Second), 2));
        AssertTraded(t.Signal(t._beta, Side.Buy, T0 + (10 * Second), 3)); // the window is over in event time
        AssertTraded(t.Signal(t._gamma, Side.Buy, T0, 4, Msft)); // MSFT is in no group

        List<AuditRecord> records = t.Records();
        Assert.Equal([AuditKind.ConsolidationDecided, AuditKind.ConsolidationOutvoted, AuditKind.ConsolidationDecided], records.Select(r => r.Kind));
        Assert.Equal(2, records[1].SignalId);
        Assert.Equal(1, records[1].Value); // outvoted by signal 1 ...
        Assert.Equal(t._alpha, records[1].PeerSourceId); // ... of alpha
        Assert.Equal(2, t._h.Engine.Consolidation!.Count(ConsolidationOutcome.Decided));
        Assert.Equal(1, t._h.Engine.Consolidation.Count(ConsolidationOutcome.Outvoted));
        Assert.Contains("Consolidation outvoted: AAPL SELL [signal 2] from beta by first_wins: [signal 1] from alpha decided", t.Lines());
    }

    [Fact]
    public void WeightedVote_WeightsReachingTheThreshold_TradeTheSignalThatCompletedThem_AndNameTheContributors()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.WeightedVote, threshold: 2m));
        t.AssertHeld(t.Signal(t._alpha, Side.Buy, T0, 1));          // 1 of 2
        t.AssertHeld(t.Signal(t._gamma, Side.Sell, T0 + Second, 2)); // default weight 1: 1 against 1
        AssertTraded(t.Signal(t._gamma, Side.Buy, T0 + (2 * Second), 3)); // gamma changes its mind: 2 for, 0 against

        List<AuditRecord> records = t.Records();
        Assert.Equal(
            [AuditKind.ConsolidationHeld, AuditKind.ConsolidationHeld, AuditKind.ConsolidationSuperseded, AuditKind.ConsolidationContributed, AuditKind.ConsolidationDecided],
            records.Select(r => r.Kind));
        Assert.Equal((1L, 3L), (records[3].SignalId, records[3].Value)); // alpha's signal 1 contributed to signal 3
        Assert.Equal(2, records[4].Value); // two signals for
        Assert.Equal(2_000_000, records[4].SupportPpm); // support 2
        Assert.Contains("Consolidation contributed: AAPL BUY [signal 1] from alpha to [signal 3] from gamma (weighted_vote)", t.Lines());
        Assert.Contains("Consolidation decided: AAPL BUY [signal 3] from gamma by weighted_vote (2 signals for, support 2)", t.Lines());
    }

    [Fact]
    public void WeightedVote_TheHeavierSideWins_TheLighterSignalsAreOutvoted()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.WeightedVote, threshold: 3m));
        t.AssertHeld(t.Signal(t._alpha, Side.Sell, T0, 1));      // 1 of 3
        t.AssertHeld(t.Signal(t._gamma, Side.Sell, T0 + 1, 2));  // 2 of 3
        AssertTraded(t.Signal(t._beta, Side.Buy, T0 + 2, 3));    // beta weighs 3: 3 for BUY, 2 against

        List<AuditRecord> records = t.Records();
        Assert.Equal(
            [AuditKind.ConsolidationHeld, AuditKind.ConsolidationHeld, AuditKind.ConsolidationOutvoted, AuditKind.ConsolidationOutvoted, AuditKind.ConsolidationDecided],
            records.Select(r => r.Kind));
        Assert.Equal([1L, 2L], records.Where(r => r.Kind == AuditKind.ConsolidationOutvoted).Select(r => r.SignalId));
        Assert.All(records.Where(r => r.Kind == AuditKind.ConsolidationOutvoted), r => Assert.Equal((3L, t._beta), (r.Value, r.PeerSourceId)));
        Assert.Equal(2, t._h.Engine.Consolidation!.Count(ConsolidationOutcome.Outvoted));
        Assert.Contains("Consolidation held: AAPL SELL [signal 2] from gamma by weighted_vote (support 2 of 3)", t.Lines());
    }

    [Fact]
    public void Quorum_TwoDistinctSourcesAgreeing_TradeTheSecond()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Quorum, quorum: 2));
        t.AssertHeld(t.Signal(t._alpha, Side.Buy, T0, 1));
        t.AssertHeld(t.Signal(t._alpha, Side.Buy, T0 + Second, 2)); // the same source twice is one vote
        AssertTraded(t.Signal(t._beta, Side.Buy, T0 + (2 * Second), 3));
        t.AssertHeld(t.Signal(t._gamma, Side.Buy, T0 + (3 * Second), 4)); // the window starts empty after a decision

        List<AuditRecord> records = t.Records();
        Assert.Equal(
            [AuditKind.ConsolidationHeld, AuditKind.ConsolidationSuperseded, AuditKind.ConsolidationHeld, AuditKind.ConsolidationContributed, AuditKind.ConsolidationDecided, AuditKind.ConsolidationHeld],
            records.Select(r => r.Kind));
        Assert.Equal((2L, 3L, t._beta), (records[3].SignalId, records[3].Value, records[3].PeerSourceId));
        Assert.Contains("Consolidation decided: AAPL BUY [signal 3] from beta by quorum (2 signals for, support 2)", t.Lines());
    }

    [Fact]
    public void Quorum_TheSideThatReachesItFirstTrades_TheOtherSideIsOutvoted()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Quorum, quorum: 2));
        t.AssertHeld(t.Signal(t._alpha, Side.Sell, T0, 1));
        t.AssertHeld(t.Signal(t._beta, Side.Buy, T0 + 1, 2));
        AssertTraded(t.Signal(t._gamma, Side.Buy, T0 + 2, 3));

        List<AuditRecord> records = t.Records();
        AuditRecord outvoted = Assert.Single(records, r => r.Kind == AuditKind.ConsolidationOutvoted);
        Assert.Equal((1L, t._alpha, 3L, t._gamma), (outvoted.SignalId, outvoted.SourceId, outvoted.Value, outvoted.PeerSourceId));
        Assert.Contains("Consolidation outvoted: AAPL SELL [signal 1] from alpha by quorum: [signal 3] from gamma decided", t.Lines());
    }

    [Fact]
    public void Quorum_WindowIsEventTime_AnOlderVoteExpiresAndDoesNotCount()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Quorum, quorum: 2, window: TimeSpan.FromSeconds(10)));
        t.AssertHeld(t.Signal(t._alpha, Side.Buy, T0, 1));
        t.AssertHeld(t.Signal(t._beta, Side.Buy, T0 + (10 * Second), 2)); // exactly one window later: alpha's vote is gone
        AssertTraded(t.Signal(t._gamma, Side.Buy, T0 + (19 * Second), 3)); // beta's is not

        List<AuditRecord> records = t.Records();
        AuditRecord expired = Assert.Single(records, r => r.Kind == AuditKind.ConsolidationExpired);
        Assert.Equal((1L, t._alpha, T0 + (10 * Second)), (expired.SignalId, expired.SourceId, expired.TsEventNs));
        Assert.Equal(1, t._h.Engine.Consolidation!.Count(ConsolidationOutcome.Expired));
        Assert.Contains("Consolidation expired: AAPL BUY [signal 1] from alpha: no decision within the window (quorum)", t.Lines());
    }

    [Fact]
    public void Veto_ARiskSourcesSellBlocksBuys_ItsOwnSignalNeverTrades_TheVetoEndsWithTheWindow()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Veto, window: TimeSpan.FromSeconds(30)));
        EngineEvent first = t.Signal(t._alpha, Side.Buy, T0, 1); // no veto yet: passes
        AssertTraded(first);
        t._h.Report(first.ClientOrderId, ExecutionType.Accepted, tsNs: T0);
        t._h.Report(first.ClientOrderId, ExecutionType.Fill, first.Quantity, 100m, tsNs: T0); // a position to sell later
        t.AssertHeld(t.Signal(t._risk, Side.Sell, T0 + Second, 2)); // the veto itself does not trade
        t.AssertHeld(t.Signal(t._beta, Side.Buy, T0 + (2 * Second), 3)); // vetoed
        AssertTraded(t.Signal(t._beta, Side.Sell, T0 + (3 * Second), 4)); // the veto is against buying only
        AssertTraded(t.Signal(t._beta, Side.Buy, T0 + (31 * Second), 5)); // the window is over

        List<AuditRecord> records = t.Records();
        Assert.Equal(
            [AuditKind.ConsolidationDecided, AuditKind.ConsolidationVeto, AuditKind.ConsolidationVetoed, AuditKind.ConsolidationDecided, AuditKind.ConsolidationDecided],
            records.Select(r => r.Kind));
        Assert.Equal((3L, 2L, t._risk), (records[2].SignalId, records[2].Value, records[2].PeerSourceId));
        Assert.Equal(1, t._h.Engine.Consolidation!.Count(ConsolidationOutcome.Vetoed));
        Assert.Equal(1, t._h.Engine.Consolidation.Count(ConsolidationOutcome.Veto));
        Assert.Contains("Consolidation veto: AAPL SELL [signal 2] from risk_agent blocks BUY signals for the window", t.Lines());
        Assert.Contains("Consolidation vetoed: AAPL BUY [signal 3] from beta: veto [signal 2] from risk_agent", t.Lines());
    }

    [Fact]
    public void SourceNamesInTheGroup_MatchTheAgentsInAnyCase_WeightsAndVetoesApply()
    {
        // Issue 18: agent names are case-insensitive everywhere; a weight or veto written in another case
        // than the agent's own name used to miss it silently (default weight 1, no veto).
        ConsolidationGroup weighted = Group(ConsolidationMode.WeightedVote, threshold: 3m) with
        {
            Weights = new Dictionary<string, decimal> { ["ALPHA"] = 3m },
        };
        ConsolidationTests vote = With(weighted);
        AssertTraded(vote.Signal(vote._alpha, Side.Buy, T0, 1)); // "alpha" weighs 3 as "ALPHA": the threshold on its own

        ConsolidationTests veto = With(Group(ConsolidationMode.Veto, window: TimeSpan.FromSeconds(30)) with { VetoSources = ["Risk_Agent"] });
        veto.AssertHeld(veto.Signal(veto._risk, Side.Sell, T0, 1)); // risk_agent is the veto source "Risk_Agent"
        veto.AssertHeld(veto.Signal(veto._beta, Side.Buy, T0 + Second, 2)); // vetoed
        Assert.Equal(1, veto._h.Engine.Consolidation!.Count(ConsolidationOutcome.Vetoed));
    }

    [Fact]
    public void RulesAndMalformedSignals_AreNeverConsolidated()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Quorum, quorum: 3));
        EngineEvent malformed = t._h.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 2_000_000, SignalId = 9, SourceId = t._alpha, TsEventNs = T0 });
        Assert.Equal(RejectReason.InvalidSignal, malformed.Reject); // risk's to refuse, as without consolidation
        Assert.Empty(t.Records());
    }

    [Fact]
    public void HeldSignals_SurviveASnapshotRoundTrip_IntoAnEngineWhoseSourceIdsDiffer()
    {
        ConsolidationTests t = With(Group(ConsolidationMode.Quorum, quorum: 2));
        t.AssertHeld(t.Signal(t._alpha, Side.Buy, T0, 1));
        byte[] body = t._h.Engine.CaptureState();

        var restarted = new EngineHarness(t._h.Engine.Options);
        restarted.Engine.Sources.Intern("zeta"); // another process interns names in another order
        int beta = restarted.Engine.Sources.Intern("beta");
        restarted.Engine.RestoreState(body);
        EngineEvent second = restarted.Process(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = Aapl, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = 2, SourceId = beta, TsEventNs = T0 + Second });

        AssertTraded(second); // alpha's held vote came through the snapshot
        Assert.Equal(1, restarted.Engine.Consolidation!.Count(ConsolidationOutcome.Held));
        Assert.Equal(1, restarted.Engine.Consolidation.Count(ConsolidationOutcome.Contributed));
        restarted.Engine.Audit.Start();
        Assert.Equal(Orchestrator.Engine.Ring.ShutdownResult.Drained, restarted.Engine.Audit.Shutdown(TimeSpan.FromSeconds(30)));
        Assert.Contains(restarted.Audit.Lines, l => l.Message == "Consolidation contributed: AAPL BUY [signal 1] from alpha to [signal 2] from beta (quorum)");
    }

    [Fact]
    public void Snapshot_TakenUnderOtherGroups_HasAnotherLayout_SoItIsRefused()
    {
        var quorum = new EngineHarness(EngineHarness.DefaultOptions() with { Consolidation = [Group(ConsolidationMode.Quorum, quorum: 2)] });
        var quorum3 = new EngineHarness(EngineHarness.DefaultOptions() with { Consolidation = [Group(ConsolidationMode.Quorum, quorum: 3)] });
        var none = new EngineHarness(EngineHarness.DefaultOptions());

        Assert.Contains("consolidation groups", quorum.Engine.SnapshotLayout.Difference(quorum3.Engine.SnapshotLayout));
        Assert.NotNull(none.Engine.SnapshotLayout.Difference(quorum.Engine.SnapshotLayout));
        Assert.Null(new EngineHarness(EngineHarness.DefaultOptions() with { Consolidation = [Group(ConsolidationMode.PassThrough)] }).Engine.SnapshotLayout.Difference(none.Engine.SnapshotLayout));
    }

    [Theory]
    [InlineData(ConsolidationMode.Quorum, ConsolidationMode.WeightedVote)]
    [InlineData(ConsolidationMode.FirstWins, ConsolidationMode.Veto)]
    public void AgentSignals_ThroughConsolidation_AllocateZeroBytes(ConsolidationMode aapl, ConsolidationMode msft)
    {
        TradingEngine engine = new EngineHarness(AllocationTestOptions() with
        {
            Consolidation =
            [
                Group(aapl, window: TimeSpan.FromMilliseconds(40)) with { Name = "a", Symbols = ["AAPL"] },
                Group(msft, threshold: 2m, window: TimeSpan.FromMilliseconds(40)) with { Name = "m", Symbols = ["MSFT"], VetoSources = ["gamma"] },
            ],
        }).Engine;
        int[] sources = [engine.Sources.Intern("alpha"), engine.Sources.Intern("beta"), engine.Sources.Intern("gamma")];
        var driver = new ChainDriver(engine, signalEvery: 3, signalSources: sources);

        driver.Run(100_000); // warm-up: JIT, first-use statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        driver.Run(1_000_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        SignalConsolidator c = engine.Consolidation!;
        Assert.True(c.Count(ConsolidationOutcome.Decided) > 1_000, "signals must trade through consolidation");
        long heldBack = c.Count(ConsolidationOutcome.Held) + c.Count(ConsolidationOutcome.Outvoted) + c.Count(ConsolidationOutcome.Vetoed) + c.Count(ConsolidationOutcome.Veto);
        Assert.True(heldBack > 1_000, "signals must be held back too");
        Assert.True(engine.Counters.OrdersSubmitted > 1_000);
    }

    private static EngineOptions AllocationTestOptions() => EngineHarness.DefaultOptions() with
    {
        Risk = EngineHarness.DefaultOptions().Risk with { MaxOrdersPerDay = 0, MaxOpenOrders = 100_000, AllowShortSelling = true },
        Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
    };
}
