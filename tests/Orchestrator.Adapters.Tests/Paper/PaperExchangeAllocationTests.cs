using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Steady state allocates nothing: submit, match, fill, cancel.</summary>
public sealed class PaperExchangeAllocationTests
{
    private const int Warmup = 20_000;
    private const int Measured = 100_000;

    [Fact]
    public void SubmitAndTickCycles_AfterWarmup_AllocateZeroBytes()
    {
        PaperExchange exchange = NewExchange(commissionBps: 1, minimumCommissionRaw: 1_000);
        var sink = new CountingSink();
        long id = 0;
        exchange.OnMarketData(Trade(100_000_000), sink);

        for (int i = 0; i < Warmup; i++)
        {
            Cycle(exchange, sink, ref id, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Measured; i++)
        {
            Cycle(exchange, sink, ref id, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, sink.Other);
        Assert.Equal(4L * (Warmup + Measured), sink.Accepted);
        Assert.Equal(3L * (Warmup + Measured), sink.Fills);
        Assert.Equal(Warmup + Measured, sink.Canceled);
        Assert.Equal(0, exchange.OpenOrderCount);
    }

    /// <summary>
    /// One cycle: a market buy and a limit buy far below the market; a trade fills the market buy;
    /// a limit sell and a market sell both fill on a quote; the resting buy is canceled.
    /// </summary>
    private static void Cycle(PaperExchange exchange, CountingSink sink, ref long id, int i)
    {
        long ts = i * 1_000L;
        exchange.Submit(Market(++id, Side.Buy, 2), sink);
        long restingId = ++id;
        exchange.Submit(Limit(restingId, Side.Buy, 1, 50_000_000, symbolId: 1), sink);
        MarketTick trade = Trade(100_000_000, 0, ts);
        exchange.OnMarketData(in trade, sink);
        exchange.Submit(Limit(++id, Side.Sell, 1, 99_000_000, TimeInForce.Day), sink);
        exchange.Submit(Market(++id, Side.Sell, 1), sink);
        MarketTick quote = Quote(99_990_000, 100, 100_010_000, 100, ts + 1);
        exchange.OnMarketData(in quote, sink);
        exchange.Cancel(restingId, sink);
    }
}
