using Orchestrator.Adapters.Paper;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// A real engine with the paper broker and the gateway on an ephemeral loopback port, plus a
/// tally consumer after the trading stages that counts every trade signal the engine saw per id.
/// </summary>
internal sealed class GatewayRig : IAsyncDisposable
{
    public const long T0 = 1_736_000_000_000_000_000;

    private bool _started;

    /// <summary>The rig; <paramref name="instruments"/> configures instruments (e.g. a fractional AAPL, issue 19); null = every symbol by default, whole shares.</summary>
    public GatewayRig(GatewayOptions? options = null, int inboundBufferSize = 1 << 14, bool start = true, IReadOnlyDictionary<string, InstrumentInfo>? instruments = null)
    {
        var engineOptions = new EngineOptions
        {
            Symbols = ["AAPL", "MSFT"],
            StartingCash = 100_000m,
            InboundBufferSize = inboundBufferSize,
            WaitStrategy = WaitStrategyKind.Blocking,
            Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
            Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 1000 },
            Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 1, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
            Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            Instruments = instruments,
        };
        Engine = new TradingEngine(engineOptions, NullAuditWriter.Instance);
        var exchange = new PaperExchange(new PaperExchangeOptions { SymbolCount = 2, Units = Engine.Instruments.Units });
        var broker = new PaperBrokerGateway(exchange, new ReportSink(Engine), new LatencyRecorder());
        Broker = broker;
        Engine.ConnectGateway(broker);
        Gateway = new Orchestrator.Adapters.SignalGateway.SignalGateway(Engine, options ?? new GatewayOptions { Port = 0 }, () => T0);
        Engine.AttachSignalOutcomeConsumer(Tally);
        Gateway.Start();
        if (start)
        {
            StartEngine();
        }
    }

    public TradingEngine Engine { get; }

    /// <summary>The paper broker: market data given to it (<see cref="PublishTick"/>) fills resting orders.</summary>
    public PaperBrokerGateway Broker { get; }

    /// <summary>A trade tick to the engine and to the paper venue (which fills what it can at that price).</summary>
    public void PublishTick(int symbolId, decimal price, long tsEventNs = T0, long size = 100)
    {
        var tick = new MarketTick { Kind = EventKind.TradeTick, SymbolId = symbolId, PriceRaw = FixedPoint.FromDecimal(price), Size = size, TsEventNs = tsEventNs };
        Engine.PublishMarketData(tick);
        Broker.OnMarketData(tick);
    }

    public Orchestrator.Adapters.SignalGateway.SignalGateway Gateway { get; }

    public SignalTally Tally { get; } = new();

    public int Port => Gateway.Port;

    /// <summary>Starts the engine and gives AAPL a price (MSFT has none: its signals are refused for NoMarketData).</summary>
    public void StartEngine()
    {
        _started = true;
        Engine.Start();
        Engine.PublishMarketData(new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(100m), Size = 100, TsEventNs = T0 });
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.StopAsync();
        if (!_started)
        {
            Engine.Start();
        }

        Engine.Shutdown(TimeSpan.FromSeconds(10));
    }

    private sealed class ReportSink(TradingEngine engine) : IExecutionReportSink
    {
        public void OnExecutionReport(in ExecutionReport report) => engine.PublishExecutionReport(report);
    }
}
