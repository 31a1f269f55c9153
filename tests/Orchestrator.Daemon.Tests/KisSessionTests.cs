using System.Collections.Concurrent;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.ExchangeSimulator;
using Orchestrator.RingBuffer;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The daemon trading through the real KIS adapter against the local exchange simulator on
/// loopback: real-time ticks over its WebSocket, orders over its REST API, fills read back from
/// its records. At the end the venue's books and the engine's must agree, and no order may have
/// been booked twice — also when the venue loses its answers.
/// </summary>
public sealed class KisSessionTests
{
    private const string Account = "50000000";
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private static readonly string[] s_symbols = ["005930", "000660"];

    private sealed class ListAuditWriter : IAuditWriter
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Write(AuditLevel level, string message, in AuditRecord record) => Lines.Enqueue(level + " " + message);
    }

    private static SessionOptions Options(KisSimulator simulator, bool notices)
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

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(s_hang);
        while (!condition())
        {
            await Task.Delay(20, guard.Token); // polls a condition under a hang guard; asserts nothing about time
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Session_TradesThroughKis_AndTheVenueAndEngineAgree_WithNoOrderBookedTwice(bool answersLost, bool notices)
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        simulator.FrameInterval = TimeSpan.FromMilliseconds(5);
        if (answersLost)
        {
            // Every third order is booked, then the answer is a 500: the gateway must find it, not resend it.
            simulator.Fault = HttpFault.ServerError;
            simulator.FaultEvery = 3;
            simulator.FaultAfterAccept = true;
        }

        var audit = new ListAuditWriter();
        using var session = new TradingSession(Options(simulator, notices), audit);
        await session.StartAsync("test", CancellationToken.None);
        Assert.Equal(100_000_000m, FixedPoint.ToDecimal(session.Engine.Portfolio.StartingCashRaw)); // the account's cash, from the venue

        await WaitUntilAsync(() => session.Engine.Counters.Fills >= 6 || session.Fault is not null);
        Assert.Equal(ShutdownResult.Drained, session.Stop());

        TradingEngine engine = session.Engine;
        VenueBrokerGateway gateway = session.VenueGateway!;
        Assert.Null(session.Fault);
        Assert.Equal(0, engine.Counters.IllegalReports);
        Assert.Equal(0, engine.Orders.OpenCount);

        // No order booked twice: the venue holds exactly the engine's orders it did not refuse.
        long notRefused = engine.Counters.OrdersSubmitted - engine.Counters.OrdersFinished(OrderStatus.Rejected);
        Assert.Equal(notRefused, simulator.OrdersBooked(Account));
        if (answersLost)
        {
            Assert.True(gateway.FoundBeforeRetry > 0, "lost answers were found at the venue");
        }

        // The venue's books are the engine's books.
        (long cashKrw, IReadOnlyDictionary<string, long> positions) = simulator.AccountBook(Account);
        for (int s = 0; s < s_symbols.Length; s++)
        {
            Assert.Equal(positions.GetValueOrDefault(s_symbols[s]), engine.Portfolio.Quantity(s));
        }

        Assert.Equal(FixedPoint.FromDecimal(cashKrw), engine.Portfolio.CashRaw);
        Assert.Contains(audit.Lines, l => l.StartsWith("Info Order filled: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Session_WithWrongKeys_FailsToStart_AndNeverPrintsTheSecret()
    {
        await using KisSimulator simulator = await KisSimulator.StartAsync();
        SessionOptions options = Options(simulator, notices: false);
        options = options with { Venue = options.Venue! with { Kis = new KisCredentials("WRONG-KEY", "TOP-SECRET-VALUE", Account, "01", realAccount: false) } };
        using var session = new TradingSession(options, new ListAuditWriter());

        VenueAuthenticationException ex = await Assert.ThrowsAsync<VenueAuthenticationException>(() => session.StartAsync("test", CancellationToken.None));
        Assert.DoesNotContain("TOP-SECRET-VALUE", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, simulator.OrdersBooked(Account));
    }
}
