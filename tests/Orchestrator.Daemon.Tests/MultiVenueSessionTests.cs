using Orchestrator.Adapters.Venues;
using Orchestrator.Agents.Alerts;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Daemon.Tests.Metrics;
using Orchestrator.Engine;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Several venues in one process (issue 19): one daemon session trading KRX symbols through the KIS
/// simulator and US symbols through the Alpaca simulator, both on loopback, each venue with its own
/// gateway, market data, update stream and reconciliation. Every order must reach its own venue, its
/// fills the engine's books in its own currency, and one venue's outage must not stop the other.
/// </summary>
public sealed class MultiVenueSessionTests
{
    private const string Krx = "005930";
    private const string Us = "AAPL";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    private static SessionOptions Options(KisSimulator kis, AlpacaSimulator alpaca, TimeSpan unknownGrace)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        var gateway = new VenueGatewayOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            Backoff = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(5),
            RequestsPerSecond = 200,
            UnknownGrace = unknownGrace,
        };
        return defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = [Krx, Us],
                BaseCurrency = "USD",
                FxRates = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["KRW"] = 0.00075m },
                Instruments = new Dictionary<string, InstrumentInfo>(StringComparer.Ordinal)
                {
                    [Krx] = new() { Symbol = Krx, Exchange = "XKRX", Currency = "KRW", Venue = "kis" },
                    [Us] = new() { Symbol = Us, Exchange = "XNYS", Currency = "USD", Venue = "alpaca" },
                },
                // Only the test's own signals trade, so every position is known.
                Rules = defaults.Engine.Rules with { MomentumEnabled = false, RsiReversionEnabled = false },
                Exits = defaults.Engine.Exits with { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m },
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero },
            },
            Venues =
            [
                VenueSessionTests.Kis(kis, notices: true) with { Gateway = gateway },
                VenueSessionTests.Alpaca(alpaca) with { Gateway = gateway },
            ],
        };
    }

    private static async Task<(KisSimulator Kis, AlpacaSimulator Alpaca)> StartSimulatorsAsync()
    {
        KisSimulator kis = await VenueSessionTests.StartKisAsync(answersLost: false);
        AlpacaSimulator alpaca = await AlpacaSimulator.StartAsync();
        alpaca.FrameInterval = TimeSpan.FromMilliseconds(5);
        return (kis, alpaca);
    }

    /// <summary>Polls <paramref name="condition"/> under a hang guard (<see cref="Waits"/>); asserts nothing about time.</summary>
    internal static Task UntilAsync(Func<bool> condition, TradingSession session) => Waits.UntilAsync(condition, session, s_hang);

    /// <summary>A market buy of at most <paramref name="quantity"/> shares, as an outside agent would send it.</summary>
    internal static void Buy(TradingSession session, string symbol, long quantity, long signalId) =>
        session.Engine.PublishSignal(session.Engine.Symbols.GetId(symbol), Side.Buy, 1_000_000, new SignalIntent { OrderType = OrderType.Market, Quantity = quantity },
            signalId, "multi_venue_test", "test", session.LastEventTimeNs);

    internal static long Position(TradingSession session, string symbol) => session.Engine.Portfolio.Quantity(session.Engine.Symbols.GetId(symbol));

    internal static async Task StartedWithDataAsync(TradingSession session)
    {
        await session.StartAsync("test", CancellationToken.None);
        await UntilAsync(() => session.Engine.Market.LastRaw(session.Engine.Symbols.GetId(Krx)) > 0 && session.Engine.Market.LastRaw(session.Engine.Symbols.GetId(Us)) > 0, session);
    }

    /// <summary>
    /// Each venue's reconciliation, run now (nothing working): it compares only its own venue's symbols, so
    /// neither finds the other venue's position missing; then each venue's books are the engine's, symbol by
    /// symbol and in each venue's currency.
    /// </summary>
    private static async Task AssertEachVenueAgreesAsync(TradingSession session, KisSimulator kis, AlpacaSimulator alpaca)
    {
        TradingEngine engine = session.Engine;
        await UntilAsync(() => engine.Orders.OpenCount == 0 && session.VenueGateways.All(g => g.OrdersInDoubt == 0), session);
        foreach (SessionVenue venue in session.Venues)
        {
            ReconciliationResult result = await venue.Reconciler!.ReconcileAsync("test", CancellationToken.None);
            Assert.True(result.PositionsMatch, venue.Name + ": " + string.Join(", ", result.Differences));
        }

        Assert.False(engine.Risk.KillSwitchEngaged, "no reconciliation found a difference");
        Assert.Equal(ShutdownResult.Drained, session.Stop());
        Assert.Equal(0, engine.Counters.IllegalReports);
        Assert.Equal(0, session.Router!.Unroutable);

        (long cashKrw, IReadOnlyDictionary<string, long> kisPositions) = kis.AccountBook(VenueSessionTests.KisAccount);
        Assert.Equal(kisPositions.GetValueOrDefault(Krx), Position(session, Krx));
        Assert.Equal(alpaca.PositionOf(Us), Position(session, Us));
        Assert.Equal(0, kis.OverseasOrdersBooked(VenueSessionTests.KisAccount)); // no US order went to KIS
        Assert.Equal(0, alpaca.PositionOf(Krx));
        Assert.Equal(FixedPoint.FromDecimal(cashKrw), engine.Portfolio.CashRawOf(engine.Portfolio.Currencies.IdOf("KRW")));
        Assert.Equal(FixedPoint.FromDecimal(alpaca.Cash), engine.Portfolio.CashRaw); // USD, the base
    }

    [Fact]
    public async Task KrxOrdersReachKis_UsOrdersReachAlpaca_FillsComeBackToTheirOrders_InEachCurrency()
    {
        (KisSimulator kis, AlpacaSimulator alpaca) = await StartSimulatorsAsync();
        await using (kis)
        await using (alpaca)
        {
            decimal alpacaCash = alpaca.Cash;
            using var session = new TradingSession(Options(kis, alpaca, TimeSpan.FromSeconds(1)), new VenueSessionTests.ListAuditWriter());
            await StartedWithDataAsync(session);

            // Each account's cash is the engine's in its own currency: KIS's KRW deposit, Alpaca's dollars (the base).
            Assert.Equal(FixedPoint.FromDecimal(alpacaCash), session.Engine.Portfolio.StartingCashRaw);
            Assert.Equal(FixedPoint.FromDecimal(kis.AccountBook(VenueSessionTests.KisAccount).CashKrw),
                session.Engine.Portfolio.CashRawOf(session.Engine.Portfolio.Currencies.IdOf("KRW")));
            Assert.NotNull(session.Router);
            Assert.Equal(["kis", "alpaca"], session.Venues.Select(v => v.Name));

            Buy(session, Krx, 3, 1);
            Buy(session, Us, 5, 2);
            await UntilAsync(() => Position(session, Krx) > 0 && Position(session, Us) > 0, session);

            VenueBrokerGateway kisGateway = session.Venues[0].Gateway!;
            VenueBrokerGateway alpacaGateway = session.Venues[1].Gateway!;
            Assert.Equal((1L, 1L), (kisGateway.Placements, alpacaGateway.Placements));
            Assert.Equal(1, kis.OrdersBooked(VenueSessionTests.KisAccount)); // the KRX order at KIS…
            Assert.Equal(1, alpaca.OrderCount); // …the US one at Alpaca
            await AssertEachVenueAgreesAsync(session, kis, alpaca);
            Assert.Equal(3, Position(session, Krx));
            Assert.Equal(5, Position(session, Us));
        }
    }

    [Fact]
    public async Task KisOutage_PausesOnlyKrxSymbols_AlpacaKeepsTrading()
    {
        (KisSimulator kis, AlpacaSimulator alpaca) = await StartSimulatorsAsync();
        await using (kis)
        await using (alpaca)
        {
            using var session = new TradingSession(Options(kis, alpaca, TimeSpan.FromSeconds(5)), new VenueSessionTests.ListAuditWriter());
            await StartedWithDataAsync(session);
            VenueBrokerGateway kisGateway = session.Venues[0].Gateway!;
            VenueBrokerGateway alpacaGateway = session.Venues[1].Gateway!;

            // KIS's order endpoint fails every request: the KRX order goes in doubt and its symbol pauses.
            kis.Fault = HttpFault.ServerError;
            kis.FaultEvery = 1;
            Buy(session, Krx, 3, 1);
            await UntilAsync(() => kisGateway.OrdersInDoubt > 0, session);
            Buy(session, Krx, 3, 2);
            await UntilAsync(() => session.Engine.Counters.Rejects(RejectReason.SymbolPaused) > 0, session);

            // Meanwhile a US order still reaches Alpaca and fills.
            Buy(session, Us, 5, 3);
            await UntilAsync(() => Position(session, Us) > 0, session);
            Assert.True(kisGateway.OrdersInDoubt > 0, "KIS's order was still in doubt while Alpaca's filled");
            Assert.Equal(0, alpacaGateway.UnknownOrders);
            Assert.Equal(0, Position(session, Krx));

            // Health and metrics per venue: each venue its own entry and series, KIS's retries not Alpaca's.
            Assert.Equal(["broker:kis", "broker:alpaca"], SessionHealth.CheckNow(session).Components.Select(c => c.Name).Where(n => n.StartsWith("broker", StringComparison.Ordinal)));
            using (var metrics = new OrchestratorMetrics(session))
            using (var exporter = new PrometheusExporter(metrics.Meters))
            {
                PrometheusText text = PrometheusText.Parse(exporter.Scrape());
                Assert.True(text.Value("orchestrator_broker_retries_total", ("venue", "kis")) > 0);
                Assert.Equal(0, text.Value("orchestrator_broker_retries_total", ("venue", "alpaca")));
                Assert.Equal(1, text.Value("orchestrator_broker_orders_received_total", ("venue", "alpaca")));
                Assert.False(text.Has("orchestrator_broker_orders_received_total", ("venue", "paper")));
            }

            kis.Fault = HttpFault.None; // KIS's records never show the order: after the grace it was never placed
            await AssertEachVenueAgreesAsync(session, kis, alpaca);
            Assert.Equal(5, Position(session, Us));
        }
    }
    /// <summary>
    /// A broker-outage alert while several venues run (issue 19): the KIS simulator goes away, KIS's circuit opens, and
    /// only KIS's symbols pause — no kill switch, Alpaca keeps filling; when the outage clears they trade again.
    /// </summary>
    [Fact]
    public async Task KisOutageAlert_PausesOnlyKisSymbols_WithoutTheKillSwitch_AndResumesWhenItClears()
    {
        (KisSimulator kis, AlpacaSimulator alpaca) = await StartSimulatorsAsync();
        bool kisStopped = false;
        await using (alpaca)
        {
            try
            {
                SessionOptions options = Options(kis, alpaca, TimeSpan.FromSeconds(1));
                options = options with { Venues = [.. options.Venues.Select(v => v with { Gateway = v.Gateway with { MaxRetries = 1, BreakerMinimumThroughput = 2 } })] };
                using var session = new TradingSession(options, new VenueSessionTests.ListAuditWriter());
                await StartedWithDataAsync(session);
                var channel = new RecordingAlertChannel();
                await using var alerts = new AlertService(new AlertOptions(), [channel]);
                alerts.Start();
                using var interventions = new InterventionAlerts(alerts, session.Engine, () => session.LastEventTimeNs);
                foreach (SessionVenue venue in session.Venues)
                {
                    interventions.Attach(venue.Gateway, [], null); // the gateways' incidents (a feed's outage is another alert)
                }

                int kisId = session.Engine.Venues.IdOf("kis");
                await kis.DisposeAsync(); // KIS is gone: its reads fail and its circuit opens
                kisStopped = true;
                await UntilAsync(() => session.Engine.Risk.VenuePaused(kisId), session);
                await UntilAsync(() => channel.Sent.Any(a => a.Key == "broker_outage:kis"), session); // the alert service delivers on its own thread
                Assert.Contains("PAUSED", channel.Sent.First(a => a.Key == "broker_outage:kis").Message, StringComparison.Ordinal);

                long submitted = session.Engine.Counters.OrdersSubmitted;
                Buy(session, Krx, 3, 1);
                await UntilAsync(() => session.Engine.Counters.Rejects(RejectReason.SymbolPaused) > 0, session);
                Assert.Equal(submitted, session.Engine.Counters.OrdersSubmitted); // refused by risk: no order toward KIS
                Buy(session, Us, 5, 2);
                await UntilAsync(() => Position(session, Us) == 5, session);
                Assert.False(session.Engine.Risk.KillSwitchEngaged);
                Assert.Equal(0, interventions.Pauses);
                Assert.Equal(1, interventions.VenuePauses);

                // The gateway reports the circuit closed again (VenueIncidentTests proves it does): KIS's symbols trade again.
                interventions.OnIncidentCleared(new VenueIncident(VenueIncidentKind.BrokerOutage, "kis", "reachable again: circuit closed"));
                await UntilAsync(() => !session.Engine.Risk.VenuePaused(kisId), session);
                await UntilAsync(() => channel.Sent.Any(a => a.Key == "broker_outage_cleared:kis"), session);
                Assert.Equal(ShutdownResult.Drained, session.Stop());
            }
            finally
            {
                if (!kisStopped)
                {
                    await kis.DisposeAsync();
                }
            }
        }
    }
}
