using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Submit, cancel and the checks an order passes before it rests.</summary>
public sealed class PaperExchangeSubmitTests
{
    private readonly PaperExchange _exchange = NewExchange();
    private readonly RecordingSink _sink = new();

    [Fact]
    public void Submit_ValidLimit_IsAcceptedAndRestsWithFullLeaves()
    {
        _exchange.Submit(Limit(1, Side.Buy, 10, 100_000_000), _sink);

        ExecutionReport report = Assert.Single(_sink.Reports);
        Assert.Equal(ExecutionType.Accepted, report.ExecType);
        Assert.Equal(1, report.ClientOrderId);
        Assert.Equal(Side.Buy, report.Side);
        Assert.Equal(10, report.LeavesQuantity);
        Assert.Equal(1, _exchange.OpenOrderCount);
        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.Equal(10, order.LeavesQuantity);
        Assert.Equal(100_000_000, order.LimitPriceRaw);
        Assert.Equal(1_000_500_000, order.ReservedCashRaw); // 1000.00 + 5 bps
    }

    [Fact]
    public void Submit_StampsAcceptWithLatestMarketTime_NeverAClock()
    {
        _exchange.Submit(Limit(1, Side.Buy, 1, 100_000_000), _sink);
        _exchange.OnMarketData(Trade(120_000_000, tsNs: 1_000), _sink);
        _exchange.Submit(Limit(2, Side.Buy, 1, 100_000_000), _sink);

        Assert.Equal(0, _sink.Reports[0].TsEventNs);
        Assert.Equal(1_000, _sink.Reports[1].TsEventNs);
    }

    [Theory]
    [InlineData("not a submit")]
    [InlineData("zero quantity")]
    [InlineData("negative quantity")]
    [InlineData("symbol out of range")]
    [InlineData("negative symbol")]
    [InlineData("no side")]
    [InlineData("unknown order type")]
    [InlineData("unknown time in force")]
    [InlineData("limit without limit price")]
    [InlineData("stop without stop price")]
    [InlineData("stop limit without limit price")]
    [InlineData("stop limit without stop price")]
    public void Submit_InvalidOrder_IsRejectedAsBrokerRejected(string defect)
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        OrderCommand order = defect switch
        {
            "not a submit" => Limit(1, Side.Buy, 1, 100_000_000) with { Kind = OrderCommandKind.CancelOrder },
            "zero quantity" => Limit(1, Side.Buy, 0, 100_000_000),
            "negative quantity" => Limit(1, Side.Buy, -5, 100_000_000),
            "symbol out of range" => Limit(1, Side.Buy, 1, 100_000_000, symbolId: 2),
            "negative symbol" => Limit(1, Side.Buy, 1, 100_000_000, symbolId: -1),
            "no side" => Limit(1, Side.None, 1, 100_000_000),
            "unknown order type" => Limit(1, Side.Buy, 1, 100_000_000) with { OrderType = (OrderType)9 },
            "unknown time in force" => Limit(1, Side.Buy, 1, 100_000_000) with { TimeInForce = (TimeInForce)9 },
            "limit without limit price" => Limit(1, Side.Buy, 1, 0),
            "stop without stop price" => Stop(1, Side.Buy, 1, 0),
            "stop limit without limit price" => StopLimit(1, Side.Buy, 1, 100_000_000, 0),
            "stop limit without stop price" => StopLimit(1, Side.Buy, 1, 0, 100_000_000),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        _exchange.Submit(order, _sink);

        ReportAssert.Rejected(_sink.Last, 1, RejectReason.BrokerRejected);
        Assert.Equal(0, _exchange.OpenOrderCount);
        Assert.Equal(0, _exchange.ReservedCashRaw);
    }

    [Fact]
    public void Submit_DuplicateOpenClientOrderId_IsRejected_AndTheOriginalStaysOpen()
    {
        _exchange.Submit(Limit(7, Side.Buy, 10, 100_000_000), _sink);
        _exchange.Submit(Limit(7, Side.Buy, 3, 90_000_000), _sink);

        ReportAssert.Rejected(_sink.Last, 7, RejectReason.BrokerRejected);
        Assert.Equal(1, _exchange.OpenOrderCount);
        Assert.True(_exchange.TryGetOpenOrder(7, out PaperOrder order));
        Assert.Equal(10, order.Quantity);
    }

    [Fact]
    public void Submit_BeyondMaxOpenOrders_IsRejected()
    {
        PaperExchange exchange = NewExchange(maxOpenOrders: 2);
        exchange.Submit(Limit(1, Side.Buy, 1, 10_000_000), _sink);
        exchange.Submit(Limit(2, Side.Buy, 1, 10_000_000), _sink);
        exchange.Submit(Limit(3, Side.Buy, 1, 10_000_000), _sink);

        ReportAssert.Rejected(_sink.Last, 3, RejectReason.BrokerRejected);
        Assert.Equal(2, exchange.OpenOrderCount);

        exchange.Cancel(1, _sink);
        exchange.Submit(Limit(3, Side.Buy, 1, 10_000_000), _sink);
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
    }

    [Fact]
    public void Submit_BuyCostingMoreThanCash_IsRejectedForBuyingPower()
    {
        // 1000 × 100.00 = 100,000.00, plus 5 bps slippage = 100,050.00 > 100,000.00 cash.
        _exchange.Submit(Limit(1, Side.Buy, 1_000, 100_000_000), _sink);

        ReportAssert.Rejected(_sink.Last, 1, RejectReason.InsufficientBuyingPower);
        Assert.Equal(StartingCashRaw, _exchange.CashRaw);
    }

    [Fact]
    public void Submit_BuyExceedingCashLeftByAnotherOpenBuy_IsRejectedForBuyingPower()
    {
        _exchange.Submit(Limit(1, Side.Buy, 600, 100_000_000), _sink); // reserves 60,030.00
        Assert.Equal(60_030_000_000, _exchange.ReservedCashRaw);

        _exchange.Submit(Limit(2, Side.Buy, 400, 100_000_000), _sink); // needs 40,020.00 > 39,970.00 free
        ReportAssert.Rejected(_sink.Last, 2, RejectReason.InsufficientBuyingPower);

        _exchange.Submit(Limit(3, Side.Buy, 399, 100_000_000), _sink); // 39,919.95 fits
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);

        _exchange.Cancel(1, _sink);
        _exchange.Submit(Limit(4, Side.Buy, 400, 100_000_000), _sink); // the cancel released 60,030.00
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
    }

    [Fact]
    public void Submit_MarketBuyEstimatesAtLastPrice_StopBuyAtStopBeforeAnyTrade()
    {
        _exchange.Submit(Stop(1, Side.Buy, 1_000, 100_000_000), _sink);
        ReportAssert.Rejected(_sink.Last, 1, RejectReason.InsufficientBuyingPower);
        _exchange.Submit(Stop(2, Side.Buy, 999, 100_000_000), _sink);
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
        _exchange.Cancel(2, _sink);

        _exchange.OnMarketData(Trade(50_000_000), _sink);
        _exchange.Submit(Market(3, Side.Buy, 1_998), _sink); // 99,900.00 + 49.95 fits at 50.00
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
        Assert.Equal(99_949_950_000, _exchange.ReservedCashRaw);
    }

    [Fact]
    public void Submit_MarketBuyBeforeAnyPrice_IsRejected()
    {
        _exchange.Submit(Market(1, Side.Buy, 1), _sink);

        ReportAssert.Rejected(_sink.Last, 1, RejectReason.BrokerRejected);
    }

    [Fact]
    public void Submit_SellWithoutPosition_IsRejectedForNoPosition()
    {
        _exchange.Submit(Market(1, Side.Sell, 1), _sink);

        ReportAssert.Rejected(_sink.Last, 1, RejectReason.NoPosition);
    }

    [Fact]
    public void Submit_SellBeyondPositionLeftByAnotherOpenSell_IsRejectedForNoPosition()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Limit(2, Side.Sell, 6, 110_000_000), _sink);
        _exchange.Submit(Limit(3, Side.Sell, 5, 110_000_000), _sink);
        ReportAssert.Rejected(_sink.Last, 3, RejectReason.NoPosition);

        _exchange.Submit(Limit(4, Side.Sell, 4, 110_000_000), _sink);
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
    }

    [Fact]
    public void Submit_SellWithoutPosition_WhenShortSellingAllowed_IsAcceptedAndFillsShort()
    {
        PaperExchange exchange = NewExchange(slippageBps: 0, allowShortSelling: true);
        exchange.Submit(Market(1, Side.Sell, 10), _sink);
        exchange.OnMarketData(Trade(100_000_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 100_000_000, 0);
        Assert.Equal(-10, exchange.GetPosition(0));
        Assert.Equal(StartingCashRaw + 1_000_000_000, exchange.CashRaw);
    }

    [Fact]
    public void Cancel_OpenOrder_ReportsCanceledAndReleasesItsReservation()
    {
        _exchange.OnMarketData(Trade(100_000_000, tsNs: 500), _sink);
        _exchange.Submit(Limit(1, Side.Buy, 10, 99_000_000), _sink);
        Assert.NotEqual(0, _exchange.ReservedCashRaw);

        _exchange.Cancel(1, _sink);

        ReportAssert.Ended(_sink.Last, 1, ExecutionType.Canceled);
        Assert.Equal(0, _sink.Last.SymbolId);
        Assert.Equal(500, _sink.Last.TsEventNs);
        Assert.Equal(0, _exchange.OpenOrderCount);
        Assert.Equal(0, _exchange.ReservedCashRaw);
        Assert.False(_exchange.TryGetOpenOrder(1, out _));

        _exchange.OnMarketData(Trade(90_000_000), _sink);
        Assert.Equal(ExecutionType.Canceled, _sink.Last.ExecType); // nothing filled after the cancel
    }

    [Fact]
    public void Cancel_UnknownOrAlreadyClosedId_IsRejected()
    {
        _exchange.Cancel(42, _sink);
        ReportAssert.Rejected(_sink.Last, 42, RejectReason.BrokerRejected);
        Assert.Equal(-1, _sink.Last.SymbolId);

        _exchange.Submit(Limit(1, Side.Buy, 1, 100_000_000), _sink);
        _exchange.Cancel(1, _sink);
        _exchange.Cancel(1, _sink);
        ReportAssert.Rejected(_sink.Last, 1, RejectReason.BrokerRejected);
    }

    [Fact]
    public void SinkCallingBackIntoTheExchange_Throws()
    {
        var sink = new ReentrantSink(_exchange);

        Assert.Throws<InvalidOperationException>(() => _exchange.Submit(Limit(1, Side.Buy, 1, 100_000_000), sink));
    }

    private sealed class ReentrantSink(PaperExchange exchange) : IExecutionReportSink
    {
        public void OnExecutionReport(in ExecutionReport report) => exchange.Cancel(report.ClientOrderId, this);
    }
}
