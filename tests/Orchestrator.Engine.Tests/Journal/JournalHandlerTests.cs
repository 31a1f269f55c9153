using Orchestrator.Core;
using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>The journal stage: what it writes, when it syncs, and that steady state allocates nothing.</summary>
public sealed class JournalHandlerTests
{
    [Fact]
    public void MarketDataExcluded_SignalsReportsCommandsAndTimersKept()
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = JournalFsync.None, IncludeMarketData = false };
        var sources = new TextInterner();
        var reasons = new TextInterner();
        EngineEvent[] inputs = JournalSamples.EveryKind(sources.Intern("agent-a"), reasons.Intern("why"));
        JournalHandler handler;
        using (var writer = new JournalWriter(dir.Path, options))
        {
            handler = new JournalHandler(writer, options, sources, reasons, firstJournalSequence: 1_000);
            for (int i = 0; i < inputs.Length; i++)
            {
                handler.OnEvent(ref inputs[i], i, endOfBatch: i == inputs.Length - 1);
            }
        }

        List<(long Sequence, EngineEvent Event)> read = JournalSamples.ReadEvents(dir.Path, out _);

        Assert.Equal(3, handler.EventsSkipped);
        Assert.Equal(4, handler.EventsJournaled);
        Assert.Equal([EventKind.TradeSignal, EventKind.ExecutionReport, EventKind.Command, EventKind.Timer], read.Select(r => r.Event.Kind));
        Assert.Equal([1_003L, 1_004, 1_005, 1_006], read.Select(r => r.Sequence)); // journal sequence = first + ring sequence
        Assert.Equal(inputs[3..], read.Select(r => r.Event));
    }

    [Fact]
    public void Handler_FlushesAtEndOfBatch_SoTheBatchIsReadableBeforeTheNextOne()
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = JournalFsync.None };
        using var writer = new JournalWriter(dir.Path, options);
        var handler = new JournalHandler(writer, options, new TextInterner(), new TextInterner());
        EngineEvent tick = JournalSamples.Market(EventKind.TradeTick, 1);

        handler.OnEvent(ref tick, 0, endOfBatch: false);
        handler.OnEvent(ref tick, 1, endOfBatch: false);
        Assert.Empty(JournalSamples.ReadEvents(dir.Path, out _)); // still in the buffer
        handler.OnEvent(ref tick, 2, endOfBatch: true);

        Assert.Equal(3, JournalSamples.ReadEvents(dir.Path, out JournalTornTail? torn).Count);
        Assert.Null(torn);
    }

    [Fact]
    public void FsyncPolicies_SyncPerBatch_Never_OrAtMostOncePerInterval()
    {
        Assert.Equal(10, SyncsAfterTenBatches(JournalFsync.EveryBatch));
        Assert.Equal(0, SyncsAfterTenBatches(JournalFsync.None));
        Assert.Equal(0, SyncsAfterTenBatches(JournalFsync.IntervalMs(3_600_000))); // the hour never passes in this test
    }

    [Fact]
    public void FsyncPolicies_AreNamedInLogsAsTheCommandLineSpellsThem()
    {
        Assert.Equal(["batch", "none", "250ms"], new[] { JournalFsync.EveryBatch, JournalFsync.None, JournalFsync.IntervalMs(250) }.Select(p => p.ToString()));
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = JournalFsync.None, SegmentSizeBytes = 64L * 1024 * 1024 };
        var sources = new TextInterner();
        var reasons = new TextInterner();
        int[] sourceIds = [sources.Intern("a"), sources.Intern("b")];
        int[] reasonIds = [reasons.Intern("x"), reasons.Intern("y"), reasons.Intern("z")];
        using var writer = new JournalWriter(dir.Path, options);
        var handler = new JournalHandler(writer, options, sources, reasons);
        EngineEvent[] inputs = JournalSamples.EveryKind(sourceIds[0], reasonIds[0]);
        long sequence = 0;

        void Run(int events)
        {
            for (int i = 0; i < events; i++)
            {
                EngineEvent e = inputs[i % inputs.Length];
                if (e.Kind == EventKind.TradeSignal)
                {
                    e.SourceId = sourceIds[i % sourceIds.Length];
                    e.ReasonId = reasonIds[i % reasonIds.Length];
                }

                handler.OnEvent(ref e, sequence, endOfBatch: (sequence & 63) == 63);
                sequence++;
            }
        }

        Run(20_000); // warm-up: JIT tiers, the first segment, the texts' first appearance
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(200_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1, writer.Generation); // no roll inside the measured window
        Assert.Equal(220_000, handler.EventsJournaled);
    }

    private static long SyncsAfterTenBatches(JournalFsync fsync)
    {
        using var dir = new TempDirectory();
        var options = new JournalOptions { Fsync = fsync };
        using var writer = new JournalWriter(dir.Path, options);
        var handler = new JournalHandler(writer, options, new TextInterner(), new TextInterner());
        EngineEvent tick = JournalSamples.Market(EventKind.TradeTick, 1);
        for (int i = 0; i < 40; i++)
        {
            handler.OnEvent(ref tick, i, endOfBatch: i % 4 == 3);
        }

        return writer.Syncs;
    }
}
