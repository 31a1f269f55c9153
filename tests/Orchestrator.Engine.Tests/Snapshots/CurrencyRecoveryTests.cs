using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>Issue 19: a snapshot plus the journal's tail, and the whole journal, rebuild each currency's cash and P&amp;L.</summary>
public sealed class CurrencyRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SnapshotPlusTail_AndFullJournal_RebuildEveryCurrencysCash()
    {
        // AAPL (symbol 0, whose orders the session's gateway fills) is booked in KRW here.
        EngineOptions options = JournaledSession.DefaultOptions(_dir.Path) with
        {
            FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.001m },
            StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = 50_000_000m },
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { Currency = "KRW", Shortable = true } },
        };
        var session = new JournaledSession(options);
        session.Trade(150);
        session.Checkpoint();
        session.Trade(120);
        session.Stop();
        TradingEngine live = session.Engine;
        Portfolio p = live.Portfolio;
        Assert.True(live.Counters.Fills > 5, "the session must fill orders");
        Assert.NotEqual(FixedPoint.FromDecimal(50_000_000m), p.CashRawOf(1)); // the fills moved the KRW cash
        Assert.Equal(FixedPoint.FromDecimal(100_000m), p.CashRaw); // and not the USD cash

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
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(p.CashRawOf(c), recovered.Portfolio.CashRawOf(c));
                Assert.Equal(p.RealizedRawOf(c), recovered.Portfolio.RealizedRawOf(c));
                Assert.Equal(p.CommissionRawOf(c), recovered.Portfolio.CommissionRawOf(c));
                Assert.Equal(p.ShortExposureRaw(c), recovered.Portfolio.ShortExposureRaw(c));
            }

            Assert.Equal(p.EquityRaw, recovered.Portfolio.EquityRaw);
            recovered.Shutdown(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void AdjustCurrencyCash_MovesOnlyTheNamedSymbolsCurrency_IsPublished_AndReplaysFromTheJournal()
    {
        // AAPL (symbol 0) is booked in KRW (currency 1); the base is USD (currency 0).
        EngineOptions options = JournaledSession.DefaultOptions(_dir.Path) with
        {
            FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.001m },
            StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = 50_000_000m },
            Instruments = new Dictionary<string, InstrumentInfo> { ["AAPL"] = InstrumentInfo.Default("AAPL") with { Currency = "KRW" } },
        };
        var session = new JournaledSession(options);
        TradingEngine live = session.Engine;
        live.PublishCommand(CommandKind.AdjustCurrencyCash, FixedPoint.FromDecimal(-1_234m), session.NowNs, symbolId: 0); // a KRW fee
        live.PublishCommand(CommandKind.AdjustCash, FixedPoint.FromDecimal(5.5m), session.NowNs); // USD interest: the base
        Assert.Throws<ArgumentOutOfRangeException>(() => live.PublishCommand(CommandKind.AdjustCurrencyCash, 1, session.NowNs, symbolId: live.Symbols.Count)); // not journaled: it would not replay
        session.Quiet();
        live.RequestSnapshot(session.NowNs);
        session.Quiet();
        session.Stop();

        Assert.Equal(FixedPoint.FromDecimal(50_000_000m - 1_234m), live.Portfolio.CashRawOf(1));
        Assert.Equal(FixedPoint.FromDecimal(100_005.5m), live.Portfolio.CashRaw);
        var copy = new SnapshotCopy();
        live.Snapshot.Read(copy);
        Assert.Equal([FixedPoint.FromDecimal(100_005.5m), FixedPoint.FromDecimal(50_000_000m - 1_234m)], copy.CashRawByCurrency);

        var replayed = new TradingEngine(options, NullAuditWriter.Instance);
        Assert.Equal(live.Portfolio.CashRawOf(1), replayed.Portfolio.CashRawOf(1));
        Assert.Equal(live.Portfolio.CashRaw, replayed.Portfolio.CashRaw);
        replayed.Shutdown(TimeSpan.FromSeconds(5));
    }
}
