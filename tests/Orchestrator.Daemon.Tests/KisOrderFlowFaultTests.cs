using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Agents.Alerts;
using Orchestrator.Agents.Health;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Ring;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The daemon trading on the KIS simulator (real loopback HTTP and WebSocket) while the venue
/// misbehaves the way real ones do: HTML error pages instead of JSON, order requests stuck in
/// transit past the client's timeout, execution notices that arrive before the order's answer.
/// Whatever happens, every order the engine did not see refused is booked exactly once, the books
/// agree at the end, and the session stops cleanly.
/// </summary>
public sealed class KisOrderFlowFaultTests
{
    private const string Account = "50000000";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private static readonly string[] s_symbols = ["005930", "000660"];

    private static SessionOptions Options(KisSimulator simulator, bool notices, VenueGatewayOptions gateway)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = s_symbols,
                Sizing = defaults.Engine.Sizing with { MaxOrderNotional = 0m }, // KRW: the USD-sized cap would round every order to zero
                Risk = defaults.Engine.Risk with { DuplicateWindow = TimeSpan.Zero },
            },
            Venue = new VenueSettings
            {
                Adapter = "kis",
                Kis = new KisCredentials(KisSimulator.AppKey, KisSimulator.AppSecret, Account, "01", realAccount: false),
                KisRestUrl = simulator.BaseAddress,
                KisWebSocketUrl = new Uri("ws://" + simulator.BaseAddress.Authority + "/"),
                KisHtsId = notices ? "SIMHTS" : null,
                KisLimits = new KisLimits { RequestsPerSecond = 1_000, TokenRequestsPerSecond = 1_000 }, // the simulator is not KIS: no need to wait
                Gateway = gateway,
            },
        };
    }

    private static VenueGatewayOptions Gateway(TimeSpan requestTimeout, TimeSpan unknownGrace) => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(100),
        Backoff = TimeSpan.FromMilliseconds(5),
        RequestTimeout = requestTimeout,
        UnknownGrace = unknownGrace,
        RequestsPerSecond = 200,
    };

    private static Task WaitForAsync(Func<bool> condition, string what) => Waits.UntilAsync(condition, what, s_hang);

    /// <summary>Stops the session and checks what must hold after any fault: clean stop, nothing open, nothing booked twice, books equal.</summary>
    private static void StopAndAssertBooksAgree(TradingSession session, KisSimulator simulator)
    {
        Assert.Equal(ShutdownResult.Drained, session.Stop());
        Assert.Null(session.Fault);
        TradingEngine engine = session.Engine;
        Assert.Equal(0, engine.Counters.IllegalReports);
        Assert.Equal(0, engine.Orders.OpenCount);
        Assert.Equal(0, session.VenueGateway!.OrdersInDoubt);
        Assert.Equal(engine.Counters.OrdersSubmitted - engine.Counters.OrdersFinished(OrderStatus.Rejected), simulator.OrdersBooked(Account)); // none booked twice
        (long cashKrw, IReadOnlyDictionary<string, long> positions) = simulator.AccountBook(Account);
        for (int s = 0; s < s_symbols.Length; s++)
        {
            Assert.Equal(positions.GetValueOrDefault(s_symbols[s]), engine.Portfolio.Quantity(s));
        }

        Assert.Equal(FixedPoint.FromDecimal(cashKrw), engine.Portfolio.CashRaw);
    }

    [Fact]
    public async Task HtmlAnswers_FromTheTokenOrderAndListEndpoints_AreCountedFailures_FillsAreStillFound_AndTheSessionStopsCleanly()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        using var session = new TradingSession(Options(simulator, notices: true, Gateway(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2))));
        await session.StartAsync("test", CancellationToken.None);
        await WaitForAsync(() => session.Engine.Counters.OrdersSubmitted > 0 || session.Fault is not null, "a first order");

        // A load balancer's error page where JSON belongs, on every kind of call, while orders are in flight.
        simulator.AnswerHtml("/oauth2/tokenP", 3);
        simulator.AnswerHtml("/uapi/domestic-stock/v1/trading/order-cash", 2);
        simulator.AnswerHtml("/uapi/domestic-stock/v1/trading/inquire-daily-ccld", 3);
        simulator.ExpireTokens(); // the next call gets EGW00123: the token is refreshed, and the refresh answers HTML
        await WaitForAsync(() => simulator.HtmlAnswersSent == 8 || session.Fault is not null, "every HTML answer served");
        long fillsAfterFaults = session.Engine.Counters.Fills;
        await WaitForAsync(() => session.Engine.Counters.Fills >= fillsAfterFaults + 3 || session.Fault is not null, "fills after the faults");

        Assert.Equal(0, session.VenueGateway!.UnexpectedFailures); // every one was a classified, counted failure
        Assert.True(session.VenueGateway.PollFailures > 0, "the unreadable order lists were counted as failed reads");
        StopAndAssertBooksAgree(session, simulator);
    }

    [Fact]
    public async Task OrderRequestsStuckInTransit_PastTheClientTimeout_AreBookedExactlyOnce()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        simulator.OrderArrivalDelay = TimeSpan.FromMilliseconds(700); // every order reaches the book after the client gave up
        using var session = new TradingSession(Options(simulator, notices: false, Gateway(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(20))));
        await session.StartAsync("test", CancellationToken.None);

        await WaitForAsync(() => session.Engine.Counters.Fills >= 6 || session.Fault is not null, "fills of slow orders");

        Assert.True(session.VenueGateway!.UnknownOrders > 0, "orders went in doubt after their timeout");
        StopAndAssertBooksAgree(session, simulator);
    }

    [Fact]
    public async Task ExecutionNoticesBeforeTheOrdersAnswer_AreMatchedToTheOrder_NoCriticalAlert_HealthStaysHealthy_AndEveryFillIsBookedOnce()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        simulator.OrderAnswerDelay = (TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150)); // the notice (and the list) show the order first
        simulator.OrderFillDelay = TimeSpan.FromMilliseconds(300); // the list shows each order working (nothing filled) before its answer
        using var session = new TradingSession(Options(simulator, notices: true, Gateway(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5))));
        await session.StartAsync("test", CancellationToken.None);
        var channel = new RecordingAlertChannel();
        await using var alerts = new AlertService(new AlertOptions(), [channel]);
        alerts.Start();
        using var interventions = new InterventionAlerts(alerts, session.Engine, () => session.LastEventTimeNs);
        interventions.Attach(session.VenueGateway, session.Links, session.Reconciler);

        int mostUnexplained = 0;
        await WaitForAsync(() =>
        {
            mostUnexplained = Math.Max(mostUnexplained, session.VenueGateway!.UnexplainedVenueOrders);
            return session.Engine.Counters.Fills >= 8 || session.Fault is not null;
        }, "fills");

        Assert.True(simulator.OrdersBooked(Account) > 0);
        Assert.Equal(0, mostUnexplained);
        Assert.Equal(HealthState.Healthy, SessionHealth.Broker(session).State);
        Assert.Empty(channel.Sent);
        Assert.False(session.Engine.Risk.KillSwitchEngaged);
        StopAndAssertBooksAgree(session, simulator);
    }
}
