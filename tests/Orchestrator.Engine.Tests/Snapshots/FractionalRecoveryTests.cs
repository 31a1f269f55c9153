using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>Issue 19: fractional positions (quantities in 10^−4 shares) are rebuilt exactly from a snapshot plus the journal's tail, and from the whole journal.</summary>
public sealed class FractionalRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SnapshotPlusTail_AndFullJournal_RebuildTheFractionalPositions()
    {
        // AAPL (symbol 0, whose orders the session's gateway fills) trades in fractions, sized at 0.1% of equity an order.
        EngineOptions options = JournaledSession.DefaultOptions(_dir.Path) with
        {
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 4 } },
            Sizing = JournaledSession.DefaultOptions(_dir.Path).Sizing with { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.001m },
        };
        var session = new JournaledSession(options);
        session.Trade(150);
        session.Checkpoint();
        session.Trade(120);
        session.Stop();
        TradingEngine live = session.Engine;
        Portfolio p = live.Portfolio;
        Assert.True(live.Counters.Fills > 5, "the session must fill orders");
        Assert.NotEqual(0, p.Quantity(0) % 10_000); // a fraction of a share is held

        var fromSnapshot = new TradingEngine(options, NullAuditWriter.Instance);
        Assert.NotNull(fromSnapshot.Recovery!.Snapshot);
        string copy = Path.Combine(_dir.Path, "journal-only");
        Directory.CreateDirectory(copy);
        foreach (string segment in JournalReader.ListSegments(_dir.Path))
        {
            File.Copy(segment, Path.Combine(copy, Path.GetFileName(segment)));
        }

        var fromJournal = new TradingEngine(options with { JournalDirectory = copy }, NullAuditWriter.Instance);
        foreach (TradingEngine recovered in new[] { fromSnapshot, fromJournal })
        {
            for (int s = 0; s < p.SymbolCount; s++)
            {
                Assert.Equal(p.Quantity(s), recovered.Portfolio.Quantity(s));
                Assert.Equal(p.AvgCostRaw(s), recovered.Portfolio.AvgCostRaw(s));
                Assert.Equal(p.RealizedRaw(s), recovered.Portfolio.RealizedRaw(s));
            }

            Assert.Equal(p.CashRaw, recovered.Portfolio.CashRaw);
            Assert.Equal(p.EquityRaw, recovered.Portfolio.EquityRaw);
            recovered.Shutdown(TimeSpan.FromSeconds(5));
        }
    }
}
