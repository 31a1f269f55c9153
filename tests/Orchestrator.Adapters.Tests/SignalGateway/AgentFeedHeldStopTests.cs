using System.Buffers;
using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Issue 19: an agent sees a stop the engine holds for a venue without stop orders (KIS) as an open order with
/// status <c>held</c>; its cancel while held (done by the engine, no venue report) reaches the agent as canceled,
/// its amend as the held order's new figures, and once sent, the venue's Accepted makes it accepted. One the engine
/// ends by itself — expired at its close, canceled by cancel-all, the kill switch or flatten — reaches the agent as
/// expired or canceled too (<see cref="EngineEndedOrders"/>; before, the agent saw it held for ever).
/// </summary>
public sealed class AgentFeedHeldStopTests
{
    private const long T0 = GatewayRig.T0;

    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    private static long Raw(decimal value) => FixedPoint.FromDecimal(value);

    private static (AgentFeed Feed, AgentSession Session, AgentFeedShared Shared, GatewayAgent Agent) NewFeed(VenueCapabilities capabilities) =>
        AgentFeedFormatTests.NewFeed([capabilities, capabilities]);

    /// <summary>The agent's buy stop <paramref name="id"/> at 173 for AAPL (or a trailing stop with a trail of 1.5), as the order manager's outcome; returns the order lines it made.</summary>
    private static List<string> Created(AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent, long id, bool trailing = false)
    {
        var e = new EngineEvent
        {
            Kind = EventKind.TradeSignal, SymbolId = 0, ClientOrderId = id, SourceId = agent.SourceId, IntentSide = Side.Buy, IntentOrderType = trailing ? OrderType.TrailingStop : OrderType.Stop,
            IntentStopRaw = trailing ? 0 : Raw(173m), IntentTif = TimeInForce.Day, Quantity = 3, TsEventNs = T0,
            Exits = trailing ? new ProtectiveExits { TrailRaw = Raw(1.5m) } : default,
        };
        feed.OnEvent(ref e, endOfBatch: true);
        shared.Beat(T0);
        return OrderLines(session);
    }

    private static List<string> OrderLines(AgentSession session)
    {
        var output = new ArrayBufferWriter<byte>(1 << 16);
        var lines = new List<string>();
        bool more = true;
        while (more)
        {
            output.ResetWrittenCount();
            session.WriteFeed(output, out more);
            lines.AddRange(Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("{\"type\":\"order\"", StringComparison.Ordinal)));
        }

        return lines;
    }

    [Fact]
    public void WithoutVenueStops_AStopIsHeld_ItsAmendStaysHeld_ItsCancelIsCanceled()
    {
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = NewFeed(VenueCapabilities.Amend);
        Assert.Contains("\"status\":\"held\"", Assert.Single(Created(feed, session, shared, agent, 41)), StringComparison.Ordinal);

        // The source's amend and cancel, done by the engine at once: their acks carry the outcome.
        var e = new EngineEvent { Kind = EventKind.TradeSignal, Action = SignalAction.Amend, SymbolId = 0, ClientOrderId = 41, TargetOrderId = 41, SourceId = agent.SourceId, ReportOrderId = 41, ExecType = ExecutionType.Replaced, ReportQuantity = 5, ReportStopRaw = Raw(174m), TsEventNs = T0 + 1 };
        feed.OnEvent(ref e, endOfBatch: true);
        string amended = Assert.Single(OrderLines(session));
        Assert.Contains("\"quantity\":5,", amended, StringComparison.Ordinal);
        Assert.Contains("\"stop_price\":174,\"status\":\"held\"", amended, StringComparison.Ordinal);

        e = new EngineEvent { Kind = EventKind.TradeSignal, Action = SignalAction.Cancel, SymbolId = 0, ClientOrderId = 41, TargetOrderId = 41, SourceId = agent.SourceId, ReportOrderId = 41, ExecType = ExecutionType.Canceled, TsEventNs = T0 + 2 };
        feed.OnEvent(ref e, endOfBatch: true);
        Assert.Contains("\"status\":\"canceled\"", Assert.Single(OrderLines(session)), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutVenueStops_AHeldStopThatWasSent_IsAcceptedOnTheVenuesReport_AndWithVenueStopsItIsPendingNew()
    {
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = NewFeed(VenueCapabilities.Amend);
        Created(feed, session, shared, agent, 42);
        var e = new EngineEvent { Kind = EventKind.ExecutionReport, SymbolId = 0, ReportOrderId = 42, SourceId = agent.SourceId, ExecType = ExecutionType.Accepted, TsEventNs = T0 + 1 };
        feed.OnEvent(ref e, endOfBatch: true);
        Assert.Contains("\"status\":\"accepted\"", Assert.Single(OrderLines(session)), StringComparison.Ordinal);

        (feed, session, shared, agent) = NewFeed(VenueCapabilities.StopOrders);
        Assert.Contains("\"status\":\"pending_new\"", Assert.Single(Created(feed, session, shared, agent, 43)), StringComparison.Ordinal);
    }

    [Fact]
    public void ATrailingStop_IsHeld_WithoutVenueTrailingStops_AndPendingNewWhereTheVenueHasThem()
    {
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = NewFeed(VenueCapabilities.Amend | VenueCapabilities.StopOrders);
        string held = Assert.Single(Created(feed, session, shared, agent, 44, trailing: true));
        Assert.Contains("\"order_type\":\"trailing_stop\"", held, StringComparison.Ordinal);
        Assert.Contains("\"trail_price\":1.5,\"status\":\"held\"", held, StringComparison.Ordinal);

        (feed, session, shared, agent) = NewFeed(VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop);
        Assert.Contains("\"status\":\"pending_new\"", Assert.Single(Created(feed, session, shared, agent, 45, trailing: true)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeldDayStop_ThatExpiresAtTheClose_ReachesTheAgentAsExpired()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = NoStopsRig();
        await using GatewayTestClient client = await HeldStopAsync(rig, guard.Token);

        rig.PublishTick(0, 101m, T0 + (86_400 * 1_000_000_000L)); // the first trade after its (UTC) day: the engine expires it
        JsonElement ended = await NextOrderLineAsync(client, guard.Token);
        Assert.Equal(("held-1", "expired"), (ended.Str("signal_id"), ended.Str("status")));
        Assert.Equal(0, rig.Engine.OrderManager.HeldOrders);
    }

    [Theory]
    [InlineData(CommandKind.CancelAllOrders)]
    [InlineData(CommandKind.EngageKillSwitch)]
    [InlineData(CommandKind.FlattenAll)]
    public async Task AHeldStop_CanceledByTheEngine_ReachesTheAgentAsCanceled(CommandKind command)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = NoStopsRig();
        await using GatewayTestClient client = await HeldStopAsync(rig, guard.Token);

        rig.Engine.PublishCommand(command, 0, T0 + 1);
        JsonElement ended = await NextOrderLineAsync(client, guard.Token);
        Assert.Equal(("held-1", "canceled"), (ended.Str("signal_id"), ended.Str("status")));
        Assert.Equal(0, rig.Engine.OrderManager.HeldOrders);
    }

    [Fact]
    public void AnEngineEndedHeldOrder_IsWrittenWhenTheFeedReachesItsEvent_AfterThatEventsOwnLines_AndOnlyOnce()
    {
        var ended = new EngineEndedOrders(4);
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = AgentFeedFormatTests.NewFeed([VenueCapabilities.Amend, VenueCapabilities.Amend], ended);
        Created(feed, session, shared, agent, 46);
        Assert.True(ended.TryAdd(new EngineEndedOrder(8, 46, OrderStatus.Expired, T0 + 5)));
        Assert.True(ended.TryAdd(new EngineEndedOrder(8, 999, OrderStatus.Expired, T0 + 5))); // not the agent's: skipped

        var trade = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = Raw(101m), Size = 1, TsEventNs = T0 + 4 };
        feed.OnEvent(ref trade, 7, endOfBatch: true);
        Assert.Empty(OrderLines(session)); // the engine ended it on a later event than this one

        trade.TsEventNs = T0 + 5;
        feed.OnEvent(ref trade, 8, endOfBatch: true);
        Assert.Contains("\"status\":\"expired\"", Assert.Single(OrderLines(session)), StringComparison.Ordinal);

        // Its source's cancel ends it by the ack (OnSignalAction) and in the ring: one canceled line.
        Created(feed, session, shared, agent, 47);
        Assert.True(ended.TryAdd(new EngineEndedOrder(9, 47, OrderStatus.Canceled, T0 + 6)));
        var cancel = new EngineEvent { Kind = EventKind.TradeSignal, Action = SignalAction.Cancel, SymbolId = 0, ClientOrderId = 47, TargetOrderId = 47, SourceId = agent.SourceId, ReportOrderId = 47, ExecType = ExecutionType.Canceled, TsEventNs = T0 + 6 };
        feed.OnEvent(ref cancel, 9, endOfBatch: true);
        Assert.Contains("\"status\":\"canceled\"", Assert.Single(OrderLines(session)), StringComparison.Ordinal);
    }

    /// <summary>The outcome thread's side of it allocates nothing: rounds of a held stop created, ended by the engine, written out.</summary>
    [Fact]
    public void HeldOrdersTheEngineEnds_SteadyState_AllocateNothing()
    {
        var ended = new EngineEndedOrders(16);
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = AgentFeedFormatTests.NewFeed([VenueCapabilities.Amend, VenueCapabilities.Amend], ended);
        var output = new ArrayBufferWriter<byte>(1 << 16);
        long expired = 0;
        void Round(int i)
        {
            long id = 100 + i, sequence = 2L * i;
            var e = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, ClientOrderId = id, SourceId = agent.SourceId, IntentSide = Side.Buy, IntentOrderType = OrderType.Stop, IntentStopRaw = Raw(173m), IntentTif = TimeInForce.Day, Quantity = 3, TsEventNs = T0 + i };
            feed.OnEvent(ref e, sequence, endOfBatch: true);
            ended.TryAdd(new EngineEndedOrder(sequence + 1, id, OrderStatus.Expired, T0 + i));
            e = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 1, PriceRaw = Raw(50m), Size = 1, TsEventNs = T0 + i };
            feed.OnEvent(ref e, sequence + 1, endOfBatch: true);
            bool more = true;
            while (more)
            {
                output.ResetWrittenCount();
                expired += session.WriteFeed(output, out more) > 0 && output.WrittenSpan.IndexOf("\"status\":\"expired\""u8) >= 0 ? 1 : 0;
            }
        }

        for (int i = 0; i < 200; i++)
        {
            Round(i);
        }

        long[] allocated = AllocationWindows.Measure(4, 1_000, 200, Round);

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(4_200, expired);
        Assert.Equal(0, ended.Dropped);
    }

    /// <summary>The gateway rig with AAPL at a venue without stop orders (KIS's capabilities): the engine holds a signal's stop.</summary>
    private static GatewayRig NoStopsRig() => new(instruments: new Dictionary<string, InstrumentInfo>
    {
        ["AAPL"] = new() { Symbol = "AAPL", Exchange = "XNYS", Currency = "USD", Venue = "test-venue", Capabilities = VenueCapabilities.Amend },
    });

    /// <summary>An agent ("holder") whose buy stop at 105, day, the engine holds; returns its connection after the held line.</summary>
    private static async Task<GatewayTestClient> HeldStopAsync(GatewayRig rig, CancellationToken cancellationToken)
    {
        GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, cancellationToken);
        Assert.Equal("welcome", (await client.HelloAsync("{\"type\":\"hello\",\"name\":\"holder\",\"ticks\":false}", cancellationToken)).Type());
        await client.SendAsync("{\"id\":\"held-1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"order_type\":\"stop\",\"stop_price\":105,\"tif\":\"day\",\"quantity\":3}\n", cancellationToken);
        JsonElement held = await NextOrderLineAsync(client, cancellationToken);
        Assert.Equal(("held-1", "held"), (held.Str("signal_id"), held.Str("status")));
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, rig.Engine.OrderManager.HeldOrders);
        return client;
    }

    private static async Task<JsonElement> NextOrderLineAsync(GatewayTestClient client, CancellationToken cancellationToken) =>
        (await client.ReadUntilTypeAsync("order", cancellationToken))[^1];
}
