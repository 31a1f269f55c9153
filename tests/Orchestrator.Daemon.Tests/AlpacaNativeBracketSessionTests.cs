using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.Engine.State;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 19, venue-held brackets end to end: the daemon, with Alpaca's native groups claimed
/// (<see cref="VenueCapabilityTable.AlpacaWithNativeGroups"/>), sends a bracket entry to the Alpaca simulator on
/// loopback; the legs Alpaca creates come back under their leg ids, and the order manager books them: the
/// take-profit's fill closes the engine's position, the stop-loss leg ends canceled, nothing is foreign.
/// </summary>
public sealed class AlpacaNativeBracketSessionTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ABracketsLegs_AreBookedByTheEngine_AndTheTakeProfitsFillClosesThePosition()
    {
        await using AlpacaSimulator simulator = await AlpacaSimulator.StartAsync();
        await simulator.SetPrice("AAPL", 101m);
        SessionOptions defaults = DaemonCli.BuildOptions(seed: 7, ticksPerSecond: 0, WaitStrategyKind.Blocking);
        SessionOptions options = defaults with
        {
            Engine = defaults.Engine with
            {
                Symbols = ["AAPL"],
                Rules = new Engine.Options.RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false }, // only this test trades
                Instruments = new Dictionary<string, InstrumentInfo>
                {
                    ["AAPL"] = new() { Symbol = "AAPL", Exchange = "XNAS", Currency = "USD", Venue = "alpaca", Capabilities = VenueCapabilityTable.AlpacaWithNativeGroups },
                },
            },
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
        using var session = new TradingSession(options);
        await session.StartAsync("native-bracket-test", CancellationToken.None);
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
