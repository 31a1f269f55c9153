using System.Collections.Concurrent;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The daemon trading through the real KIS and Alpaca adapters against the local exchange
/// simulator on loopback: real-time ticks over its WebSockets, orders over its REST API, fills
/// from its records or its order stream. At the end the venue's books and the engine's must
/// agree, and no order may have been booked twice — also when the venue loses its answers.
/// </summary>
public sealed class VenueSessionTests
{
    internal const string KisAccount = "50000000";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    internal sealed class ListAuditWriter : IAuditWriter
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record) => Lines.Enqueue(level + " " + System.Text.Encoding.UTF8.GetString(message));
    }

    private static SessionOptions Options(string[] symbols, VenueSettings venue)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = symbols,
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m }, // KRW: the USD-sized cap would round every order to zero
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero },
            },
            Venue = venue with
            {
                Gateway = new VenueGatewayOptions
                {
                    PollInterval = TimeSpan.FromMilliseconds(100),
                    Backoff = TimeSpan.FromMilliseconds(5),
                    RequestTimeout = TimeSpan.FromSeconds(5),
                    RequestsPerSecond = 200,
                },
            },
        };
    }

    internal static VenueSettings Kis(KisSimulator simulator, bool notices, string appSecret = KisSimulator.AppSecret) => new()
    {
        Adapter = "kis",
        Kis = new KisCredentials(KisSimulator.AppKey, appSecret, KisAccount, "01", realAccount: false),
        KisRestUrl = simulator.BaseAddress,
        KisWebSocketUrl = new Uri("ws://" + simulator.BaseAddress.Authority + "/"),
        KisHtsId = notices ? "SIMHTS" : null,
        KisLimits = new KisLimits { RequestsPerSecond = 1_000, TokenRequestsPerSecond = 1_000 }, // the simulator is not KIS: no need to wait
    };

    internal static VenueSettings Alpaca(AlpacaSimulator simulator, string secret = AlpacaSimulator.SecretKey) => new()
    {
        Adapter = "alpaca",
        Alpaca = new AlpacaCredentials(AlpacaSimulator.KeyId, secret),
        AlpacaTradingUrl = simulator.BaseAddress,
        AlpacaTradingStreamUrl = simulator.TradeStreamUri,
        AlpacaDataUrl = simulator.MarketDataUri,
    };

    /// <summary>Starts, trades until some fills are in, stops (cancel all, flush), and checks the engine's own consistency.</summary>
    private static async Task<TradingSession> TradeAsync(SessionOptions options, ListAuditWriter audit, decimal expectedStartingCash)
    {
        var session = new TradingSession(options, audit);
        await session.StartAsync("test", CancellationToken.None);
        Assert.Equal(expectedStartingCash, FixedPoint.ToDecimal(session.Engine.Portfolio.StartingCashRaw)); // the account's cash, from the venue

        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (session.Engine.Counters.Fills < 6 && session.Fault is null)
            {
                await Task.Delay(20, guard.Token); // polls a condition under a hang guard; asserts nothing about time
            }
        }

        Assert.Equal(ShutdownResult.Drained, session.Stop());
        Assert.Null(session.Fault);
        Assert.Equal(0, session.Engine.Counters.IllegalReports);
        Assert.Equal(0, session.Engine.Orders.OpenCount);
        Assert.Contains(audit.Lines, l => l.StartsWith("Info Order filled: ", StringComparison.Ordinal));
        return session;
    }

    /// <summary>
    /// A session against the KIS simulator in which only the test's own signals trade (the built-in rules,
    /// the engine's percentage exits, the notional cap and the duplicate window off), polling the venue
    /// fast; <paramref name="engine"/> sets the rest (symbols, currencies, venue).
    /// </summary>
    internal static SessionOptions KisSignalsOnly(KisSimulator kis, Func<Orchestrator.Engine.Options.EngineOptions, Orchestrator.Engine.Options.EngineOptions> engine)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            Engine = engine(defaults.Engine with
            {
                Rules = defaults.Engine.Rules with { MomentumEnabled = false, RsiReversionEnabled = false },
                Exits = defaults.Engine.Exits with { StopLossFraction = 0m, TakeProfitFraction = 0m, TrailingStopFraction = 0m },
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m },
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero },
            }),
            Venue = Kis(kis, notices: true) with
            {
                Gateway = new VenueGatewayOptions
                {
                    PollInterval = TimeSpan.FromMilliseconds(100),
                    Backoff = TimeSpan.FromMilliseconds(5),
                    RequestTimeout = TimeSpan.FromSeconds(5),
                    RequestsPerSecond = 200,
                },
            },
        };
    }

    /// <summary>A KIS simulator streaming fast; with <paramref name="answersLost"/>, every third order is booked and then answered with a 500.</summary>
    internal static async Task<KisSimulator> StartKisAsync(bool answersLost)
    {
        KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        simulator.OneSessionPerApprovalKey = true; // KIS's rules: market data and notices must share one session
        simulator.MaxRealtimeRegistrations = 41;
        if (answersLost)
        {
            simulator.LoseAnswersAfterBooking(every: 3); // the gateway must find such an order, not resend it
        }

        return simulator;
    }

    /// <summary>The venue's positions and cash are the engine's, symbol by symbol.</summary>
    private static void AssertBooksAgree(TradingEngine engine, string[] symbols, Func<string, long> venuePosition, decimal venueCash)
    {
        for (int s = 0; s < symbols.Length; s++)
        {
            Assert.Equal(venuePosition(symbols[s]), engine.Portfolio.Quantity(s));
        }

        Assert.Equal(FixedPoint.FromDecimal(venueCash), engine.Portfolio.CashRaw);
    }

    /// <summary>The Alpaca simulator's position (decimal since issue 19's fractions) of a whole-share symbol: a fraction fails the test.</summary>
    private static long WholeShares(decimal position)
    {
        Assert.Equal(decimal.Truncate(position), position);
        return (long)position;
    }

    /// <summary>Orders the venue holds = the engine's orders it did not refuse: none booked twice.</summary>
    internal static long OrdersNotRefused(TradingEngine engine) => engine.Counters.OrdersSubmitted - engine.Counters.OrdersFinished(OrderStatus.Rejected);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Kis_TradesThroughTheVenue_BooksAgree_AndNoOrderIsBookedTwice(bool answersLost, bool notices)
    {
        await using KisSimulator simulator = await StartKisAsync(answersLost);

        string[] symbols = ["005930", "000660"];
        using TradingSession session = await TradeAsync(Options(symbols, Kis(simulator, notices)), new ListAuditWriter(), 100_000_000m);
        TradingEngine engine = session.Engine;

        Assert.Equal(OrdersNotRefused(engine), simulator.OrdersBooked(KisAccount));
        Assert.True(!answersLost || session.VenueGateway!.FoundBeforeRetry > 0, "lost answers were found at the venue");
        Assert.Equal(0, simulator.RefusedSubscribes); // trades and notices on one session per approval key
        Assert.Single(session.Links);
        (long cashKrw, IReadOnlyDictionary<string, long> positions) = simulator.AccountBook(KisAccount);
        AssertBooksAgree(engine, symbols, s => positions.GetValueOrDefault(s), cashKrw);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Kis_TradesUsStocksThroughTheOverseasEndpoints_UsdBooksAgree_AndNoOrderIsBookedTwice(bool answersLost)
    {
        await using KisSimulator simulator = await StartKisAsync(answersLost);

        string[] symbols = ["AAPL", "MSFT"];
        VenueSettings venue = Kis(simulator, notices: false) with
        {
            KisOverseasExchanges = new Dictionary<string, string>(StringComparer.Ordinal) { ["MSFT"] = "NASD" },
        };
        using TradingSession session = await TradeAsync(Options(symbols, venue), new ListAuditWriter(), simulator.StartingCashUsd); // USD: only US symbols
        TradingEngine engine = session.Engine;

        Assert.Equal(OrdersNotRefused(engine), simulator.OverseasOrdersBooked(KisAccount));
        Assert.Equal(0, simulator.OrdersBooked(KisAccount)); // nothing went to the domestic endpoints
        Assert.True(!answersLost || session.VenueGateway!.FoundBeforeRetry > 0, "lost answers were found at the venue");
        (decimal cashUsd, IReadOnlyDictionary<string, long> positions) = simulator.OverseasBook(KisAccount);
        AssertBooksAgree(engine, symbols, s => positions.GetValueOrDefault(s), cashUsd);
        Assert.Equal(100_000_000L, simulator.AccountBook(KisAccount).CashKrw);
    }

    [Theory]
    [InlineData(AlpacaFault.None)]
    [InlineData(AlpacaFault.CreatedThenServerError)]
    public async Task Alpaca_TradesThroughTheVenue_BooksAgree_AndNoOrderIsBookedTwice(AlpacaFault fault)
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        simulator.Fault = fault;
        simulator.FaultEvery = 3;

        string[] symbols = ["AAPL", "MSFT"];
        decimal startingCash = simulator.Cash;
        using TradingSession session = await TradeAsync(Options(symbols, Alpaca(simulator)), new ListAuditWriter(), startingCash);
        TradingEngine engine = session.Engine;

        Assert.Equal(OrdersNotRefused(engine), simulator.OrderCount);
        Assert.True(fault == AlpacaFault.None || session.VenueGateway!.FoundBeforeRetry > 0, "lost answers were found at the venue");
        AssertBooksAgree(engine, symbols, symbol => WholeShares(simulator.PositionOf(symbol)), simulator.Cash);
    }

    /// <summary>
    /// Issue 15 item 2: client order ids restarted at 1000000000001 every run, so a second run against the
    /// same Alpaca account got "client_order_id must be unique" for each order and booked the first run's
    /// orders (and their fills) as its own.
    /// </summary>
    [Fact]
    public async Task Alpaca_TwoRunsAgainstOneAccount_TheSecondNeverBooksTheFirstsOrders()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        string[] symbols = ["AAPL", "MSFT"];

        using TradingSession first = await TradeAsync(Options(symbols, Alpaca(simulator)), new ListAuditWriter(), simulator.Cash);
        long firstOrders = OrdersNotRefused(first.Engine);
        Assert.Equal(firstOrders, simulator.OrderCount);

        var audit = new ListAuditWriter();
        using TradingSession second = await TradeAsync(Options(symbols, Alpaca(simulator)), audit, simulator.Cash);

        // Every order of the second run is a new order at the venue: none was taken for one of the first run's.
        Assert.Equal(firstOrders + OrdersNotRefused(second.Engine), simulator.OrderCount);
        Assert.True(second.Engine.Orders.IdBase > first.Engine.Orders.IdBase + first.Engine.Orders.Created, "the second run's ids start after every id of the first");
        Assert.Equal(0, second.Engine.Counters.OrdersFinished(OrderStatus.Rejected));
    }

    [Fact]
    public async Task Kis_WithWrongKeys_FailsToStart_AndNeverPrintsTheSecret()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        SessionOptions options = Options(["005930"], Kis(simulator, notices: false) with
        {
            Kis = new KisCredentials("WRONG-KEY", "TOP-SECRET-VALUE", KisAccount, "01", realAccount: false),
        });
        using var session = new TradingSession(options, new ListAuditWriter());

        VenueAuthenticationException ex = await Assert.ThrowsAsync<VenueAuthenticationException>(() => session.StartAsync("test", CancellationToken.None));
        Assert.DoesNotContain("TOP-SECRET-VALUE", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, simulator.OrdersBooked(KisAccount));
    }

    [Fact]
    public async Task Alpaca_WithWrongKeys_FailsToStart_AndNeverPrintsTheSecret()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        using var session = new TradingSession(Options(["AAPL"], Alpaca(simulator, secret: "TOP-SECRET-VALUE")), new ListAuditWriter());

        VenueAuthenticationException ex = await Assert.ThrowsAsync<VenueAuthenticationException>(() => session.StartAsync("test", CancellationToken.None));
        Assert.DoesNotContain("TOP-SECRET-VALUE", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, simulator.OrderCount);
    }
}
