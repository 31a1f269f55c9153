using System.Text.Json;
using Orchestrator.Adapters.Paper;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Metrics;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// A signal's order intent end to end (issue 17): lines over loopback TCP into the gateway, the real
/// engine, the paper exchange fed the same prices, and its reports back into the engine.
/// </summary>
public sealed class SignalIntentPaperTests
{
    private const long T0 = GatewayRig.T0;
    private static readonly TimeSpan s_quiet = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StopAndIocSignals_ReachThePaperExchange_AndBehaveAsTheirTypes()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var venue = new PaperVenueRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(venue.Gateway.Port, guard.Token);
        venue.Tick(100m);

        // A buy stop above the market, good till canceled, at most 5 shares (sizing alone would give 10).
        long stopId = await venue.OrderAsync(client, "{\"id\":\"stop-1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"order_type\":\"stop\",\"stop_price\":105,\"tif\":\"gtc\",\"quantity\":5,\"source\":\"breakout\"}\n", guard.Token);
        OrderRecord stop = venue.Order(stopId);
        Assert.Equal(OrderType.Stop, stop.OrderType);
        Assert.Equal(TimeInForce.Gtc, stop.TimeInForce);
        Assert.Equal(5, stop.Quantity);
        Assert.Equal(OrderStatus.Accepted, stop.Status);

        venue.Tick(101m); // below the stop: it keeps waiting
        Assert.Equal(OrderStatus.Accepted, venue.Order(stopId).Status);
        Assert.Equal(0, venue.Engine.Portfolio.Quantity(0));

        venue.Tick(106m); // through the stop: it triggers and fills
        stop = venue.Order(stopId);
        Assert.Equal(OrderStatus.Filled, stop.Status);
        Assert.Equal(5, stop.FilledQuantity);
        Assert.True(stop.AvgFillPriceRaw >= FixedPoint.FromDecimal(105m));
        Assert.Equal(5, venue.Engine.Portfolio.Quantity(0));

        // An IOC buy limit below the market: the next trade is its one chance, and it cannot fill there.
        long iocId = await venue.OrderAsync(client, "{\"id\":\"ioc-1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"order_type\":\"limit\",\"limit_price\":104,\"tif\":\"IOC\",\"quantity\":3}\n", guard.Token);
        OrderRecord ioc = venue.Order(iocId);
        Assert.Equal(OrderType.Limit, ioc.OrderType);
        Assert.Equal(TimeInForce.Ioc, ioc.TimeInForce);
        Assert.Equal(3, ioc.Quantity);

        venue.Tick(106m);
        ioc = venue.Order(iocId);
        Assert.Equal(OrderStatus.Canceled, ioc.Status);
        Assert.Equal(0, ioc.FilledQuantity);
        Assert.Equal(5, venue.Engine.Portfolio.Quantity(0));
    }

    /// <summary>A running engine with the paper venue and the signal gateway; every tick goes to both the engine and the venue.</summary>
    internal sealed class PaperVenueRig : IAsyncDisposable
    {
        private long _ts = T0;

        public PaperVenueRig(IAuditWriter? audit = null)
        {
            Engine = new TradingEngine(new EngineOptions
            {
                Symbols = ["AAPL", "MSFT"],
                StartingCash = 100_000m,
                WaitStrategy = WaitStrategyKind.Blocking,
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false },
                Risk = new RiskOptions { DuplicateWindow = TimeSpan.Zero, MaxOrdersPerSecond = 0, MaxOrdersPerMinute = 0, MaxOrdersPerDay = 0, MaxOpenOrders = 1000 },
                Sizing = new SizingOptions { Method = SizingMethod.FixedQuantity, FixedQuantity = 10, ScaleByConfidence = false, MaxPositionFraction = 1m, MaxConcentrationFraction = 1m, MaxOrderNotional = 0m },
                Exits = new ExitOptions { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
            }, audit ?? NullAuditWriter.Instance);
            Broker = new PaperBrokerGateway(new PaperExchange(new PaperExchangeOptions { SymbolCount = 2 }), new ReportSink(Engine), new LatencyRecorder());
            Engine.ConnectGateway(Broker);
            Gateway = new Orchestrator.Adapters.SignalGateway.SignalGateway(Engine, new GatewayOptions { Port = 0 }, () => _ts);
            Gateway.Start();
            Engine.Start();
        }

        public TradingEngine Engine { get; }

        public PaperBrokerGateway Broker { get; }

        public Orchestrator.Adapters.SignalGateway.SignalGateway Gateway { get; }

        /// <summary>A trade in AAPL for the engine and the venue; returns once everything it caused is applied.</summary>
        public void Tick(decimal price)
        {
            _ts += 1_000_000_000;
            var tick = new MarketTick { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = FixedPoint.FromDecimal(price), Size = 1_000, TsEventNs = _ts };
            Engine.PublishMarketData(tick);
            Assert.True(Engine.WaitUntilQuiet(s_quiet)); // the engine knows the price before the venue trades on it
            Broker.OnMarketData(tick);
            Assert.True(Engine.WaitUntilQuiet(s_quiet));
        }

        /// <summary>Sends one signal line; returns the client order id of the order it made, once the venue has it.</summary>
        public async Task<long> OrderAsync(GatewayTestClient client, string line, CancellationToken cancellationToken)
        {
            await client.SendAsync(line, cancellationToken);
            List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 2, cancellationToken);
            Assert.Equal("accepted", answers[0].Status());
            Assert.Equal("ordered", answers[1].Status());
            Assert.True(Engine.WaitUntilQuiet(s_quiet));
            return long.Parse(answers[1].GetProperty("order_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }

        public OrderRecord Order(long clientOrderId)
        {
            Assert.True(Engine.Orders.TryFind(clientOrderId, out int slot));
            return Engine.Orders[slot];
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.StopAsync();
            Engine.Shutdown(s_quiet);
        }

        private sealed class ReportSink(TradingEngine engine) : IExecutionReportSink
        {
            public void OnExecutionReport(in ExecutionReport report) => engine.PublishExecutionReport(report);
        }
    }
}
