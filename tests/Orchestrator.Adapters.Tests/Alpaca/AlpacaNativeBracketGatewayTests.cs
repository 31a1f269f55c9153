using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Tests.Venues;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>
/// A venue-held bracket through the real broker gateway and Alpaca client on the loopback simulator
/// (issue 19): the legs Alpaca creates come back as execution reports under <see cref="NativeLegIds"/>
/// of the entry, and the poll never takes them for foreign orders.
/// </summary>
public sealed class AlpacaNativeBracketGatewayTests : AlpacaSimulatorFixture
{
    private static readonly SymbolTable Symbols = new(["AAPL"]);
    private const long EntryId = 5_000;

    private static VenueGatewayOptions Options => new()
    {
        Backoff = TimeSpan.FromMilliseconds(1),
        PollInterval = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
        RequestsPerSecond = 1_000,
        BreakerMinimumThroughput = 1_000,
    };

    [Fact]
    public async Task BracketLegs_AreReportedUnderTheirLegIds_AndOneExitsFillCancelsTheOther()
    {
        await Simulator.SetPrice("AAPL", 101m);
        var reports = new ReportCollector();
        using AlpacaRestClient client = NewClient();
        await using var gateway = new VenueBrokerGateway(client, Symbols, reports, Options);
        gateway.Start();
        var entry = new OrderCommand
        {
            Kind = OrderCommandKind.SubmitOrder,
            ClientOrderId = EntryId,
            Side = Side.Buy,
            OrderType = OrderType.Limit,
            TimeInForce = TimeInForce.Gtc,
            Quantity = 10,
            LimitPriceRaw = FixedPoint.FromDecimal(100m),
            GroupRole = OrderGroupRole.Entry,
            Exits = new ProtectiveExits { TakeProfitRaw = FixedPoint.FromDecimal(110m), StopLossRaw = FixedPoint.FromDecimal(95m) },
        };
        long takeProfit = NativeLegIds.Of(EntryId, OrderGroupRole.TakeProfit);
        long stopLoss = NativeLegIds.Of(EntryId, OrderGroupRole.StopLoss);

        gateway.OnEvent(ref entry, 0, true);
        await reports.WaitUntilAsync(r => r.Count(x => x.ExecType == ExecutionType.Accepted) == 3);
        Assert.Equal([Side.Sell, Side.Sell], reports.Reports.Where(r => r.ClientOrderId == takeProfit || r.ClientOrderId == stopLoss).Select(r => r.Side));

        await Simulator.SetPrice("AAPL", 99m);  // the entry fills
        await Simulator.SetPrice("AAPL", 111m); // the take-profit fills, the stop-loss is canceled
        // Each order's report comes from the poll that sees it: wait for all three, not the first of them.
        await reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == stopLoss && x.ExecType == ExecutionType.Canceled)
            && r.Any(x => x.ClientOrderId == EntryId && x.ExecType == ExecutionType.Fill)
            && r.Any(x => x.ClientOrderId == takeProfit && x.ExecType == ExecutionType.Fill));

        Assert.Equal([ExecutionType.Accepted, ExecutionType.Fill], reports.For(EntryId).Select(r => r.ExecType));
        ExecutionReport exit = Assert.Single(reports.For(takeProfit), r => r.ExecType == ExecutionType.Fill);
        Assert.Equal((10L, FixedPoint.FromDecimal(111m)), (exit.FillQuantity, exit.FillPriceRaw));
        Assert.DoesNotContain(reports.For(stopLoss), r => r.ExecType is ExecutionType.Fill or ExecutionType.PartialFill);
        Assert.True(await gateway.PollNowAsync(CancellationToken.None));
        Assert.Equal(0, gateway.UnexplainedVenueOrders); // the legs are ours, not foreign
        Assert.Equal(1, Simulator.OrderRequests); // one request placed all three
    }

    [Fact]
    public void LegIds_NeverMeetAnEngineId_OrEachOther_AndParseBack()
    {
        long[] groups = [1, EntryId, OrderStoreLikeBase(), (1L << 62) - 1];
        foreach (long group in groups)
        {
            long[] legs = [NativeLegIds.Of(group, OrderGroupRole.TakeProfit), NativeLegIds.Of(group, OrderGroupRole.StopLoss), NativeLegIds.Of(group, OrderGroupRole.TrailingStop)];
            Assert.Equal(3, legs.Distinct().Count());
            Assert.All(legs, l => Assert.True(l <= 0 || l >= 1L << 62)); // outside the engine's range
            Assert.Equal([OrderGroupRole.TakeProfit, OrderGroupRole.StopLoss, OrderGroupRole.TrailingStop], legs.Select(l => NativeLegIds.TryParse(l, out long g, out OrderGroupRole role) && g == group ? role : OrderGroupRole.None));
        }

        Assert.False(NativeLegIds.TryParse(EntryId, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => NativeLegIds.Of(1L << 62, OrderGroupRole.StopLoss));
    }

    /// <summary>A base like the order store's from the clock (nanoseconds since 1970 in 2026).</summary>
    private static long OrderStoreLikeBase() => 1_796_000_000_000_000_000;
}
