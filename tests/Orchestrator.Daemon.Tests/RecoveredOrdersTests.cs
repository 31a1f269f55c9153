using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.State;

namespace Orchestrator.Daemon.Tests;

/// <summary>Orders recovered from a journal keep their trail and group (issue 19), so the venue takes them over as they were.</summary>
public sealed class RecoveredOrdersTests
{
    private static OrderRecord TrailingStop() => new()
    {
        ClientOrderId = 41,
        SymbolId = 0,
        Side = Side.Sell,
        OrderType = OrderType.TrailingStop,
        TimeInForce = TimeInForce.Gtc,
        Quantity = 10,
        Status = OrderStatus.Accepted,
        TrailRaw = 2 * FixedPoint.Scale,
        GroupRole = OrderGroupRole.TrailingStop,
        GroupId = 40,
    };

    [Fact]
    public void ARecoveredPaperTrailingStop_RestsAgain_WithItsTrail()
    {
        var exchange = new PaperExchange(new PaperExchangeOptions { SymbolCount = 1, AllowShortSelling = true });
        var reports = new Reports();
        (OrderCommand order, long leaves, bool acknowledged, bool cancelPending, _) = Assert.Single(RecoveredOrders.AsPaperOrders([TrailingStop()]));

        exchange.Resume(order, leaves, reports);

        Assert.True(acknowledged);
        Assert.False(cancelPending);
        Assert.Empty(reports.Seen); // resting quietly, not canceled for want of a trail
        Assert.True(exchange.TryGetOpenOrder(41, out _));
    }

    [Fact]
    public void ARecoveredVenueOrder_KeepsItsTrailAndGroup()
    {
        var recovered = Assert.Single(RecoveredOrders.AsVenueOrders([TrailingStop()], new SymbolTable(["AAPL"])));

        Assert.Equal((2 * FixedPoint.Scale, OrderGroupRole.TrailingStop, 40L), (recovered.Request.TrailRaw, recovered.Request.GroupRole, recovered.Request.GroupId));
    }

    private sealed class Reports : IExecutionReportSink
    {
        public List<ExecutionReport> Seen { get; } = [];

        public void OnExecutionReport(in ExecutionReport report) => Seen.Add(report);
    }
}
