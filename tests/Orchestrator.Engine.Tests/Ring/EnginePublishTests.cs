using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.Tests.Journal;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests.Ring;

/// <summary>A claim on the inbound ring is published on every path: a failure while filling it stalls nothing.</summary>
public sealed class EnginePublishTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Publish_WhenFillingAClaimedSlotThrows_TheNoOpSlotIsIgnoredByEveryStage_AndTheNextEventTrades(bool pipelined)
    {
        using var dir = new TempDirectory();
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Pipelined = pipelined,
            OrderCapacity = 256,
            JournalDirectory = dir.Path,
            Journal = new() { Fsync = JournalFsync.None },
        };
        var engine = new TradingEngine(options, NullAuditWriter.Instance);
        var gateway = new OrderCollector();
        engine.ConnectGateway(gateway);
        engine.Start();
        ProcessorFault? fault = null;
        engine.Faulted += f => fault = f;

        engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(100m), Size = 10, TsEventNs = EngineHarness.T0 });
        Assert.Throws<InvalidOperationException>(() => engine.Publish(new FailingSignalWriter()));
        engine.PublishSignal(0, Side.Buy, 900_000, 0, 7, "test", "after the failure", EngineHarness.T0 + 1);

        Assert.True(gateway.FirstOrder.Wait(Waits.Hang)); // the sequence after the aborted claim reached every stage
        Assert.Equal(ShutdownResult.Drained, engine.Shutdown(Waits.Hang));
        Assert.Null(fault);
        Assert.Equal(1, gateway.Orders); // the half-written signal in the aborted slot traded nothing
        Assert.Equal(2, engine.Counters.Events); // the tick and the signal; the no-op is not an input
        JournalReplay journal = JournalReplayer.Replay(dir.Path, options);
        Assert.Equal(2, journal.Events.Values.Sum()); // nor is it journaled
    }

    /// <summary>Writes half a buy signal, then fails: the slot must not go out like this.</summary>
    private readonly struct FailingSignalWriter : ISlotWriter<EngineEvent>
    {
        public void Write(ref EngineEvent slot)
        {
            slot.Clear();
            slot.Kind = EventKind.TradeSignal;
            slot.SymbolId = 0;
            slot.SignalSide = Side.Buy;
            slot.ConfidencePpm = 900_000;
            slot.SignalId = 6;
            throw new InvalidOperationException("filling the slot failed");
        }
    }

    private sealed class OrderCollector : IValueEventHandler<OrderCommand>
    {
        private int _orders;

        public ManualResetEventSlim FirstOrder { get; } = new();

        public int Orders => Volatile.Read(ref _orders);

        public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind == OrderCommandKind.SubmitOrder)
            {
                // Release write: the test reads the count after the event.
                Volatile.Write(ref _orders, _orders + 1);
                FirstOrder.Set();
            }
        }
    }
}
