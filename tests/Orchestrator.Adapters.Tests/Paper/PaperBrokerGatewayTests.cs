using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>
/// The paper venue as the engine sees it (issue 16): no caller waits behind another caller's
/// publish into a full inbound ring, reports keep their order, and steady state allocates nothing.
/// </summary>
public sealed class PaperBrokerGatewayTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FullInboundRing_StallsOnlyThePublishingThread_AndReportsKeepTheirOrder()
    {
        // A real engine whose 16-slot inbound ring is full (its threads not started yet).
        var engine = new TradingEngine(new EngineOptions
        {
            Symbols = ["AAPL", "MSFT"],
            StartingCash = 100_000m,
            InboundBufferSize = 16,
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
        }, NullAuditWriter.Instance);
        var sink = new ForwardingSink(engine);
        var gateway = new PaperBrokerGateway(NewExchange(), sink, new LatencyRecorder());
        engine.ConnectGateway(gateway);
        for (int i = 0; i < 16; i++)
        {
            engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = 1, PriceRaw = 100_000_000, Size = 1, TsEventNs = i + 1 });
        }

        gateway.OnMarketData(Trade(100_000_000, tsNs: 1, symbolId: 0)); // a price, no order yet: nothing to publish

        // The gateway thread submits; its Accepted report waits on the full ring.
        Task submitting = Task.Run(() =>
        {
            OrderCommand order = Market(1, Side.Buy, 10);
            gateway.OnEvent(ref order, 0, true);
        });
        Assert.True(sink.Publishing.Wait(s_deadline), "the Accepted report never reached the engine's ring");

        // Meanwhile the feed and the slow path still get through the venue.
        Task feeding = Task.Run(() => gateway.OnMarketData(Trade(101_000_000, tsNs: 2, symbolId: 0))); // fills order 1
        bool feedPassed = await Completes(feeding);
        Task<(long CashRaw, long[] Positions)> querying = Task.Run(() => gateway.Snapshot(2));
        bool queryPassed = await Completes(querying);
        long positionSeen = queryPassed ? (await querying).Positions[0] : -1;

        engine.Start(); // the ring drains: the stalled publish completes, and with it the fill queued behind it
        Assert.True(await Completes(submitting), "the publishing thread never finished");
        Assert.True(engine.WaitUntilQuiet(s_deadline));
        engine.Shutdown(s_deadline);

        Assert.True(feedPassed, "market data waited behind a publish into the full ring");
        Assert.True(queryPassed, "a query waited behind a publish into the full ring");
        Assert.Equal(10, positionSeen);
        Assert.Equal([(1L, ExecutionType.Accepted), (1L, ExecutionType.Fill)], sink.Published);
    }

    [Fact]
    public async Task OrdersAndMarketDataFromTwoThreads_EveryOrdersReportsArriveInOrder()
    {
        const int Orders = 3_000;
        var sink = new RecordingSink();
        var gateway = new PaperBrokerGateway(NewExchange(allowShortSelling: true, maxOpenOrders: 256), sink, new LatencyRecorder());
        gateway.OnMarketData(Trade(100_000_000, tsNs: 1));

        using var done = new CancellationTokenSource();
        Task feed = Task.Run(() =>
        {
            long ts = 2;
            int afterDone = 0;
            while (!done.IsCancellationRequested || afterDone++ < 200) // and 200 prints more: partial fills even if this thread was starved
            {
                gateway.OnMarketData(Trade(100_000_000 + (ts % 7 * 10_000), size: 3, tsNs: ts++)); // small prints: partial fills
            }
        });

        for (long id = 1; id <= Orders; id++)
        {
            OrderCommand order = id % 3 == 0
                ? Limit(id, Side.Sell, 5, 99_000_000, TimeInForce.Ioc)
                : Market(id, id % 2 == 0 ? Side.Sell : Side.Buy, 5, TimeInForce.Day);
            gateway.OnEvent(ref order, id, true);
            if (id % 5 == 0)
            {
                var cancel = new OrderCommand { Kind = OrderCommandKind.CancelOrder, ClientOrderId = id - 1 };
                gateway.OnEvent(ref cancel, id, true);
            }
        }

        done.Cancel();
        Assert.True(await Completes(feed));
        gateway.OnMarketData(Trade(100_000_000, tsNs: long.MaxValue - 1)); // an unlimited print: what still rests fills or ends (IOC)
        gateway.EndOfDay(long.MaxValue); // its reports are published before it returns (no other caller now)

        // Per order: Accepted (or Rejected), then fills with falling leaves, then exactly one end; nothing after it.
        var leaves = new Dictionary<long, long>();
        var ended = new HashSet<long>();
        foreach (ExecutionReport r in sink.Reports.Where(r => r.SymbolId >= 0))
        {
            Assert.DoesNotContain(r.ClientOrderId, ended);
            switch (r.ExecType)
            {
                case ExecutionType.Accepted:
                    Assert.True(leaves.TryAdd(r.ClientOrderId, r.LeavesQuantity), $"order {r.ClientOrderId} accepted twice");
                    break;
                case ExecutionType.Rejected:
                    Assert.False(leaves.ContainsKey(r.ClientOrderId));
                    ended.Add(r.ClientOrderId);
                    break;
                case ExecutionType.PartialFill or ExecutionType.Fill:
                    Assert.True(leaves.ContainsKey(r.ClientOrderId), $"order {r.ClientOrderId} filled before it was accepted");
                    Assert.Equal(leaves[r.ClientOrderId] - r.FillQuantity, r.LeavesQuantity);
                    leaves[r.ClientOrderId] = r.LeavesQuantity;
                    if (r.ExecType == ExecutionType.Fill)
                    {
                        ended.Add(r.ClientOrderId);
                    }

                    break;
                default:
                    Assert.True(leaves.ContainsKey(r.ClientOrderId), $"order {r.ClientOrderId} ended before it was accepted");
                    ended.Add(r.ClientOrderId);
                    break;
            }
        }

        Assert.Equal(Orders, ended.Count);
        Assert.Equal(0, gateway.Exchange.OpenOrderCount);
        Assert.Contains(sink.Reports, r => r.ExecType == ExecutionType.PartialFill);
    }

    [Fact]
    public void SubmitFillCancelCycles_ThroughTheGateway_AfterWarmup_AllocateZeroBytes()
    {
        var sink = new CountingSink();
        var gateway = new PaperBrokerGateway(NewExchange(commissionBps: 1, minimumCommissionRaw: 1_000), sink, new LatencyRecorder());
        gateway.OnMarketData(Trade(100_000_000));
        long id = 0;
        for (int i = 0; i < 20_000; i++)
        {
            Cycle(gateway, ref id, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            Cycle(gateway, ref id, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3L * 120_000, sink.Accepted);
        Assert.Equal(2L * 120_000, sink.Fills);
        Assert.Equal(120_000, sink.Canceled);
        Assert.Equal(0, sink.Other);
    }

    private static async Task<bool> Completes(Task task)
    {
        try
        {
            await task.WaitAsync(s_deadline);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A market buy filled by a trade, a resting limit buy canceled, a market sell filled by a quote.</summary>
    private static void Cycle(PaperBrokerGateway gateway, ref long id, int i)
    {
        long ts = (i * 1_000L) + 1;
        OrderCommand buy = Market(++id, Side.Buy, 1);
        gateway.OnEvent(ref buy, id, true);
        OrderCommand resting = Limit(++id, Side.Buy, 1, 50_000_000, symbolId: 1);
        gateway.OnEvent(ref resting, id, true);
        gateway.OnMarketData(Trade(100_000_000, 0, ts));
        var cancel = new OrderCommand { Kind = OrderCommandKind.CancelOrder, ClientOrderId = resting.ClientOrderId };
        gateway.OnEvent(ref cancel, id, true);
        OrderCommand sell = Market(++id, Side.Sell, 1);
        gateway.OnEvent(ref sell, id, true);
        gateway.OnMarketData(Quote(99_990_000, 100, 100_010_000, 100, ts + 1));
    }

    /// <summary>Publishes each report into a real engine, then records it (so the record is the order the engine received them in).</summary>
    private sealed class ForwardingSink(TradingEngine engine) : IExecutionReportSink
    {
        public ManualResetEventSlim Publishing { get; } = new();

        public List<(long ClientOrderId, ExecutionType ExecType)> Published { get; } = [];

        public void OnExecutionReport(in ExecutionReport report)
        {
            Publishing.Set();
            engine.PublishExecutionReport(report);
            lock (Published)
            {
                Published.Add((report.ClientOrderId, report.ExecType));
            }
        }
    }
}
