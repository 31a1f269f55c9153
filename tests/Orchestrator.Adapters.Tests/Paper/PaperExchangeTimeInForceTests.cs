using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>IOC, FOK, Day and GTC lifetimes.</summary>
public sealed class PaperExchangeTimeInForceTests
{
    private readonly PaperExchange _exchange = NewExchange();
    private readonly RecordingSink _sink = new();

    [Fact]
    public void Ioc_FillsWhatTheFirstOpportunityOffers_ThenCancelsTheRest()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 100, TimeInForce.Ioc), _sink);
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Trade(100_000_000, size: 30, tsNs: 9_000), _sink);

        List<ExecutionReport> reports = _sink.Since(start);
        Assert.Equal(2, reports.Count);
        ReportAssert.Filled(reports[0], 1, ExecutionType.PartialFill, 30, 100_050_000, 70);
        ReportAssert.Ended(reports[1], 1, ExecutionType.Canceled);
        Assert.Equal(9_000, reports[1].TsEventNs);
        Assert.Equal(0, _exchange.OpenOrderCount);
        Assert.Equal(0, _exchange.ReservedCashRaw);
        Assert.Equal(30, _exchange.GetPosition(0));
    }

    [Fact]
    public void IocLimit_NotMarketableAtTheNextTrade_IsCanceledWithoutFill()
    {
        _exchange.Submit(Limit(1, Side.Buy, 10, 99_000_000, TimeInForce.Ioc), _sink);

        _exchange.OnMarketData(Trade(100_000_000), _sink);

        ReportAssert.Ended(_sink.Last, 1, ExecutionType.Canceled);
        Assert.Equal(2, _sink.Reports.Count);
        Assert.Equal(StartingCashRaw, _exchange.CashRaw);
    }

    [Fact]
    public void IocStop_WaitsForItsTrigger_WhichIsItsFirstOpportunity()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Stop(1, Side.Buy, 10, 105_000_000, TimeInForce.Ioc), _sink);
        _exchange.OnMarketData(Trade(101_000_000), _sink);
        Assert.Equal(1, _exchange.OpenOrderCount);

        _exchange.OnMarketData(Trade(106_000_000), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 10, 106_053_000, 0);
    }

    [Fact]
    public void Fok_WhenTheFirstOpportunityCannotFillEverything_IsCanceledWithoutAnyFill()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 100, TimeInForce.Fok), _sink);
        _exchange.Submit(Market(2, Side.Buy, 30), _sink);
        int start = _sink.Reports.Count;

        _exchange.OnMarketData(Trade(100_000_000, size: 30), _sink);

        List<ExecutionReport> reports = _sink.Since(start);
        Assert.Equal(2, reports.Count);
        ReportAssert.Ended(reports[0], 1, ExecutionType.Canceled);
        ReportAssert.Filled(reports[1], 2, ExecutionType.Fill, 30, 100_050_000, 0); // the FOK took none of the size
        Assert.Equal(30, _exchange.GetPosition(0));
    }

    [Fact]
    public void Fok_WhenTheFirstOpportunityHasEnough_FillsCompletely()
    {
        _exchange.OnMarketData(Trade(100_000_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 100, TimeInForce.Fok), _sink);

        _exchange.OnMarketData(Trade(100_000_000, size: 100), _sink);

        ReportAssert.Filled(_sink.Last, 1, ExecutionType.Fill, 100, 100_050_000, 0);
        Assert.Equal(0, _exchange.OpenOrderCount);
    }

    [Fact]
    public void EndOfDay_ExpiresDayOrdersInArrivalOrder_AndKeepsGtc()
    {
        _exchange.OnMarketData(Trade(100_000_000, tsNs: 1_000), _sink);
        _exchange.Submit(Limit(1, Side.Buy, 10, 90_000_000, TimeInForce.Day), _sink);
        _exchange.Submit(Limit(2, Side.Buy, 10, 90_000_000, TimeInForce.Gtc), _sink);
        _exchange.Submit(Limit(3, Side.Buy, 10, 90_000_000, TimeInForce.Day, symbolId: 1), _sink);
        long gtcReservation = 900_450_000; // 10 × 90.00 + 5 bps
        int start = _sink.Reports.Count;

        _exchange.EndOfDay(50_000, _sink);

        List<ExecutionReport> reports = _sink.Since(start);
        Assert.Equal(2, reports.Count);
        ReportAssert.Ended(reports[0], 1, ExecutionType.Expired);
        ReportAssert.Ended(reports[1], 3, ExecutionType.Expired);
        Assert.Equal(1, reports[1].SymbolId);
        Assert.All(reports, r => Assert.Equal(50_000, r.TsEventNs));
        Assert.Equal(1, _exchange.OpenOrderCount);
        Assert.True(_exchange.TryGetOpenOrder(2, out _));
        Assert.Equal(gtcReservation, _exchange.ReservedCashRaw);

        _exchange.OnMarketData(Trade(89_000_000), _sink);
        ReportAssert.Filled(_sink.Last, 2, ExecutionType.Fill, 10, 89_000_000, 0);
    }
}
