using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>The feeds' and broker's series in a venue session (Alpaca simulator on loopback) whose market data link drops.</summary>
public sealed class VenueMetricsTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task VenueSession_ReconnectsPerLink_AndBrokerSeries_AreExported()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        simulator.DropAfterFrames = 40; // each market-data connection is aborted after 40 frames: the link reconnects

        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        SessionOptions options = defaults with
        {
            Engine = defaults.Engine with { Symbols = ["AAPL", "MSFT"] },
            Venue = new VenueSettings
            {
                Adapter = "alpaca",
                Alpaca = new AlpacaCredentials(AlpacaSimulator.KeyId, AlpacaSimulator.SecretKey),
                AlpacaTradingUrl = simulator.BaseAddress,
                AlpacaTradingStreamUrl = simulator.TradeStreamUri,
                AlpacaDataUrl = simulator.MarketDataUri,
                Gateway = new VenueGatewayOptions { PollInterval = TimeSpan.FromMilliseconds(100), Backoff = TimeSpan.FromMilliseconds(5), RequestTimeout = TimeSpan.FromSeconds(5), RequestsPerSecond = 200 },
            },
        };

        using var session = new TradingSession(options, NullAuditWriter.Instance);
        await session.StartAsync("test", CancellationToken.None);
        try
        {
            using var metrics = new OrchestratorMetrics(session);
            using var exporter = new PrometheusExporter(metrics.Meters);
            using (var guard = new CancellationTokenSource(s_hang))
            {
                while (!session.Links.Any(l => l.Reconnects > 0) && session.Fault is null)
                {
                    await Task.Delay(20, guard.Token); // polls a condition under a hang guard
                }
            }

            WebSocketManager dropped = session.Links.First(l => l.Reconnects > 0);
            long reconnects = dropped.Reconnects;
            long retries = session.VenueGateway!.Retries;
            PrometheusText text = PrometheusText.Parse(exporter.Scrape());

            Assert.Equal(session.Links.Count, text.Series("orchestrator_feeds_reconnects_total").Count);
            Assert.True(text.Value("orchestrator_feeds_reconnects_total", ("link", dropped.Name)) >= reconnects);
            Assert.True(text.Value("orchestrator_feeds_messages_total", ("link", dropped.Name)) > 0);
            Assert.InRange(text.Value("orchestrator_feeds_connected", ("link", dropped.Name)), 0, 1);
            Assert.True(text.Value("orchestrator_feeds_last_event_time_seconds") > 0);

            string venue = session.VenueGateway.VenueName;
            Assert.True(text.Value("orchestrator_broker_retries_total", ("venue", venue)) >= retries);
            Assert.True(text.Has("orchestrator_broker_circuit_openings_total", ("venue", venue)));
            Assert.True(text.Has("orchestrator_broker_orders_received_total", ("venue", venue)));
            Assert.False(text.Has("orchestrator_broker_orders_received_total", ("venue", "paper")));
        }
        finally
        {
            session.Stop();
        }
    }
}
