using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Strategies.Testing;

/// <summary>
/// A real, running engine (its own threads) with the paper venue as its broker, for testing
/// strategies end to end: <see cref="Publish"/> shows each market-data input to the venue (so resting
/// orders can fill) and then to the engine; <see cref="WaitUntilQuiet"/> waits until the engine, the
/// venue's reports and the slow-path strategy queues are drained. Read the outcome from
/// <see cref="Engine"/> (orders, portfolio, counters, <see cref="TradingEngine.Strategies"/>).
/// </summary>
public sealed class StrategyTestRig : IDisposable
{
    private bool _disposed;

    /// <param name="options">The engine's options, strategies included (<see cref="EngineOptions.Strategies"/>).</param>
    /// <param name="exchange">The paper venue's settings (null = no slippage or commission, the engine's symbols and cash, short selling as risk allows).</param>
    /// <param name="auditWriter">Where audit lines go (null = nowhere).</param>
    public StrategyTestRig(EngineOptions options, PaperExchangeOptions? exchange = null, IAuditWriter? auditWriter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Engine = new TradingEngine(options, auditWriter ?? NullAuditWriter.Instance);
        Exchange = new PaperExchange(exchange ?? new PaperExchangeOptions
        {
            SymbolCount = options.Symbols.Count,
            StartingCashRaw = FixedPoint.FromDecimal(options.StartingCash),
            SlippageBps = 0,
            AllowShortSelling = options.Risk.AllowShortSelling,
        } with { Units = exchange?.Units ?? Engine.Instruments.Units });
        Broker = new PaperBrokerGateway(Exchange, new ReportSink(Engine), new LatencyRecorder());
        Engine.ConnectGateway(Broker);
        Engine.Start();
    }

    public TradingEngine Engine { get; }

    public PaperExchange Exchange { get; }

    public PaperBrokerGateway Broker { get; }

    /// <summary>
    /// Engine options for a strategy test: the given symbols and strategies, 1,000,000 cash, rules and
    /// protective exits off, wide risk limits with short selling, fixed-quantity sizing of 100 shares.
    /// </summary>
    public static EngineOptions Options(IReadOnlyList<string> symbols, params StrategyRegistration[] strategies) => new()
    {
        Symbols = symbols,
        StartingCash = 1_000_000m,
        WaitStrategy = WaitStrategyKind.Blocking,
        Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
        Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 1000, AllowShortSelling = true },
        Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 100, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
        Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
        Strategies = strategies,
    };

    /// <summary>Shows <paramref name="tick"/> to the paper venue, then publishes it into the engine.</summary>
    public void Publish(in MarketTick tick)
    {
        Broker.OnMarketData(tick);
        Engine.PublishMarketData(tick);
    }

    /// <summary>Publishes every tick in order, then waits until all is quiet.</summary>
    public void Run(IEnumerable<MarketTick> ticks, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        foreach (MarketTick tick in ticks)
        {
            Publish(tick);
        }

        WaitUntilQuiet(timeout);
    }

    /// <summary>
    /// Waits until the engine is quiet (<see cref="TradingEngine.WaitUntilQuiet"/>: its rings drained,
    /// every slow-path strategy's queue handled and the signals it made decided, the orders they made
    /// reported). Throws <see cref="TimeoutException"/> otherwise.
    /// </summary>
    public void WaitUntilQuiet(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(30);
        if (!Engine.WaitUntilQuiet(limit))
        {
            throw new TimeoutException($"The engine did not settle within {limit}.");
        }
    }

    /// <summary>The orders <paramref name="source"/> (a strategy's name) made, oldest first (read when quiet).</summary>
    public IReadOnlyList<OrderRecord> OrdersOf(string source) => OrdersOf(Engine, source);

    /// <summary>The orders of <paramref name="source"/> in <paramref name="engine"/>'s order table, oldest first (an engine that is quiet or not running).</summary>
    public static IReadOnlyList<OrderRecord> OrdersOf(TradingEngine engine, string source)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int sourceId = engine.Sources.Intern(source);
        var orders = new List<OrderRecord>();
        for (long n = 1; n <= engine.Orders.Created; n++)
        {
            if (engine.Orders.TryFind(engine.Orders.IdBase + n, out int slot) && engine.Orders[slot].SourceId == sourceId)
            {
                orders.Add(engine.Orders[slot]);
            }
        }

        return orders;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Engine.Shutdown(TimeSpan.FromSeconds(10));
    }

    private sealed class ReportSink(TradingEngine engine) : IExecutionReportSink
    {
        public void OnExecutionReport(in ExecutionReport report) => engine.PublishExecutionReport(report);
    }
}
