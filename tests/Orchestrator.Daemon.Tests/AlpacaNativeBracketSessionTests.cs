using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 19, venue-held brackets end to end: the daemon, with Alpaca's default capabilities (native brackets,
/// <see cref="VenueCapabilityTable.Alpaca"/>), sends a bracket entry to the Alpaca simulator on
/// loopback; the legs Alpaca creates come back under their leg ids, and the order manager books them: the
/// take-profit's fill closes the engine's position, the stop-loss leg ends canceled, nothing is foreign.
/// </summary>
public sealed class AlpacaNativeBracketSessionTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private readonly string _journal = Directory.CreateTempSubdirectory("orc-native-").FullName;

    public void Dispose() => Directory.Delete(_journal, recursive: true);

    /// <summary>The daemon against <paramref name="simulator"/>, AAPL at Alpaca; with a journal when <paramref name="journal"/>, and then the orders stay at the venue at the stop, as after a crash.</summary>
    private SessionOptions Options(AlpacaSimulator simulator, bool journal = false)
    {
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        return defaults with
        {
            CancelOpenOrdersOnShutdown = !journal,
            Engine = defaults.Engine with
            {
                Symbols = ["AAPL"],
                JournalDirectory = journal ? _journal : defaults.Engine.JournalDirectory,
                Rules = new Engine.Options.RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false }, // only this test trades
                Instruments = new Dictionary<string, InstrumentInfo>
                {
                    ["AAPL"] = new() { Symbol = "AAPL", Exchange = "XNAS", Currency = "USD", Venue = "alpaca" }, // Alpaca's default capabilities: venue-held brackets
                },
            },
            Venue = new VenueSettings
            {
                Adapter = "alpaca",
                Alpaca = new AlpacaCredentials(AlpacaSimulator.KeyId, AlpacaSimulator.SecretKey),
                AlpacaTradingUrl = simulator.BaseAddress,
                AlpacaTradingStreamUrl = simulator.TradeStreamUri,
                AlpacaDataUrl = simulator.MarketDataUri,
                Gateway = new VenueGatewayOptions
                {
                    PollInterval = TimeSpan.FromMilliseconds(100), Backoff = TimeSpan.FromMilliseconds(5), RequestTimeout = TimeSpan.FromSeconds(5), RequestsPerSecond = 200,
                    UnknownGrace = TimeSpan.FromSeconds(1),
                },
            },
        };
    }

    /// <summary>A limit buy of 10 at 100 with a take-profit at 110 and a stop-loss at 95, once the simulator's stream has a price.</summary>
    private static async Task<long> BracketAsync(TradingSession session)
    {
        await Waits.UntilAsync(() => session.Engine.Market.LastRaw(0) > 0, "a first AAPL trade from the simulator's stream", s_hang);
        var intent = new SignalIntent
        {
            OrderType = OrderType.Limit,
            LimitRaw = FixedPoint.FromDecimal(100m),
            Tif = TimeInForce.Gtc,
            Quantity = 10,
            Exits = new ProtectiveExits { TakeProfitRaw = FixedPoint.FromDecimal(110m), StopLossRaw = FixedPoint.FromDecimal(95m) },
        };
        session.Engine.PublishSignal(0, Side.Buy, 900_000, in intent, signalId: 1, "bracket_test", null, session.LastEventTimeNs);
        long entry = 0;
        await Waits.UntilAsync(() => (entry = EntryId(session)) != 0 && LegsBooked(session, entry), "the entry and both legs accepted", s_hang);
        return entry;
    }

    [Fact]
    public async Task ABracketsLegs_AreBookedByTheEngine_AndTheTakeProfitsFillClosesThePosition()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        await simulator.SetPrice("AAPL", 101m);
        SessionOptions options = Options(simulator);
        using var session = new TradingSession(options);
        await session.StartAsync("native-bracket-test", CancellationToken.None);
        long entry = await BracketAsync(session);

        await simulator.SetPrice("AAPL", 99m);  // the entry fills
        await Waits.UntilAsync(() => session.Engine.Portfolio.Quantity(0) == 10, "the entry's fill", s_hang);
        await simulator.SetPrice("AAPL", 111m); // the take-profit leg fills; Alpaca cancels the stop-loss leg
        await Waits.UntilAsync(() => session.Engine.Portfolio.Quantity(0) == 0 && Status(session, Group(session, entry).StopOrderId) == OrderStatus.Canceled, "the take-profit's fill and the stop-loss leg's cancel", s_hang);

        Assert.Equal(ShutdownResult.Drained, session.Stop()); // the engine's tables are read after its thread stopped
        Assert.Null(session.Fault);
        OrderRecord group = Group(session, entry);
        Assert.Equal((OrderStatus.Filled, OrderStatus.Canceled), (Status(session, group.TakeProfitOrderId), Status(session, group.StopOrderId)));
        Assert.Equal((10L, 0L), (group.ExitedQuantity, session.Engine.Portfolio.Quantity(0)));
        Assert.Equal(0, simulator.PositionOf("AAPL"));
        Assert.Equal(0, session.Engine.Counters.IllegalReports);
        Assert.Equal(0, session.VenueGateway!.UnexplainedVenueOrders);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the order log lost: the legs' venue ids come only from the venue's nested listing
    public async Task AfterARestart_AnOpenNativeBracketsLegs_AreTakenOverByTheSameEngineOrders_NotPlacedAgain_AndALegsFillClosesThePosition(bool orderLogLost)
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        await simulator.SetPrice("AAPL", 101m);
        long entry, takeProfit, stopLoss;
        using (var first = new TradingSession(Options(simulator, journal: true)))
        {
            await first.StartAsync("native-bracket-test", CancellationToken.None);
            entry = await BracketAsync(first);
            await simulator.SetPrice("AAPL", 99m); // the entry fills; Alpaca's legs work from now on
            await Waits.UntilAsync(() => first.Engine.Portfolio.Quantity(0) == 10, "the entry's fill", s_hang);
            (takeProfit, stopLoss) = (Group(first, entry).TakeProfitOrderId, Group(first, entry).StopOrderId);
            Assert.Equal(ShutdownResult.Drained, first.Stop()); // the legs stay at the venue: the protection while the daemon is down
        }

        int placed = simulator.OrderRequests;
        Assert.Equal(1, placed); // one bracket: the venue made the legs
        if (orderLogLost)
        {
            File.Delete(Path.Combine(_journal, VenueOrderLog.FileName));
        }

        using var second = new TradingSession(Options(simulator, journal: true));
        await second.StartAsync("native-bracket-test", CancellationToken.None);
        await Waits.UntilAsync(() => second.VenueGateway!.OrdersInDoubt == 0, "the recovered legs settled against the venue", s_hang);

        Assert.True(second.Reconciler!.Last!.PositionsMatch, string.Join(", ", second.Reconciler.Last.Differences));
        OrderRecord group = Group(second, entry);
        Assert.Equal((takeProfit, stopLoss), (group.TakeProfitOrderId, group.StopOrderId)); // the same engine orders
        Assert.Equal((OrderStatus.Accepted, OrderStatus.Accepted), (Status(second, takeProfit), Status(second, stopLoss))); // still working: taken over, not taken as gone
        Assert.Equal(0, second.VenueGateway!.UnexplainedVenueOrders);

        await simulator.SetPrice("AAPL", 94m); // the stop-loss leg fills; Alpaca cancels the take-profit leg
        await Waits.UntilAsync(() => second.Engine.Portfolio.Quantity(0) == 0 && Status(second, takeProfit) == OrderStatus.Canceled, "the stop-loss leg's fill and the take-profit leg's cancel", s_hang);

        Assert.Equal(ShutdownResult.Drained, second.Stop());
        Assert.Null(second.Fault);
        Assert.Equal((OrderStatus.Filled, OrderStatus.Canceled), (Status(second, stopLoss), Status(second, takeProfit)));
        Assert.Equal((10L, 0L, 0L), (Group(second, entry).ExitedQuantity, second.Engine.Portfolio.Quantity(0), (long)simulator.PositionOf("AAPL")));
        Assert.Equal(placed, simulator.OrderRequests); // nothing placed again
        Assert.Equal(1, simulator.OrdersCreatedFor(entry.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0, second.Engine.Counters.IllegalReports);
        Assert.Equal(0, second.VenueGateway.UnexplainedVenueOrders);
        Assert.False(second.Engine.Risk.KillSwitchEngaged);
    }

    private static long EntryId(TradingSession session)
    {
        for (int slot = 0; slot < session.Engine.Orders.Capacity; slot++)
        {
            OrderRecord order = session.Engine.Orders[slot];
            if (order.ClientOrderId != 0 && order.GroupRole == OrderGroupRole.Entry)
            {
                return order.ClientOrderId;
            }
        }

        return 0;
    }

    private static OrderRecord Group(TradingSession session, long entry) =>
        session.Engine.Orders.TryFind(entry, out int slot) ? session.Engine.Orders[slot] : default;

    private static OrderStatus Status(TradingSession session, long clientOrderId) =>
        clientOrderId != 0 && session.Engine.Orders.TryFind(clientOrderId, out int slot) ? session.Engine.Orders[slot].Status : OrderStatus.Unknown;

    private static bool LegsBooked(TradingSession session, long entry)
    {
        OrderRecord group = Group(session, entry);
        return group.ExitsNative && Status(session, group.TakeProfitOrderId) == OrderStatus.Accepted && Status(session, group.StopOrderId) == OrderStatus.Accepted;
    }
}
