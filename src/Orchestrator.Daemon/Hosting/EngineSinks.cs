using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>Execution reports from a broker, published into the engine's inbound ring.</summary>
public sealed class EngineReportSink(TradingEngine engine) : IExecutionReportSink
{
    public void OnExecutionReport(in ExecutionReport report) => engine.PublishExecutionReport(report);
}

/// <summary>
/// Market data from a feed: shown first to the paper venue, if any (as a real exchange sees a
/// trade before any client does), then published into the engine's ring.
/// </summary>
public sealed class MarketDataFanOut(PaperBrokerGateway? venue, TradingEngine engine) : IMarketDataSink
{
    private long _lastTsEventNs;

    /// <summary>Event time of the latest tick (the time commands issued at shutdown carry).</summary>
    public long LastTsEventNs => Volatile.Read(ref _lastTsEventNs);

    private IMarketDataSink? _observer;

    /// <summary>A slow-path listener that sees each tick after the engine has it (the agents' bar store); it must be cheap and never throw.</summary>
    public IMarketDataSink? Observer
    {
        get => Volatile.Read(ref _observer);
        set => Volatile.Write(ref _observer, value);
    }

    public void OnMarketData(in MarketTick tick)
    {
        venue?.OnMarketData(tick);
        engine.PublishMarketData(tick);
        Volatile.Read(ref _observer)?.OnMarketData(tick);
        Volatile.Write(ref _lastTsEventNs, tick.TsEventNs);
    }
}
