using NLog;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// A restart with a journal: the engine's recovered book is settled against the broker's —
/// fills made while the daemon was down arrive as execution reports, open orders are taken over
/// (never resent), positions are compared, and what cannot be explained pauses trading. Against
/// the KIS simulator on loopback, and for the in-memory paper venue.
/// </summary>
public sealed class VenueRecoveryTests : IDisposable
{
    private const string KisAccount = "50000000";
    private const string Symbol = "005930";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private readonly string _journal = Directory.CreateTempSubdirectory("orc-recovery-").FullName;

    public void Dispose() => Directory.Delete(_journal, recursive: true);

    private SessionOptions Options(VenueSettings? venue)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 11, ticksPerSecond: 2_000, WaitStrategyKind.Blocking);
        return defaults with
        {
            CancelOpenOrdersOnShutdown = false, // the orders stay at the venue, as after a crash
            Engine = defaults.Engine with
            {
                Symbols = venue is null ? defaults.Engine.Symbols : [Symbol],
                JournalDirectory = _journal,
                Rules = new RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false }, // only this test's signals trade
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m },
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero, PriceCollarFraction = 0.5m }, // resting limits far from the market
            },
            Venue = venue,
        };
    }

    private static VenueGatewayOptions FastGateway => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        Backoff = TimeSpan.FromMilliseconds(5),
        RequestTimeout = TimeSpan.FromSeconds(5),
        RequestsPerSecond = 200,
        UnknownGrace = TimeSpan.FromSeconds(1),
    };

    private static VenueSettings Kis(KisSimulator simulator) => new()
    {
        Adapter = "kis",
        Kis = new KisCredentials(KisSimulator.AppKey, KisSimulator.AppSecret, KisAccount, "01", realAccount: false),
        KisRestUrl = simulator.BaseAddress,
        KisWebSocketUrl = new Uri("ws://" + simulator.BaseAddress.Authority + "/"),
        KisLimits = new KisLimits { RequestsPerSecond = 1_000, TokenRequestsPerSecond = 1_000 }, // the simulator is not KIS: no need to wait
        Gateway = FastGateway,
    };

    private static VenueSettings Alpaca(AlpacaSimulator simulator) => new()
    {
        Adapter = "alpaca",
        Alpaca = new Adapters.Alpaca.AlpacaCredentials(AlpacaSimulator.KeyId, AlpacaSimulator.SecretKey),
        AlpacaTradingUrl = simulator.BaseAddress,
        AlpacaTradingStreamUrl = simulator.TradeStreamUri,
        AlpacaDataUrl = simulator.MarketDataUri,
        Gateway = FastGateway,
    };

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(s_hang);
        while (!condition())
        {
            await Task.Delay(10, guard.Token); // polls a condition under a hang guard; asserts nothing about time
        }
    }

    /// <summary>A buy limit <paramref name="belowFraction"/> under the last price: it rests at the venue.</summary>
    private static async Task<long> RestingBuyAsync(TradingSession session, int symbolId, decimal belowFraction)
    {
        TradingEngine engine = session.Engine;
        await UntilAsync(() => engine.Market.LastRaw(symbolId) > 0);
        long limit = FixedPoint.FromDecimal(decimal.Floor(FixedPoint.ToDecimal(engine.Market.LastRaw(symbolId)) * (1 - belowFraction)));
        long before = engine.Counters.OrdersSubmitted;
        engine.PublishSignal(symbolId, Side.Buy, 900_000, limit, signalId: 1, "test", "rests", session.LastEventTimeNs);
        await UntilAsync(() => engine.Counters.OrdersSubmitted > before);
        await UntilAsync(() => engine.Orders.OpenCount == 1 && OpenStatus(engine) == OrderStatus.Accepted);
        return limit;
    }

    private static OrderStatus OpenStatus(TradingEngine engine)
    {
        IReadOnlyList<Engine.State.OrderRecord> open = Open(engine);
        return open.Count == 1 ? open[0].Status : OrderStatus.New;
    }

    private static IReadOnlyList<Engine.State.OrderRecord> Open(TradingEngine engine)
    {
        // Read on the test thread while the engine runs: the snapshot is the consistent picture.
        long before = engine.Snapshot.Version;
        engine.RequestSnapshot(0);
        SpinWait.SpinUntil(() => engine.Snapshot.Version > before, s_hang);
        var copy = new Engine.State.SnapshotCopy();
        engine.Snapshot.Read(copy);
        return [.. copy.Orders.Take(copy.OrderCount).Select(o => new Engine.State.OrderRecord { ClientOrderId = o.ClientOrderId, SymbolId = o.SymbolId, Side = o.Side, Status = o.Status, Quantity = o.Quantity, FilledQuantity = o.FilledQuantity })];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // without its venue id the order is in doubt and found among the day's orders
    public async Task Kis_FillsWhileDown_ArriveAtRestart_OpenOrderIsTakenOver_NotResent_AndBooksAgree(bool venueIdLost)
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);

        long limit;
        using (var first = new TradingSession(Options(Kis(simulator)), NullAuditWriter.Instance))
        {
            await first.StartAsync("test", CancellationToken.None);
            Assert.True(first.Reconciler!.Last!.PositionsMatch);
            limit = await RestingBuyAsync(first, 0, 0.05m);
            Assert.Equal(ShutdownResult.Drained, first.Stop());
        }

        Assert.Equal(1, simulator.OrdersBooked(KisAccount));
        Assert.Single(File.ReadAllLines(Path.Combine(_journal, VenueOrderLog.FileName)));
        if (venueIdLost)
        {
            File.Delete(Path.Combine(_journal, VenueOrderLog.FileName));
        }

        // While the daemon is down the price falls through the limit: the venue fills the order.
        simulator.SetPrice(Symbol, FixedPoint.ToDecimal(limit) is var l ? (long)l - 1_000 : 0);
        (long cashAfterFill, IReadOnlyDictionary<string, long> held) = simulator.AccountBook(KisAccount);
        Assert.True(held.GetValueOrDefault(Symbol) > 0, "the simulator filled the resting order");

        using var second = new TradingSession(Options(Kis(simulator)), NullAuditWriter.Instance);
        await second.StartAsync("test", CancellationToken.None);
        ReconciliationResult result = second.Reconciler!.Last!;
        TradingEngine engine = second.Engine;

        Assert.True(result.PositionsMatch, string.Join(", ", result.Differences));
        Assert.Single(File.ReadAllLines(Path.Combine(_journal, VenueOrderLog.FileName))); // found again, and kept
        Assert.True(result.RecoveredFills >= 1, "the fill made while down was applied");
        Assert.False(engine.Risk.KillSwitchEngaged);
        await UntilAsync(() => engine.Portfolio.Quantity(0) == held[Symbol]);
        await UntilAsync(() => engine.Portfolio.CashRaw == FixedPoint.FromDecimal(cashAfterFill));
        Assert.Equal(1, simulator.OrdersBooked(KisAccount)); // taken over, never resent
        Assert.Empty(Open(engine));
        Assert.Equal(0, engine.Counters.IllegalReports);
        second.Stop();
    }

    [Fact]
    public async Task Alpaca_FillsWhileDown_ArriveAtRestart_AndAReconnectOfTheOrderStreamReconcilesAgain()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        const string Us = "AAPL";
        SessionOptions options = Options(Alpaca(simulator));
        options = options with { Engine = options.Engine with { Symbols = [Us] } };

        long limit;
        long clientOrderId;
        using (var first = new TradingSession(options, NullAuditWriter.Instance))
        {
            await first.StartAsync("test", CancellationToken.None);
            limit = await RestingBuyAsync(first, 0, 0.05m);
            clientOrderId = Open(first.Engine)[0].ClientOrderId;
            Assert.Equal(ShutdownResult.Drained, first.Stop());
        }

        await simulator.SetPrice(Us, FixedPoint.ToDecimal(limit) - 1m); // filled while the daemon is down
        Assert.True(simulator.PositionOf(Us) > 0);

        using var second = new TradingSession(options, NullAuditWriter.Instance);
        await second.StartAsync("test", CancellationToken.None);
        Assert.True(second.Reconciler!.Last!.PositionsMatch, string.Join(", ", second.Reconciler.Last.Differences));
        Assert.True(second.Reconciler.Last.RecoveredFills >= 1);
        await UntilAsync(() => second.Engine.Portfolio.Quantity(0) == simulator.PositionOf(Us));
        Assert.Equal(1, simulator.OrdersCreatedFor(clientOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // The order stream drops and comes back: what it pushed meanwhile is read by a reconciliation.
        long runs = second.Reconciler.Runs;
        simulator.DropTradeStreams();
        await UntilAsync(() => second.Reconciler.Runs > runs && second.Reconciler.Last is { Reached: true });
        Assert.True(second.Reconciler.Last!.PositionsMatch);
        Assert.False(second.Engine.Risk.KillSwitchEngaged);
        await UntilAsync(() => second.Engine.Portfolio.CashRaw == FixedPoint.FromDecimal(simulator.Cash));
        second.Stop();
    }

    [Fact]
    public async Task Kis_PositionTheJournalCannotExplain_PausesTrading_WithTheKillSwitch()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        using (var first = new TradingSession(Options(Kis(simulator)), NullAuditWriter.Instance))
        {
            await first.StartAsync("test", CancellationToken.None);
            Assert.Equal(ShutdownResult.Drained, first.Stop());
        }

        // While the daemon is down, someone buys by hand through the same account.
        using (var http = new HttpClient { BaseAddress = simulator.BaseAddress })
        using (var rest = new KisRestClient(http, new KisCredentials(KisSimulator.AppKey, KisSimulator.AppSecret, KisAccount, "01", realAccount: false)))
        {
            KisOrderResult manual = await rest.PlaceCashOrderAsync(Symbol, Side.Buy, 7, 0, CancellationToken.None);
            Assert.True(manual.Accepted, manual.Message);
        }

        using var second = new TradingSession(Options(Kis(simulator)), NullAuditWriter.Instance);
        await second.StartAsync("test", CancellationToken.None);

        ReconciliationResult result = second.Reconciler!.Last!;
        Assert.False(result.PositionsMatch);
        PositionDifference difference = Assert.Single(result.Differences);
        Assert.Equal((Symbol, 0L, 7m), (difference.Symbol, difference.Engine, difference.Venue));
        await UntilAsync(() => second.Engine.Risk.KillSwitchEngaged);
        Assert.Equal(1, second.Reconciler.Pauses);

        // The daemon's alerts attach after start-up: the pause found then is still alerted, CRITICAL.
        var log = new NLog.Targets.MemoryTarget { Layout = "${level:uppercase=true}|${message}" };
        var logs = new LogFactory();
        logs.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(log));
        await using (var alerts = new Agents.Alerts.AlertService(new Agents.Alerts.AlertOptions(), [], logger: logs.GetLogger("alerts")))
        using (var interventions = new InterventionAlerts(alerts, second.Engine, () => second.LastEventTimeNs))
        {
            interventions.Attach(second.VenueGateway, [], second.Reconciler);
            Assert.Contains(log.Logs, l => l.StartsWith("FATAL|ALERT CRITICAL [position_difference] positions differ from the venue's: " + Symbol + " engine 0 venue 7", StringComparison.Ordinal));
            Assert.Equal(0, interventions.Pauses); // the reconciler paused already
        }

        second.Stop();
    }

    [Fact]
    public async Task Kis_APositionThatDriftsDuringTheRun_WithoutAnyOrder_IsFoundByThePeriodicCheck_AndPausesTrading()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        VenueSettings venue = Kis(simulator) with { Gateway = FastGateway with { PositionCheckInterval = TimeSpan.FromMilliseconds(200) } };
        using var session = new TradingSession(Options(venue), NullAuditWriter.Instance);
        await session.StartAsync("test", CancellationToken.None);
        long startUp = session.Reconciler!.Runs;
        await UntilAsync(() => session.Reconciler.Runs >= startUp + 2); // periodic checks run, and find the books equal
        Assert.False(session.Engine.Risk.KillSwitchEngaged);
        Assert.Equal(0, session.Reconciler.Pauses);

        simulator.TransferShares(KisAccount, Symbol, 7); // shares arrive outside any order: no fill, no notice
        await UntilAsync(() => session.Engine.Risk.KillSwitchEngaged);
        Assert.Equal(1, session.Reconciler.Pauses);
        PositionDifference difference = Assert.Single(session.Reconciler.Last!.Differences);
        Assert.Equal((Symbol, 0L, 7m), (difference.Symbol, difference.Engine, difference.Venue));
        session.Stop();
    }

    [Fact]
    public async Task Kis_PositionsHeldBeforeTheJournalStarted_AreNotTakenForADifference()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        using (var http = new HttpClient { BaseAddress = simulator.BaseAddress })
        using (var rest = new KisRestClient(http, new KisCredentials(KisSimulator.AppKey, KisSimulator.AppSecret, KisAccount, "01", realAccount: false)))
        {
            Assert.True((await rest.PlaceCashOrderAsync(Symbol, Side.Buy, 5, 0, CancellationToken.None)).Accepted);
        }

        for (int run = 0; run < 2; run++)
        {
            using var session = new TradingSession(Options(Kis(simulator)), NullAuditWriter.Instance);
            await session.StartAsync("test", CancellationToken.None);
            Assert.True(session.Reconciler!.Last!.PositionsMatch, "run " + run + ": " + string.Join(", ", session.Reconciler.Last.Differences));
            Assert.False(session.Engine.Risk.KillSwitchEngaged);
            session.Stop();
        }

        Assert.Contains("\"005930\": 5", File.ReadAllText(Path.Combine(_journal, VenueBaseline.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_Restart_RestoresTheVenuesAccount_AndRestsTheOpenOrderAgain()
    {
        long cash;
        long clientOrderId;
        using (var first = new TradingSession(Options(venue: null), NullAuditWriter.Instance))
        {
            first.Start("test");
            await RestingBuyAsync(first, 0, 0.20m);
            clientOrderId = Open(first.Engine)[0].ClientOrderId;
            Assert.Equal(ShutdownResult.Drained, first.Stop());
            cash = first.Engine.Portfolio.CashRaw;
        }

        using var second = new TradingSession(Options(venue: null), NullAuditWriter.Instance);
        second.Start("test");
        Assert.True(second.Venue.Exchange.TryGetOpenOrder(clientOrderId, out _), "the recovered order rests at the paper venue again");
        Assert.Equal(cash, second.Venue.Exchange.CashRaw);
        Assert.Equal(cash, second.Engine.Portfolio.CashRaw);
        second.Stop();
    }

    [Fact]
    public async Task Restart_AppliesTheConfigurationsRiskLimits_OverTheJournalsLastLiveChange()
    {
        using (var first = new TradingSession(Options(venue: null), NullAuditWriter.Instance))
        {
            first.Start("test");
            RiskParameters strict = first.CurrentRiskParameters with { Risk = first.CurrentRiskParameters.Risk with { MinConfidence = 0.95m } };
            long version = first.ApplyRiskParameters(strict);
            await UntilAsync(() => first.Engine.Risk.AppliedParametersVersion >= version);
            first.Stop();
        }

        using var second = new TradingSession(Options(venue: null), NullAuditWriter.Instance);
        second.Start("test");
        Assert.Equal(0.6m, second.CurrentRiskParameters.Risk.MinConfidence); // the file's

        // A 0.9-confidence signal passes the file's 0.6, not the journal's 0.95.
        await RestingBuyAsync(second, 0, 0.20m);
        Assert.Equal(0, second.Engine.Counters.Rejects(RejectReason.LowConfidence));
        second.Stop();
    }
}
