using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>How resting orders fill against trades, quotes and bars. Prices raw: 100_000_000 = 100.00.</summary>
public sealed class PaperExchangeMatchingTests
{
    private readonly PaperExchange _exchange = NewExchange();
    private readonly RecordingSink _sink = new();

    [Fact]
    public void MarketBuy_FillsAtNextTradeWithSlippage_NotOnSubmit()
    {
        _exchange.OnMarketData(Trade(100_000_000, tsNs: 1_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 10), _sink);

        ExecutionReport accepted = Assert.Single(_sink.Reports);
        Assert.Equal(ExecutionType.Accepted, accepted.ExecType);
        Assert.Equal(0, _exchange.GetPosition(0));
        Assert.Equal(StartingCashRaw, _exchange.CashRaw);

        _exchange.OnMarketData(Trade(100_000_000, tsNs: 2_000), _sink);

        // 100.00 + 5 bps = 100.05; 10 × 100.05 = 1,000.50.
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 100_050_000, 0);
        Assert.Equal(2_000, _sink.Last.TsEventNs);
        Assert.Equal(Side.Buy, _sink.Last.Side);
        Assert.Equal(0, _sink.Last.SymbolId);
        Assert.Equal(10, _exchange.GetPosition(0));
        Assert.Equal(98_999_500_000, _exchange.CashRaw);
        Assert.Equal(0, _exchange.ReservedCashRaw);
        Assert.Equal(0, _exchange.OpenOrderCount);
    }

    [Fact]
    public void MarketOrder_IgnoresMarketDataOfOtherSymbols()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 10), _sink);

        _exchange.OnMarketData(Trade(50_000_000, symbolId: 1), _sink);

        Assert.Single(_sink.Reports);
        Assert.Equal(50_000_000, _exchange.GetLastPrice(1));
        Assert.Equal(100_000_000, _exchange.GetLastPrice(0));
    }

    [Fact]
    public void MarketRoundTrip_ChargesSlippageAndCommissionExactlyInRawUnits()
    {
        PaperExchange exchange = NewExchange(slippageBps: 5, commissionBps: 10, minimumCommissionRaw: 1_000_000);
        exchange.OnMarketData(Trade(100_000_000), _sink);
        exchange.Submit(Market(1, Side.Buy, 10), _sink);
        exchange.OnMarketData(Trade(100_000_000), _sink);

        // Buy at 100.05: notional 1,000.50; commission 10 bps = 1.0005 (above the 1.00 minimum).
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 100_050_000, 0, commissionRaw: 1_000_500);
        Assert.Equal(100_000_000_000 - 1_000_500_000 - 1_000_500, exchange.CashRaw);
        Assert.Equal(98_998_499_500, exchange.CashRaw);

        exchange.Submit(Market(2, Side.Sell, 10), _sink);
        exchange.OnMarketData(Trade(101_000_000), _sink);

        // Sell at 101.00 - 5 bps = 100.9495: notional 1,009.495; commission 1.009495.
        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 100_949_500, 0, commissionRaw: 1_009_495);
        Assert.Equal(Side.Sell, _sink.Last.Side);
        Assert.Equal(100_006_985_005, exchange.CashRaw);
        Assert.Equal(0, exchange.GetPosition(0));
    }

    [Fact]
    public void Commission_IsNeverBelowTheMinimum()
    {
        PaperExchange exchange = NewExchange(slippageBps: 0, commissionBps: 10, minimumCommissionRaw: 1_000_000);
        exchange.Submit(Limit(1, Side.Buy, 1, 10_000_000), _sink);
        exchange.OnMarketData(Trade(10_000_000), _sink);

        // 10 bps of 10.00 is 0.01, below the 1.00 minimum.
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 1, 10_000_000, 0, commissionRaw: 1_000_000);
        Assert.Equal(StartingCashRaw - 10_000_000 - 1_000_000, exchange.CashRaw);
    }

    [Fact]
    public void LimitBuy_RestsUntilCrossed_ThenFillsAtTheBetterTradePrice()
    {
        _exchange.Submit(Limit(1, Side.Buy, 10, 100_000_000), _sink);
        _exchange.OnMarketData(Trade(101_000_000), _sink);
        Assert.Single(_sink.Reports);

        _exchange.OnMarketData(Trade(99_500_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 99_500_000, 0);
        Assert.Equal(StartingCashRaw - 995_000_000, _exchange.CashRaw);
        Assert.Equal(10, _exchange.GetPosition(0));
    }

    [Fact]
    public void LimitSell_RestsUntilCrossed_ThenFillsAtTheBetterTradePrice()
    {
        BuyPosition(_exchange, 1, 10);
        long cash = _exchange.CashRaw;
        _exchange.Submit(Limit(2, Side.Sell, 10, 101_000_000), _sink);
        _exchange.OnMarketData(Trade(100_500_000), _sink);
        Assert.Single(_sink.Reports);

        _exchange.OnMarketData(Trade(101_200_000), _sink);

        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 101_200_000, 0);
        Assert.Equal(cash + 1_012_000_000, _exchange.CashRaw);
        Assert.Equal(0, _exchange.GetPosition(0));
    }

    [Fact]
    public void StopBuy_TriggersWhenTradeReachesStop_AndFillsAsMarketOnThatTrade()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Stop(1, Side.Buy, 10, 105_000_000), _sink);
        _exchange.OnMarketData(Trade(104_000_000), _sink);
        Assert.Single(_sink.Reports);
        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.False(order.IsTriggered);

        _exchange.OnMarketData(Trade(105_500_000), _sink);

        // 105.50 + 5 bps.
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 105_552_750, 0);
    }

    [Fact]
    public void StopSell_TriggersWhenTradeFallsToStop_AndFillsAsMarketOnThatTrade()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Stop(2, Side.Sell, 10, 95_000_000), _sink);
        _exchange.OnMarketData(Trade(96_000_000), _sink);
        Assert.Single(_sink.Reports);

        _exchange.OnMarketData(Trade(94_000_000), _sink);

        // 94.00 - 5 bps.
        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 93_953_000, 0);
        Assert.Equal(0, _exchange.GetPosition(0));
    }

    [Fact]
    public void StopLimitBuy_BelowStopNeverFills_OnceTriggeredFillsAtOrBelowLimit()
    {
        _exchange.Submit(StopLimit(1, Side.Buy, 10, stopRaw: 105_000_000, limitRaw: 105_200_000), _sink);
        _exchange.OnMarketData(Trade(104_000_000), _sink); // below the limit, but not triggered
        _exchange.OnMarketData(Trade(105_500_000), _sink); // triggers; above the limit
        Assert.Single(_sink.Reports);
        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.True(order.IsTriggered);

        _exchange.OnMarketData(Trade(105_100_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 105_100_000, 0);
    }

    [Fact]
    public void StopLimitBuy_FillsOnTheTriggeringTrade_WhenItIsWithinTheLimit()
    {
        _exchange.Submit(StopLimit(1, Side.Buy, 10, stopRaw: 105_000_000, limitRaw: 106_000_000), _sink);

        _exchange.OnMarketData(Trade(105_500_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 105_500_000, 0);
    }

    [Fact]
    public void StopLimitSell_TriggersAtStop_ThenFillsAtOrAboveLimit()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(StopLimit(2, Side.Sell, 10, stopRaw: 95_000_000, limitRaw: 94_500_000), _sink);
        _exchange.OnMarketData(Trade(96_000_000), _sink);
        _exchange.OnMarketData(Trade(94_000_000), _sink); // triggers; below the limit
        Assert.Single(_sink.Reports);
        Assert.True(_exchange.TryGetOpenOrder(2, out PaperOrder order));
        Assert.True(order.IsTriggered);

        _exchange.OnMarketData(Trade(94_800_000), _sink);

        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 94_800_000, 0);
    }

    [Fact]
    public void LimitBuy_FillsPartiallyAcrossSeveralTrades_AndShrinksItsReservation()
    {
        _exchange.Submit(Limit(1, Side.Buy, 100, 100_000_000), _sink);
        Assert.Equal(10_005_000_000, _exchange.ReservedCashRaw);

        _exchange.OnMarketData(Trade(100_000_000, size: 30), _sink);
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.PartialFill, 30, 100_000_000, 70);
        Assert.Equal(7_003_500_000, _exchange.ReservedCashRaw); // 70 × 100.00 + 5 bps
        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.Equal(30, order.FilledQuantity);

        _exchange.OnMarketData(Trade(100_000_000, size: 50), _sink);
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.PartialFill, 50, 100_000_000, 20);

        _exchange.OnMarketData(Trade(100_000_000, size: 100), _sink);
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 20, 100_000_000, 0);

        Assert.Equal(100, _exchange.GetPosition(0));
        Assert.Equal(StartingCashRaw - 10_000_000_000, _exchange.CashRaw);
        Assert.Equal(0, _exchange.ReservedCashRaw);
    }

    [Fact]
    public void TradeSize_IsSharedAmongOrdersInArrivalOrder()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 60), _sink);
        _exchange.Submit(Market(2, Side.Buy, 60), _sink);
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Trade(100_000_000, size: 100), _sink);

        List<ExecutionReport> fills = _sink.Since(start);
        Assert.Equal(2, fills.Count);
        ReportAssert.Filled(fills[0], 1, ExecutionType.Fill, 60, 100_050_000, 0);
        ReportAssert.Filled(fills[1], 2, ExecutionType.PartialFill, 40, 100_050_000, 20);

        _exchange.OnMarketData(Trade(100_000_000, size: 10), _sink);
        ReportAssert.Filled(_sink.Last, 2, ExecutionType.PartialFill, 10, 100_050_000, 10);
        Assert.Equal(110, _exchange.GetPosition(0));
    }

    [Fact]
    public void Quote_BuysTakeTheAskWithItsSize_SellsTakeTheBid()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Market(2, Side.Buy, 10), _sink);
        _exchange.Submit(Market(3, Side.Sell, 10), _sink);
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Quote(bidRaw: 99_900_000, bidSize: 100, askRaw: 100_100_000, askSize: 4), _sink);

        List<ExecutionReport> fills = _sink.Since(start);
        Assert.Equal(2, fills.Count);
        ReportAssert.Filled(fills[0], 2, ExecutionType.PartialFill, 4, 100_150_050, 6); // ask 100.10 + 5 bps
        ReportAssert.Filled(fills[1], 3, ExecutionType.Fill, 10, 99_850_050, 0); // bid 99.90 - 5 bps
        Assert.Equal(100_000_000, _exchange.GetLastPrice(0)); // the mid
    }

    [Fact]
    public void Quote_WithoutThePriceOnTheOrdersSide_IsSkipped()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 10), _sink);

        _exchange.OnMarketData(Quote(bidRaw: 99_900_000, bidSize: 100, askRaw: 0, askSize: 0), _sink);
        Assert.Single(_sink.Reports);

        _exchange.OnMarketData(Quote(bidRaw: 99_900_000, bidSize: 100, askRaw: 100_100_000, askSize: 0), _sink);
        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 100_150_050, 0);
    }

    [Fact]
    public void LimitSell_OnQuote_FillsAtTheBidWhenItReachesTheLimit()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Limit(2, Side.Sell, 10, 100_000_000), _sink);
        _exchange.OnMarketData(Quote(bidRaw: 99_900_000, bidSize: 50, askRaw: 100_000_000, askSize: 50), _sink);
        Assert.Single(_sink.Reports);

        _exchange.OnMarketData(Quote(bidRaw: 100_200_000, bidSize: 50, askRaw: 100_300_000, askSize: 50), _sink);

        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 100_200_000, 0);
    }

    [Fact]
    public void Bar_MarketFillsAtOpenWithSlippage_LimitAtTheBetterOfOpenAndLimit()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Market(2, Side.Buy, 1), _sink);
        _exchange.Submit(Limit(3, Side.Buy, 1, 99_500_000), _sink); // low reaches it: fills at the limit
        _exchange.Submit(Limit(4, Side.Buy, 1, 101_000_000), _sink); // open is better: fills at the open
        _exchange.Submit(Limit(5, Side.Buy, 1, 98_000_000), _sink); // low never reaches it
        _exchange.Submit(Limit(6, Side.Sell, 1, 101_000_000), _sink); // high reaches it: fills at the limit
        _exchange.Submit(Limit(7, Side.Sell, 1, 99_000_000), _sink); // open is better: fills at the open
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Bar(openRaw: 100_000_000, highRaw: 102_000_000, lowRaw: 99_000_000, closeRaw: 101_000_000), _sink);

        List<ExecutionReport> fills = _sink.Since(start);
        Assert.Equal(5, fills.Count);
        ReportAssert.Filled(fills[0], 2, ExecutionType.Fill, 1, 100_050_000, 0);
        ReportAssert.Filled(fills[1], 3, ExecutionType.Fill, 1, 99_500_000, 0);
        ReportAssert.Filled(fills[2], 4, ExecutionType.Fill, 1, 100_000_000, 0);
        ReportAssert.Filled(fills[3], 6, ExecutionType.Fill, 1, 101_000_000, 0);
        ReportAssert.Filled(fills[4], 7, ExecutionType.Fill, 1, 100_000_000, 0);
        Assert.True(_exchange.TryGetOpenOrder(5, out _));
        Assert.Equal(101_000_000, _exchange.GetLastPrice(0)); // the close
    }

    [Fact]
    public void Bar_StopsTriggerOnHighOrLow_AndFillAtTheWorseOfOpenAndStopWithSlippage()
    {
        BuyPosition(_exchange, 1, 10);
        _exchange.Submit(Stop(2, Side.Buy, 1, 101_000_000), _sink);
        _exchange.Submit(Stop(3, Side.Sell, 1, 99_000_000), _sink);
        _exchange.Submit(Stop(4, Side.Buy, 1, 103_000_000), _sink); // high never reaches it
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Bar(openRaw: 100_000_000, highRaw: 102_000_000, lowRaw: 98_000_000, closeRaw: 101_000_000), _sink);

        List<ExecutionReport> fills = _sink.Since(start);
        Assert.Equal(2, fills.Count);
        ReportAssert.Filled(fills[0], 2, ExecutionType.Fill, 1, 101_050_500, 0); // 101.00 + 5 bps
        ReportAssert.Filled(fills[1], 3, ExecutionType.Fill, 1, 98_950_500, 0); // 99.00 - 5 bps

        // A gap over the stop fills at the open.
        _exchange.OnMarketData(Bar(openRaw: 103_000_000, highRaw: 104_000_000, lowRaw: 102_500_000, closeRaw: 103_500_000), _sink);
        ReportAssert.Filled(_sink.Last, 4, ExecutionType.Fill, 1, 103_051_500, 0);
    }

    [Fact]
    public void Bar_VolumeLimitsTheFill()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 100), _sink);

        _exchange.OnMarketData(Bar(openRaw: 100_000_000, highRaw: 100_000_000, lowRaw: 100_000_000, closeRaw: 100_000_000, volume: 30), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.PartialFill, 30, 100_050_000, 70);
    }
}
