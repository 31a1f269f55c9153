using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>
/// Snapshots bound recovery: a session with checkpoints, a live risk change and open orders is
/// recovered from snapshot + journal tail, and from the whole journal, to the live engine's state.
/// </summary>
public sealed class SnapshotRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Runs the session: trade, checkpoint, trade with a live risk change (fixed quantity 10 → 25,
    /// a tighter per-minute limit), checkpoint, trade (the tail). Returns the stopped live engine.
    /// </summary>
    private TradingEngine RunSession(out long[] covered)
    {
        var session = new JournaledSession(JournaledSession.DefaultOptions(_dir.Path));
        session.Trade(150);
        session.Checkpoint();
        long first = session.Engine.Checkpoints!.LastWritten!.CoveredSequence;
        session.Trade(60);
        EngineOptions o = session.Options;
        session.Engine.UpdateRiskParameters(new RiskParameters(o.Risk with { MaxOrdersPerMinute = 30 }, o.Sizing with { FixedQuantity = 25 }, o.Exits), session.NowNs);
        session.Trade(90);
        session.Checkpoint();
        long second = session.Engine.Checkpoints.LastWritten!.CoveredSequence;
        session.Trade(120);
        session.Stop();
        covered = [first, second];
        return session.Engine;
    }

    [Fact]
    public void SnapshotPlusTail_AndFullJournal_RebuildTheLiveEnginesCompleteState()
    {
        TradingEngine live = RunSession(out long[] covered);
        Assert.True(live.Counters.Fills > 5, "the session must fill orders");
        Assert.True(live.Orders.OpenCount > 0, "the session must leave orders open");
        Assert.True(live.Counters.Rejects(RejectReason.RateLimitPerSecond) + live.Counters.Rejects(RejectReason.RateLimitPerMinute) > 0, "the token buckets must bite");
        Assert.Equal(2, SnapshotFile.List(_dir.Path).Length);

        var fromSnapshot = new TradingEngine(JournaledSession.DefaultOptions(_dir.Path), NullAuditWriter.Instance);
        JournalReplay recovery = fromSnapshot.Recovery!;
        Assert.Equal(covered[1], recovery.Snapshot!.CoveredSequence);
        Assert.Empty(recovery.SnapshotsRefused);
        Assert.True(recovery.SegmentsSkipped > 0, "segments the snapshot covers are not read");
        Assert.True(recovery.EventsReplayed > 0 && recovery.EventsReplayed < live.Counters.Events / 2, $"only the tail is replayed ({recovery.EventsReplayed} of {live.Counters.Events})");

        TradingEngine fromJournal = FullReplay(live.Options);
        Assert.Null(fromJournal.Recovery!.Snapshot);
        Assert.Equal(live.Counters.Events, fromJournal.Recovery.EventsReplayed);

        StateAssert.Equal(live, fromSnapshot);
        StateAssert.Equal(live, fromJournal);

        // Explicit checks, so a serialiser that leaves something out is still caught.
        foreach (TradingEngine recovered in new[] { fromSnapshot, fromJournal })
        {
            Assert.Equal(live.Portfolio.CashRaw, recovered.Portfolio.CashRaw);
            Assert.Equal(live.Portfolio.EquityRaw, recovered.Portfolio.EquityRaw); // not in the snapshot: derived on load
            for (int s = 0; s < live.Symbols.Count; s++)
            {
                Assert.Equal(live.Portfolio.Quantity(s), recovered.Portfolio.Quantity(s));
                Assert.Equal(live.Portfolio.RealizedRaw(s), recovered.Portfolio.RealizedRaw(s));
                Assert.Equal(live.Orders.WorkingBuyQuantity(s), recovered.Orders.WorkingBuyQuantity(s));
                Assert.Equal(live.SignalEngine.Indicators(s).Rsi.Value, recovered.SignalEngine.Indicators(s).Rsi.Value);
                Assert.Equal(live.SignalEngine.Indicators(s).Bollinger.Upper, recovered.SignalEngine.Indicators(s).Bollinger.Upper);
            }

            Assert.Equal(live.Orders.OpenCount, recovered.Orders.OpenCount);
            Assert.Equal(live.Orders.Created, recovered.Orders.Created);
            Assert.Equal(live.Counters.Rejects(RejectReason.RateLimitPerMinute), recovered.Counters.Rejects(RejectReason.RateLimitPerMinute));
            Assert.Equal(1, recovered.Risk.AppliedParametersVersion);
        }

        Shutdown(fromSnapshot, fromJournal);
    }

    [Fact]
    public void LiveRiskChange_IsReplayedFromItsJournaledContents_AndMatters()
    {
        TradingEngine live = RunSession(out _);
        Assert.Contains(OpenOrderQuantities(live), q => q == 25); // sized by the live change

        TradingEngine faithful = FullReplay(live.Options);
        StateAssert.Equal(live, faithful);

        // What replay did before the contents were journaled: the command's version means nothing to a new process.
        var ignoring = new TradingEngine(live.Options with { JournalDirectory = null }, NullAuditWriter.Instance);
        using (var reader = new JournalReader(_dir.Path))
        {
            var e = default(EngineEvent);
            long sequence = 0;
            ignoring.OrderManager.SuppressSending = true;
            while (reader.ReadNext())
            {
                if (reader.RecordType == JournalRecordType.EngineEvent)
                {
                    reader.ReadEvent(ref e);
                    ignoring.ProcessInline(ref e, sequence++);
                }
            }
        }

        Assert.DoesNotContain(OpenOrderQuantities(ignoring), q => q == 25);
        Assert.False(live.CaptureState().AsSpan().SequenceEqual(ignoring.CaptureState()));
        Shutdown(faithful);
    }

    [Fact]
    public void CorruptNewestSnapshot_FallsBackToTheOlder_ThenToTheFullJournal_WithTheReasons()
    {
        TradingEngine live = RunSession(out long[] covered);
        string[] snapshots = SnapshotFile.List(_dir.Path);
        FlipByte(snapshots[0]);

        var older = new TradingEngine(live.Options, NullAuditWriter.Instance);
        Assert.Equal(covered[0], older.Recovery!.Snapshot!.CoveredSequence);
        SnapshotRefusal refusal = Assert.Single(older.Recovery.SnapshotsRefused);
        Assert.Equal(snapshots[0], refusal.Path);
        Assert.Contains("checksum mismatch", refusal.Reason, StringComparison.Ordinal);
        StateAssert.Equal(live, older);

        FlipByte(snapshots[1]);
        var full = new TradingEngine(live.Options, NullAuditWriter.Instance);
        Assert.Null(full.Recovery!.Snapshot);
        Assert.Equal(2, full.Recovery.SnapshotsRefused.Count);
        StateAssert.Equal(live, full);
        Shutdown(older, full);
    }

    [Fact]
    public void SnapshotFromAnotherSymbolConfiguration_IsRefused_AndTheJournalTooNamesTheMismatch()
    {
        TradingEngine live = RunSession(out _);
        EngineOptions swapped = live.Options with { Symbols = ["MSFT", "AAPL", "NVDA"] };

        var other = new TradingEngine(swapped with { JournalDirectory = null }, NullAuditWriter.Instance);
        Assert.Null(SnapshotFile.TryRead(SnapshotFile.List(_dir.Path)[0], other.SnapshotLayout, out _, out string? reason));
        Assert.Contains("symbol id 0 is 'AAPL' in the snapshot but 'MSFT' in the configuration", reason, StringComparison.Ordinal);

        var otherCapacity = new TradingEngine(live.Options with { JournalDirectory = null, OrderCapacity = 2048 }, NullAuditWriter.Instance);
        Assert.Null(SnapshotFile.TryRead(SnapshotFile.List(_dir.Path)[0], otherCapacity.SnapshotLayout, out _, out reason));
        Assert.Contains("order capacity 1024", reason, StringComparison.Ordinal);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => new TradingEngine(swapped, NullAuditWriter.Instance));
        Assert.Contains("journal-", error.Message, StringComparison.Ordinal);
        Assert.Contains("symbol id 0 is 'AAPL' in the journal but 'MSFT' in the configuration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecoveredEngine_Continues_NextOrderIdsFollowOn_AndNothingIsResent()
    {
        TradingEngine live = RunSession(out _);
        long lastId = live.Orders.Created;
        var recovered = new TradingEngine(live.Options, NullAuditWriter.Instance);
        Assert.NotNull(recovered.Recovery!.Snapshot);
        var orders = new List<OrderCommand>();
        recovered.ConnectGateway(new CollectingGateway(orders));
        recovered.Start();
        Assert.True(recovered.WaitUntilQuiet(TimeSpan.FromSeconds(30)));
        Assert.Equal(-1, recovered.Outbound.Cursor); // nothing was resent

        recovered.PublishSignal(1, Side.Buy, 900_000, 0, 1, "after-restart", null, EngineHarness.T0 + (10_000 * EngineHarness.Second));
        Assert.True(recovered.WaitUntilQuiet(TimeSpan.FromSeconds(30)));
        Assert.Equal(ShutdownResult.Drained, recovered.Shutdown(TimeSpan.FromSeconds(30)));

        OrderCommand order = Assert.Single(orders);
        Assert.Equal(live.Orders.IdBase + lastId + 1, order.ClientOrderId);
        Assert.Equal(25, order.Quantity); // the recovered sizing is the live change's

        // The journal continued past the snapshot: a second recovery sees the new signal.
        var again = new TradingEngine(live.Options, NullAuditWriter.Instance);
        Assert.Equal(lastId + 1, again.Orders.Created);
        Shutdown(again);
    }

    private TradingEngine FullReplay(EngineOptions options)
    {
        string copy = Path.Combine(_dir.Path, "journal-only");
        Directory.CreateDirectory(copy);
        foreach (string segment in JournalReader.ListSegments(_dir.Path))
        {
            File.Copy(segment, Path.Combine(copy, Path.GetFileName(segment)));
        }

        return new TradingEngine(options with { JournalDirectory = copy }, NullAuditWriter.Instance);
    }

    private static List<long> OpenOrderQuantities(TradingEngine engine)
    {
        var visitor = new QuantityVisitor([]);
        engine.Orders.ForEachOpen(ref visitor);
        return visitor.Quantities;
    }

    private static void FlipByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    private static void Shutdown(params TradingEngine[] engines)
    {
        foreach (TradingEngine engine in engines)
        {
            engine.Shutdown(TimeSpan.FromSeconds(5));
        }
    }

    private struct QuantityVisitor(List<long> quantities) : IOrderVisitor
    {
        public readonly List<long> Quantities => quantities;

        public readonly void Visit(ref OrderRecord order) => quantities.Add(order.Quantity);
    }

    private sealed class CollectingGateway(List<OrderCommand> orders) : IValueEventHandler<OrderCommand>
    {
        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch) => orders.Add(data);
    }
}
