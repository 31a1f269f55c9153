using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Snapshots;

/// <summary>With the signal engine on its own thread, each section is the state as of the Checkpoint event, however far that thread ran ahead.</summary>
public sealed class PipelinedCheckpointTests
{
    [Fact]
    public void PipelinedCheckpoint_EverySectionIsTheStateAfterTheCommand_NotLater()
    {
        using var dir = new TempDirectory();
        EngineOptions options = EngineHarness.DefaultOptions() with { Pipelined = true, OrderCapacity = 256, JournalDirectory = dir.Path, Journal = new() { Fsync = Engine.Journal.JournalFsync.None } };
        var live = new TradingEngine(options, NullAuditWriter.Instance);
        live.ConnectGateway(new NoGateway());
        live.Start();
        var reference = new TradingEngine(options with { JournalDirectory = null }, NullAuditWriter.Instance);
        long sequence = 0;
        for (int i = 0; i < 2_000; i++)
        {
            var tick = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = i & 1, PriceRaw = 100_000_000 + ((i % 37) * 10_000), Size = 10, TsEventNs = EngineHarness.T0 + i };
            live.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = tick.SymbolId, PriceRaw = tick.PriceRaw, Size = tick.Size, TsEventNs = tick.TsEventNs });
            if (i < 1_000)
            {
                reference.ProcessInline(ref tick, sequence++);
            }

            if (i == 999)
            {
                live.RequestCheckpoint(EngineHarness.T0 + i);
                var checkpoint = new EngineEvent { Kind = EventKind.Command, SymbolId = -1, Command = CommandKind.Checkpoint, TsEventNs = EngineHarness.T0 + i };
                reference.ProcessInline(ref checkpoint, sequence++);
            }
        }

        Assert.Equal(ShutdownResult.Drained, live.Shutdown(TimeSpan.FromSeconds(30))); // writes the snapshot still in hand
        Assert.Equal(1, live.Checkpoints!.Written);
        byte[]? body = SnapshotFile.TryRead(Assert.Single(SnapshotFile.List(dir.Path)), live.SnapshotLayout, out SnapshotInfo? info, out string? reason);
        Assert.True(body is not null, reason);
        Assert.Equal(1_000, info!.CoveredSequence);
        Assert.True(body.AsSpan().SequenceEqual(reference.CaptureState()), "the snapshot must hold the state after the 1,000th tick and the command");
        Assert.Equal(2_001, live.Counters.Events); // the live engine did run on
    }

    private sealed class NoGateway : IValueEventHandler<OrderCommand>
    {
        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
        }
    }
}
