using System.Buffers;
using System.Text;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The agent writer's line formatting: exact bytes, and nothing allocated in steady state.</summary>
public sealed class AgentFeedFormatTests
{
    private static readonly byte[] s_symbol = "AAPL"u8.ToArray();
    private static readonly byte[] s_signalId = "sig-1"u8.ToArray();
    private static readonly ProtectiveExits s_exits = new() { TakeProfitRaw = 190_000_000, StopLossPpm = 25_000, TrailPpm = 10_000 };

    [Fact]
    public void EveryLineKind_SteadyState_AllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(1 << 20);
        var account = new AccountState(FixedPoint.FromDecimal(99_512.25m), FixedPoint.FromDecimal(100_018.5m), FixedPoint.FromDecimal(99_512.25m), GatewayRig.T0);
        for (int i = 0; i < 1_000; i++)
        {
            output.ResetWrittenCount();
            WriteEveryKind(output, account, i); // warm-up: static tables, tiered compilation
        }

        long[] allocated = AllocationWindows.Measure(4, 1_000, 1_000, i =>
        {
            output.ResetWrittenCount();
            WriteEveryKind(output, account, i);
        });

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(12, Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // every kind was written
    }

    /// <summary>
    /// The whole path of an agent's lines: the feed on the engine's outcome thread (trades into ticks
    /// and 1m/5m bars, an agent order's creation, acceptance and fill into its log) and the
    /// connection's writer pass (heartbeat, reliable events, market data), both driven on the test thread.
    /// </summary>
    [Fact]
    public void FeedAndWriterPass_SteadyState_AllocateNothing()
    {
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = NewFeed();
        var output = new ArrayBufferWriter<byte>(1 << 20);
        long lines = Round(feed, session, shared, agent, output, 0); // warm-up
        Assert.Equal(8, lines); // no bar closed yet

        const int WarmUp = 200, Windows = 4, RoundsPerWindow = 1_000, Rounds = Windows * RoundsPerWindow;
        for (int i = 1; i <= WarmUp; i++)
        {
            lines += Round(feed, session, shared, agent, output, i);
        }

        long[] allocated = AllocationWindows.Measure(Windows, RoundsPerWindow, WarmUp + 1, i => lines += Round(feed, session, shared, agent, output, i));

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        // Per round: a heartbeat, 2 ticks, the previous minute's 1m bar, 3 order updates, a fill, a position; a 5m bar every fifth round.
        Assert.Equal(8 + (9L * (WarmUp + Rounds)) + ((WarmUp + Rounds) / 5), lines);
        Assert.Equal(0, agent.Counters.MarketDataDropped);
        Assert.False(session.KickRequested);
    }

    [Fact]
    public void AGroupEntrysOrderLines_ShowItsExits_FromTheSignal()
    {
        (AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent) = NewFeed();
        var exits = new ProtectiveExits { TakeProfitRaw = Raw(110m), StopLossPpm = 25_000 };
        var e = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, ClientOrderId = 7, SourceId = agent.SourceId, IntentSide = Side.Buy, IntentOrderType = OrderType.Limit, IntentLimitRaw = Raw(100.5m), IntentTif = TimeInForce.Gtc, Quantity = 3, Exits = exits, TsEventNs = GatewayRig.T0 };
        feed.OnEvent(ref e, endOfBatch: false);
        e = new EngineEvent { Kind = EventKind.ExecutionReport, SymbolId = 0, ReportOrderId = 7, SourceId = agent.SourceId, ExecType = ExecutionType.Accepted, TsEventNs = GatewayRig.T0 };
        feed.OnEvent(ref e, endOfBatch: true);
        shared.Beat(GatewayRig.T0);

        var output = new ArrayBufferWriter<byte>(1 << 16);
        bool more = true;
        while (more)
        {
            session.WriteFeed(output, out more);
        }

        string[] orders = [.. Encoding.UTF8.GetString(output.WrittenSpan).Split('\n').Where(l => l.StartsWith("{\"type\":\"order\"", StringComparison.Ordinal))];
        Assert.Equal(2, orders.Length); // pending_new, then accepted: both carry the group's exits
        Assert.All(orders, l => Assert.Contains(",\"limit_price\":100.5,\"group_role\":\"entry\",\"take_profit\":110,\"stop_loss_pct\":2.5,\"status\":", l, StringComparison.Ordinal));
    }

    /// <summary>A feed with one connected agent ("writer", AAPL, 1m and 5m bars), its session and shared state; <paramref name="capabilities"/> per symbol (AAPL, MSFT); <paramref name="ended"/> the engine's ended orders it follows (null = none).</summary>
    internal static (AgentFeed Feed, AgentSession Session, AgentFeedShared Shared, GatewayAgent Agent) NewFeed(VenueCapabilities[]? capabilities = null, EngineEndedOrders? ended = null)
    {
        var symbols = new SymbolTable(["AAPL", "MSFT"]);
        var slots = new[] { new GatewaySlot(0, 1024) };
        var sources = new TextInterner();
        var directory = new AgentDirectory(sources, slots.Length, 1 << 12, TimeProvider.System, new SourceClaims(sources, []));
        var ring = new MarketDataRing(1 << 12);
        var shared = new AgentFeedShared(symbols.Names);
        var feed = new AgentFeed(ring, directory, slots, symbols.Count, capabilities: capabilities, ended: ended);
        GatewayAgent agent = directory.GetOrAdd("writer")!;
        AgentHello hello = AgentHello.Parse("{\"type\":\"hello\",\"name\":\"writer\",\"symbols\":[\"AAPL\"],\"bars\":[\"1m\",\"5m\"]}"u8, symbols, out string? error)!;
        Assert.Null(error);
        var session = new AgentSession(agent, hello, 0, ring, shared, 2048) { Work = slots[0].Work };
        agent.Attach(session);
        directory.Sessions[0] = session;
        return (feed, session, shared, agent);
    }

    /// <summary>One minute of event time (<paramref name="i"/>): two trades, an agent order filled, then the writer's passes; returns the lines written.</summary>
    private static long Round(AgentFeed feed, AgentSession session, AgentFeedShared shared, GatewayAgent agent, ArrayBufferWriter<byte> output, int i)
    {
        long t = GatewayRig.T0 - (GatewayRig.T0 % 300_000_000_000L) + (i * 60_000_000_000L);
        long orderId = 1 + i;
        var e = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = Raw(100m) + i, Size = 10, TsEventNs = t };
        feed.OnEvent(ref e, endOfBatch: false);
        e = new EngineEvent { Kind = EventKind.TradeSignal, SymbolId = 0, ClientOrderId = orderId, SourceId = agent.SourceId, IntentSide = Side.Buy, IntentOrderType = OrderType.Limit, IntentLimitRaw = Raw(100.5m), IntentTif = TimeInForce.Day, Quantity = 3, Exits = s_exits, TsEventNs = t };
        feed.OnEvent(ref e, endOfBatch: false);
        e = new EngineEvent { Kind = EventKind.ExecutionReport, SymbolId = 0, ReportOrderId = orderId, SourceId = agent.SourceId, ExecType = ExecutionType.Accepted, TsEventNs = t };
        feed.OnEvent(ref e, endOfBatch: false);
        e = new EngineEvent { Kind = EventKind.ExecutionReport, SymbolId = 0, ReportOrderId = orderId, SourceId = agent.SourceId, ExecType = ExecutionType.Fill, FillQuantity = 3, FillPriceRaw = Raw(100.25m), CommissionRaw = Raw(0.01m), TsEventNs = t };
        feed.OnEvent(ref e, endOfBatch: false);
        e = new EngineEvent { Kind = EventKind.TradeTick, SymbolId = 0, PriceRaw = Raw(100.75m), Size = 5, TsEventNs = t + 30_000_000_000L };
        feed.OnEvent(ref e, endOfBatch: true);
        shared.Beat(t);

        long lines = 0;
        bool more = true;
        while (more)
        {
            output.ResetWrittenCount();
            lines += session.WriteFeed(output, out more);
        }

        return lines;
    }

    [Fact]
    public void EveryLineKind_IsWrittenExactly()
    {
        var output = new ArrayBufferWriter<byte>(1 << 16);
        var account = new AccountState(FixedPoint.FromDecimal(99_512.25m), FixedPoint.FromDecimal(100_018.5m), FixedPoint.FromDecimal(99_512.25m), GatewayRig.T0);

        WriteEveryKind(output, account, 0);

        string[] lines = Encoding.UTF8.GetString(output.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "{\"type\":\"tick\",\"symbol\":\"AAPL\",\"ts\":1736000000000000000,\"price\":175.5,\"size\":100,\"bid\":175.49,\"ask\":175.51}",
                "{\"type\":\"bar\",\"symbol\":\"AAPL\",\"timeframe\":\"5m\",\"start\":1736000000000000000,\"open\":175,\"high\":176.25,\"low\":-0.000001,\"close\":175.5,\"volume\":1200}",
                "{\"type\":\"order\",\"order_id\":\"17\",\"signal_id\":\"sig-1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"order_type\":\"stop_limit\",\"tif\":\"ioc\",\"quantity\":10,\"filled\":0,\"limit_price\":175.5,\"stop_price\":175.25,\"status\":\"accepted\",\"ts\":1736000000000000000}",
                "{\"type\":\"order\",\"order_id\":\"18\",\"signal_id\":null,\"symbol\":\"AAPL\",\"side\":\"SELL\",\"order_type\":\"market\",\"tif\":\"day\",\"quantity\":5,\"filled\":0,\"status\":\"rejected\",\"reason\":\"MaxOpenOrders\",\"ts\":1736000000000000000,\"replay\":true}",
                "{\"type\":\"order\",\"order_id\":\"19\",\"signal_id\":null,\"symbol\":\"AAPL\",\"side\":\"BUY\",\"order_type\":\"limit\",\"tif\":\"opg\",\"quantity\":4,\"filled\":0,\"limit_price\":175.5,\"group_role\":\"entry\",\"take_profit\":190,\"stop_loss_pct\":2.5,\"trail_percent\":1,\"status\":\"accepted\",\"ts\":1736000000000000000}",
                "{\"type\":\"order\",\"order_id\":\"20\",\"signal_id\":null,\"symbol\":\"AAPL\",\"side\":\"SELL\",\"order_type\":\"trailing_stop\",\"tif\":\"cls\",\"quantity\":4,\"filled\":0,\"trail_price\":1.5,\"status\":\"accepted\",\"ts\":1736000000000000000}",
                "{\"type\":\"fill\",\"fill_seq\":3,\"order_id\":\"17\",\"signal_id\":\"sig-1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":10,\"price\":175.5,\"commission\":0.5,\"leaves\":0,\"ts\":1736000000000000000}",
                "{\"type\":\"position\",\"symbol\":\"AAPL\",\"quantity\":-10,\"avg_price\":175.5,\"realized_pnl\":-12.345678,\"unrealized_pnl\":1.2,\"ts\":1736000000000000000}",
                "{\"type\":\"account\",\"cash\":99512.25,\"equity\":100018.5,\"buying_power\":99512.25,\"ts\":1736000000000000000}",
                "{\"type\":\"heartbeat\",\"ts\":1736000000000000000}",
                "{\"type\":\"dropped\",\"market_data\":123}",
                "{\"type\":\"bar\",\"symbol\":\"AAPL\",\"timeframe\":\"1m\",\"start\":1736000000000000000,\"open\":9223372036854.775807,\"high\":9223372036854.775807,\"low\":-9223372036854.775808,\"close\":0,\"volume\":0}",
            ],
            lines);
    }

    /// <summary>One line of every kind (twelve lines: orders plain, rejected and as group entries): varying <paramref name="i"/> changes numbers, not the shape.</summary>
    private static void WriteEveryKind(ArrayBufferWriter<byte> output, AccountState account, int i)
    {
        var tick = new MarketRecord { Kind = MarketRecordKind.Tick, TsNs = GatewayRig.T0, PriceRaw = Raw(175.5m), Size = 100 + i, BidRaw = Raw(175.49m), AskRaw = Raw(175.51m) };
        AgentFeedFormat.WriteTick(output, tick, s_symbol);
        var bar = new MarketRecord { Kind = MarketRecordKind.Bar, Timeframe = 1, TsNs = GatewayRig.T0, OpenRaw = Raw(175m), HighRaw = Raw(176.25m), LowRaw = -1, PriceRaw = Raw(175.5m), Size = 1200 };
        AgentFeedFormat.WriteBar(output, bar, s_symbol);
        var order = new AgentEvent
        {
            Kind = AgentEventKind.Order, OrderId = 17, Side = Side.Buy, OrderType = OrderType.StopLimit, Tif = TimeInForce.Ioc, Quantity = 10, PriceRaw = Raw(175.5m), SecondRaw = Raw(175.25m),
            Status = OrderStatus.Accepted, TsNs = GatewayRig.T0, IdLength = s_signalId.Length,
        };
        AgentFeedFormat.WriteEvent(output, order, s_signalId, s_symbol, replay: false);
        var rejected = new AgentEvent { Kind = AgentEventKind.Order, OrderId = 18, Side = Side.Sell, OrderType = OrderType.Market, Quantity = 5, Status = OrderStatus.Rejected, Reject = RejectReason.MaxOpenOrders, TsNs = GatewayRig.T0, IdLength = -1 };
        AgentFeedFormat.WriteEvent(output, rejected, default, s_symbol, replay: true);
        var entry = new AgentEvent
        {
            Kind = AgentEventKind.Order, OrderId = 19, Side = Side.Buy, OrderType = OrderType.Limit, Tif = TimeInForce.Opg, Quantity = 4, PriceRaw = Raw(175.5m), Exits = s_exits,
            Status = OrderStatus.Accepted, TsNs = GatewayRig.T0, IdLength = -1,
        };
        AgentFeedFormat.WriteEvent(output, entry, default, s_symbol, replay: false);
        var trailing = new AgentEvent
        {
            Kind = AgentEventKind.Order, OrderId = 20, Side = Side.Sell, OrderType = OrderType.TrailingStop, Tif = TimeInForce.Cls, Quantity = 4, Exits = new ProtectiveExits { TrailRaw = Raw(1.5m) },
            Status = OrderStatus.Accepted, TsNs = GatewayRig.T0, IdLength = -1,
        };
        AgentFeedFormat.WriteEvent(output, trailing, default, s_symbol, replay: false);
        var fill = new AgentEvent { Kind = AgentEventKind.Fill, FillSeq = 3 + i, OrderId = 17, Side = Side.Buy, Quantity = 10, PriceRaw = Raw(175.5m), SecondRaw = Raw(0.5m), Filled = 0, TsNs = GatewayRig.T0, IdLength = s_signalId.Length };
        AgentFeedFormat.WriteEvent(output, fill, s_signalId, s_symbol, replay: false);
        var position = new AgentEvent { Kind = AgentEventKind.Position, Quantity = -10, PriceRaw = Raw(175.5m), SecondRaw = Raw(-12.345678m), UnrealizedRaw = Raw(1.2m), TsNs = GatewayRig.T0, IdLength = -1 };
        AgentFeedFormat.WriteEvent(output, position, default, s_symbol, replay: false);
        AgentFeedFormat.WriteAccount(output, account);
        AgentFeedFormat.WriteHeartbeat(output, GatewayRig.T0);
        AgentFeedFormat.WriteDropped(output, 123 + i);
        var extremes = new MarketRecord { Kind = MarketRecordKind.Bar, Timeframe = 0, TsNs = GatewayRig.T0, OpenRaw = long.MaxValue, HighRaw = long.MaxValue, LowRaw = long.MinValue, PriceRaw = 0, Size = 0 };
        AgentFeedFormat.WriteBar(output, extremes, s_symbol);
    }

    private static long Raw(decimal value) => FixedPoint.FromDecimal(value);
}
