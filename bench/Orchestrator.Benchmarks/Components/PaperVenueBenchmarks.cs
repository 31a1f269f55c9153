using BenchmarkDotNet.Attributes;
using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Benchmarks.Components;

/// <summary>
/// The paper venue per order, uncontended (issue 16): submit a market buy, fill it on a trade, submit
/// a market sell, fill it on a quote — four calls, four reports. Baseline: the exchange called and
/// its reports published under one lock, as before; new: <see cref="PaperBrokerGateway"/>, whose
/// lock covers the exchange only and whose reports leave through its outbox after the lock.
/// </summary>
[MemoryDiagnoser]
public class PaperVenueBenchmarks
{
    private readonly Lock _gate = new();
    private readonly CountingSink _sink = new();
    private PaperExchange _lockedExchange = null!;
    private PaperBrokerGateway _gateway = null!;
    private long _id;

    [GlobalSetup]
    public void Setup()
    {
        _lockedExchange = new PaperExchange(new PaperExchangeOptions { SymbolCount = 2 });
        _gateway = new PaperBrokerGateway(new PaperExchange(new PaperExchangeOptions { SymbolCount = 2 }), _sink, new LatencyRecorder());
        MarketTick first = Trade(1);
        _lockedExchange.OnMarketData(first, _sink);
        _gateway.OnMarketData(first);
    }

    [Benchmark(Baseline = true)]
    public long PublishUnderTheLock()
    {
        long ts = ++_id;
        OrderCommand buy = Order(++_id, Side.Buy);
        lock (_gate)
        {
            _lockedExchange.Submit(buy, _sink);
        }

        lock (_gate)
        {
            _lockedExchange.OnMarketData(Trade(ts), _sink);
        }

        OrderCommand sell = Order(++_id, Side.Sell);
        lock (_gate)
        {
            _lockedExchange.Submit(sell, _sink);
        }

        lock (_gate)
        {
            _lockedExchange.OnMarketData(Quote(ts), _sink);
        }

        return _sink.Count;
    }

    [Benchmark]
    public long PublishAfterTheLock()
    {
        long ts = ++_id;
        OrderCommand buy = Order(++_id, Side.Buy);
        _gateway.OnEvent(ref buy, ts, true);
        _gateway.OnMarketData(Trade(ts));
        OrderCommand sell = Order(++_id, Side.Sell);
        _gateway.OnEvent(ref sell, ts, true);
        _gateway.OnMarketData(Quote(ts));
        return _sink.Count;
    }

    private static OrderCommand Order(long id, Side side) => new()
    {
        Kind = OrderCommandKind.SubmitOrder,
        ClientOrderId = id,
        SymbolId = 0,
        Side = side,
        OrderType = OrderType.Market,
        TimeInForce = TimeInForce.Gtc,
        Quantity = 1,
    };

    private static MarketTick Trade(long ts) => new() { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = 100_000_000, TsEventNs = ts };

    private static MarketTick Quote(long ts) => new() { Kind = EventKind.QuoteTick, SymbolId = 0, BidRaw = 99_990_000, BidSize = 100, AskRaw = 100_010_000, AskSize = 100, TsEventNs = ts };

    private sealed class CountingSink : IExecutionReportSink
    {
        public long Count { get; private set; }

        public void OnExecutionReport(in ExecutionReport report) => Count++;
    }
}
