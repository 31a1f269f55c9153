using System.Buffers;
using System.Text;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Issue 19: an agent sees a stop the engine holds for a venue without stop orders (KIS) as an open order with
/// status <c>held</c>; its cancel while held (done by the engine, no venue report) reaches the agent as canceled,
/// its amend as the held order's new figures, and once sent, the venue's Accepted makes it accepted.
/// </summary>
public sealed class AgentFeedHeldStopTests
{
    private const long T0 = GatewayRig.T0;

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
}
