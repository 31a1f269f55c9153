using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>The account picture the slow path reads: consistent, versioned, allocation-free to publish.</summary>
public sealed class EngineSnapshotTests
{
    [Fact]
    public void PublishSnapshot_CopiesPositionsCashAndOpenOrders_BetweenEvents()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Open(0, Side.Buy, 100m);
        h.Trade(0, 110m, EngineHarness.T0 + EngineHarness.Second);
        EngineEvent working = h.Signal(1, Side.Buy, tsNs: EngineHarness.T0 + (2 * EngineHarness.Second), limit: 50m);
        var copy = new SnapshotCopy();
        Assert.Equal(0, h.Engine.Snapshot.Read(copy)); // nothing published yet

        h.Command(CommandKind.PublishSnapshot, EngineHarness.T0 + (3 * EngineHarness.Second));

        Assert.Equal(1, h.Engine.Snapshot.Read(copy));
        Assert.Equal(h.Engine.Portfolio.Quantity(0), copy.Quantity[0]);
        Assert.Equal(EngineHarness.Raw(110m), copy.LastRaw[0]);
        Assert.Equal(h.Engine.Portfolio.CashRaw, copy.CashRaw);
        Assert.Equal(h.Engine.Portfolio.EquityRaw, copy.EquityRaw);
        Assert.Equal(h.Engine.Portfolio.UnrealizedRaw(0), copy.UnrealizedRaw[0]);
        Assert.Equal(EngineHarness.T0 + (3 * EngineHarness.Second), copy.EventTimeNs);
        if (working.Reject == RejectReason.None)
        {
            Assert.Equal(1, copy.OrderCount);
            Assert.Equal(working.ClientOrderId, copy.Orders[0].ClientOrderId);
        }
    }

    [Fact]
    public void Publishing_AllocatesNothing()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Open(0, Side.Buy, 100m);
        var command = new EngineEvent { Kind = EventKind.Command, SymbolId = -1, Command = CommandKind.PublishSnapshot, TsEventNs = EngineHarness.T0 };
        for (int i = 0; i < 20_000; i++)
        {
            h.Engine.OrderManager.OnEvent(ref command, i, true); // warm up past tiered compilation
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            h.Engine.OrderManager.OnEvent(ref command, i, true);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(21_000, h.Engine.Snapshot.Version);
    }

    [Fact]
    public async Task ReadersNeverSeeATornPicture_WhileTheWriterPublishes()
    {
        // Writer keeps cash and equity equal to -version; a torn read would mix two versions.
        var market = new MarketState(1);
        var portfolio = new Portfolio(market, 0);
        var orders = new OrderStore(16, 1, 1);
        var snapshot = new EngineSnapshot(1, 8);
        using var stop = new CancellationTokenSource();
        Task writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                snapshot.Write(portfolio, market, orders, killSwitch: (snapshot.Version & 1) == 0, eventTimeNs: snapshot.Version + 1);
                Thread.Yield(); // as in production, writes leave gaps (there they come every few hundred ms); a writer that never pauses starves readers on a loaded 2-core box
            }
        });

        var copy = new SnapshotCopy();
        long lastVersion = 0;
        for (int i = 0; i < 20_000; i++)
        {
            long version = snapshot.Read(copy);
            Assert.True(version >= lastVersion);
            Assert.Equal(version, copy.EventTimeNs); // written together, read together
            Assert.Equal(version == 0 || (version & 1) == 1, copy.KillSwitch || version == 0);
            lastVersion = version;
        }

        await stop.CancelAsync();
        await writer;
    }
}
