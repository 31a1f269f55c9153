using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Trailing stops, opg and cls on the paper venue (issue 19).</summary>
public sealed class PaperExchangeOrderTypeTests
{
    private readonly PaperExchange _exchange = NewExchange();
    private readonly RecordingSink _sink = new();

    private static OrderCommand Trailing(long id, Side side, long quantity, long trailRaw = 0, int trailPpm = 0, TimeInForce tif = TimeInForce.Gtc)
    {
        OrderCommand order = Order(id, side, OrderType.TrailingStop, quantity, 0, 0, tif, 0);
        order.TrailRaw = trailRaw;
        order.TrailPpm = trailPpm;
        return order;
    }

    [Fact]
    public void TrailingSell_FollowsTheHigh_AndFillsWhenThePriceFallsTheTrailFromIt()
    {
        BuyPosition(_exchange, 1, 10); // last price 100.00
        _exchange.Submit(Trailing(2, Side.Sell, 10, trailRaw: 2_000_000), _sink); // stop 98.00

        _exchange.OnMarketData(Trade(105_000_000), _sink); // stop 103.00
        _exchange.OnMarketData(Trade(103_500_000), _sink);
        Assert.True(_exchange.TryGetOpenOrder(2, out _)); // 98.00 would have fired a fixed stop long ago; 103.50 does not reach 103.00

        _exchange.OnMarketData(Trade(102_900_000, tsNs: 5_000), _sink);

        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 102_848_550, 0); // market at 102.90 less 5 bps slippage
        Assert.Equal(0, _exchange.GetPosition(0));
    }

    [Fact]
    public void TrailingBuy_InPpm_FollowsTheLow()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Trailing(1, Side.Buy, 5, trailPpm: 10_000), _sink); // 1 %: stop 101.00

        _exchange.OnMarketData(Trade(90_000_000), _sink); // stop 90.90
        _exchange.OnMarketData(Trade(90_800_000), _sink);
        Assert.Equal(1, _exchange.OpenOrderCount);

        _exchange.OnMarketData(Trade(91_000_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 5, 91_045_500, 0);
    }

    [Fact]
    public void TrailingStopOnBars_NeverTriggersOnAStopTheBarsOwnHighRaised()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Trailing(2, Side.Sell, 10, trailRaw: 2_000_000), _sink); // stop 98.00

        // High 110 then low 99: had the high come first the stop (108) would fire; the bar does not say, so it must not.
        _exchange.OnMarketData(Bar(100_000_000, 110_000_000, 99_000_000, 109_000_000), _sink);
        Assert.True(_exchange.TryGetOpenOrder(2, out _));

        _exchange.OnMarketData(Bar(109_000_000, 109_500_000, 107_000_000, 107_500_000), _sink); // stop now 108.00: reached

        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 107_946_000, 0); // at the stop (the open is above it), less slippage
    }

    [Fact]
    public void TrailingStopWithoutATrail_IsRefusedAsUnsupported()
    {
        BuyPosition(_exchange, 1, 10);

        _exchange.Submit(Trailing(2, Side.Sell, 10), _sink);

        ReportAssert.Rejected(_sink.Last, 2, RejectReason.UnsupportedOrder);
    }

    [Theory]
    [InlineData(TimeInForce.Opg)]
    [InlineData(TimeInForce.Cls)]
    public void AuctionTif_TakesMarketAndLimitOnly(TimeInForce tif)
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);

        _exchange.Submit(Stop(1, Side.Buy, 10, 105_000_000, tif), _sink);
        _exchange.Submit(Limit(2, Side.Buy, 10, 99_000_000, tif), _sink);

        ReportAssert.Rejected(_sink.Reports[^2], 1, RejectReason.UnsupportedOrder);
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
    }

    [Fact]
    public void Opg_TakesTheFirstPriceItSees_AndCancelsWhatThatLeaves()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 100, TimeInForce.Opg), _sink);
        _exchange.Submit(Limit(2, Side.Buy, 10, 95_000_000, TimeInForce.Opg), _sink);
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Trade(100_000_000, size: 40, tsNs: 7_000), _sink); // the open

        List<ExecutionReport> reports = _sink.Since(start);
        ReportAssert.Filled(reports[0], 1, ExecutionType.PartialFill, 40, 100_050_000, 60);
        ReportAssert.Ended(reports[1], 1, ExecutionType.Canceled);
        ReportAssert.Ended(reports[2], 2, ExecutionType.Canceled); // its limit was not reached at the open
        Assert.Equal(0, _exchange.OpenOrderCount);
    }

    [Fact]
    public void Cls_RestsThroughTheDay_AndFillsAtTheClosesLastPrice_OrExpires()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 10, TimeInForce.Cls), _sink);
        _exchange.Submit(Limit(2, Side.Buy, 10, 101_000_000, TimeInForce.Cls), _sink);
        _exchange.Submit(Limit(3, Side.Buy, 10, 99_000_000, TimeInForce.Cls), _sink);
        _exchange.Submit(Limit(4, Side.Buy, 10, 99_000_000, TimeInForce.Gtc), _sink);
        _exchange.OnMarketData(Trade(99_500_000), _sink);
        _exchange.OnMarketData(Trade(100_500_000), _sink);
        Assert.Equal(4, _exchange.OpenOrderCount); // nothing fills before the close, though 99.50 crossed every limit but #3's
        int start = _sink.Reports.Count;

        _exchange.EndOfDay(50_000, _sink);

        List<ExecutionReport> reports = _sink.Since(start);
        Assert.Equal(3, reports.Count);
        ReportAssert.Filled(reports[0], 1, ExecutionType.Fill, 10, 100_550_250, 0); // the last price, with slippage
        ReportAssert.Filled(reports[1], 2, ExecutionType.Fill, 10, 100_500_000, 0);
        ReportAssert.Ended(reports[2], 3, ExecutionType.Expired);
        Assert.Equal(50_000, reports[2].TsEventNs);
        Assert.True(_exchange.TryGetOpenOrder(4, out _)); // gtc survives the day
    }
}
