using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>
/// Issue 18: consolidation decides from journaled inputs only (signals and their event time), so a
/// replay of the journal, or a snapshot plus the journal's tail, reaches the same decisions and the
/// same held signals as the live, threaded engine.
/// </summary>
public sealed class ConsolidationRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private EngineOptions Options() => JournaledSession.DefaultOptions(_dir.Path) with
    {
        Consolidation =
        [
            new ConsolidationGroup { Name = "quorum", Symbols = ["AAPL", "MSFT"], Mode = ConsolidationMode.Quorum, Quorum = 2, Window = TimeSpan.FromSeconds(12) },
            new ConsolidationGroup { Name = "vote", Symbols = ["NVDA"], Mode = ConsolidationMode.WeightedVote, Threshold = 2m, Weights = new Dictionary<string, decimal> { ["agent-x"] = 0.5m }, Window = TimeSpan.FromSeconds(20) },
        ],
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JournalReplay_AndSnapshotPlusTail_ReachTheLiveEnginesDecisions(bool checkpoint)
    {
        var session = new JournaledSession(Options());
        session.Trade(200);
        if (checkpoint)
        {
            session.Checkpoint();
        }

        session.Trade(200);
        session.Stop();
        TradingEngine live = session.Engine;
        SignalConsolidator decided = live.Consolidation!;
        Assert.True(decided.Count(ConsolidationOutcome.Decided) > 3, "signals must trade through consolidation");
        Assert.True(decided.Count(ConsolidationOutcome.Held) > 3, "signals must be held");
        Assert.True(decided.Count(ConsolidationOutcome.Contributed) + decided.Count(ConsolidationOutcome.Outvoted) + decided.Count(ConsolidationOutcome.Expired) > 3);

        var recovered = new TradingEngine(Options(), NullAuditWriter.Instance);
        Assert.Equal(checkpoint, recovered.Recovery!.Snapshot is not null);
        Assert.Empty(recovered.Recovery.SnapshotsRefused);
        StateAssert.Equal(live, recovered);
        foreach (ConsolidationOutcome outcome in Enum.GetValues<ConsolidationOutcome>())
        {
            Assert.Equal(decided.Count(outcome), recovered.Consolidation!.Count(outcome));
        }

        Assert.Equal(live.Counters.OrdersSubmitted, recovered.Counters.OrdersSubmitted);
    }
}
