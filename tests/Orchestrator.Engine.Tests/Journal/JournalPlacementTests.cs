using Orchestrator.Core;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Journal;

/// <summary>Inline placement: the journal on the trading thread, written before anything is released.</summary>
public sealed class JournalPlacementTests
{
    [Fact]
    public void Inline_AnOrdersCauseIsOnDisk_BeforeTheOrderLeaves_WhileTicksWaitForTheirBatchEnd()
    {
        using var dir = new TempDirectory();
        var harness = new EngineHarness(EngineHarness.DefaultOptions() with
        {
            JournalDirectory = dir.Path,
            Journal = new JournalOptions { Fsync = JournalFsync.None, Placement = JournalPlacement.Inline },
        });
        TradingEngine engine = harness.Engine;
        Assert.Same(engine.JournalHandler, engine.OrderManager.InlineJournal);

        // The trading thread's composite, by hand, in the middle of a batch (never its end).
        long sequence = 0;
        void Run(EngineEvent e)
        {
            engine.JournalHandler!.OnEvent(ref e, sequence, endOfBatch: false);
            engine.ProcessInline(ref e, sequence++);
        }

        Run(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = EngineHarness.Raw(100m), Size = 10, TsEventNs = EngineHarness.T0 });
        Assert.Empty(JournalSamples.ReadEvents(dir.Path, out _)); // a tick releases nothing: it waits for the batch end
        Assert.Empty(harness.TakeOrders());

        Run(new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, SignalSide = Side.Buy, ConfidencePpm = 900_000, SignalId = 42, TsEventNs = EngineHarness.T0 });
        Assert.Single(harness.TakeOrders()); // released...
        List<(long Sequence, EngineEvent Event)> onDisk = JournalSamples.ReadEvents(dir.Path, out _);
        Assert.Equal([EventKind.TradeTick, EventKind.TradeSignal], onDisk.Select(r => r.Event.Kind)); // ...after its cause was written
        Assert.Equal(42, onDisk[1].Event.SignalId);
    }

    [Theory]
    [InlineData("batch", JournalPlacement.Stage)]
    [InlineData("none", JournalPlacement.Inline)]
    [InlineData("100ms", JournalPlacement.Inline)]
    public void Auto_IsAStage_WhenEveryBatchIsSynced_ElseInline(string fsync, JournalPlacement expected)
    {
        JournalFsync policy = fsync switch
        {
            "batch" => JournalFsync.EveryBatch,
            "none" => JournalFsync.None,
            _ => JournalFsync.IntervalMs(100),
        };
        Assert.Equal(expected, new JournalOptions { Fsync = policy }.EffectivePlacement);
        Assert.Equal(JournalPlacement.Stage, new JournalOptions { Fsync = JournalFsync.None, Placement = JournalPlacement.Stage }.EffectivePlacement);
    }
}
