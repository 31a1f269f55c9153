using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Tests;

/// <summary>Position, average cost, P&amp;L and cash arithmetic in fixed point.</summary>
public sealed class PortfolioTests
{
    private static long Raw(decimal value) => FixedPoint.FromDecimal(value);

    private static (Portfolio Portfolio, MarketState Market) New(decimal cash = 100_000m)
    {
        var market = new MarketState(2);
        return (new Portfolio(market, Raw(cash)), market);
    }

    /// <summary>A trade as the engine sees it: the signal engine marks the market state, the risk manager the portfolio.</summary>
    private static void Trade(Portfolio p, MarketState m, int symbolId, long priceRaw, long tsNs)
    {
        m.OnTrade(symbolId, priceRaw, 1, tsNs);
        p.Mark(symbolId, priceRaw);
    }

    [Fact]
    public void PartialFills_AverageTheCost_AndMoveCash()
    {
        (Portfolio p, MarketState m) = New();
        p.ApplyFill(0, Side.Buy, 30, Raw(100m), Raw(1m));
        p.ApplyFill(0, Side.Buy, 70, Raw(110m), Raw(2m));

        Assert.Equal(100, p.Quantity(0));
        Assert.Equal(Raw(107m), p.AvgCostRaw(0)); // (30×100 + 70×110) / 100
        Assert.Equal(Raw(100_000m - 3_000m - 7_700m - 3m), p.CashRaw);
        Assert.Equal(Raw(3m), p.CommissionRaw);

        Trade(p, m, 0, Raw(112m), 1);
        Assert.Equal(Raw(500m), p.UnrealizedRaw(0)); // (112 − 107) × 100
        Assert.Equal(p.CashRaw + Raw(11_200m), p.EquityRaw);
    }

    [Fact]
    public void Reduction_RealizesAgainstAverageCost_AndKeepsItForTheRest()
    {
        (Portfolio p, _) = New();
        p.ApplyFill(0, Side.Buy, 100, Raw(50m), 0);
        p.ApplyFill(0, Side.Sell, 40, Raw(55m), 0);

        Assert.Equal(60, p.Quantity(0));
        Assert.Equal(Raw(50m), p.AvgCostRaw(0));
        Assert.Equal(Raw(200m), p.RealizedRaw(0)); // (55 − 50) × 40
        Assert.Equal(Raw(100_000m - 5_000m + 2_200m), p.CashRaw);
    }

    [Fact]
    public void Close_ZeroesPositionAndCost()
    {
        (Portfolio p, _) = New();
        p.ApplyFill(1, Side.Buy, 10, Raw(20m), 0);
        p.ApplyFill(1, Side.Sell, 10, Raw(18.5m), 0);
        Assert.Equal(0, p.Quantity(1));
        Assert.Equal(0, p.AvgCostRaw(1));
        Assert.Equal(Raw(-15m), p.RealizedRaw(1));
        Assert.Equal(Raw(100_000m - 15m), p.EquityRaw);
    }

    [Fact]
    public void Reversal_RealizesTheCloseAndOpensTheRemainderAtTheFillPrice()
    {
        (Portfolio p, _) = New();
        p.ApplyFill(0, Side.Buy, 10, Raw(100m), 0);
        p.ApplyFill(0, Side.Sell, 25, Raw(90m), 0);
        Assert.Equal(-15, p.Quantity(0));
        Assert.Equal(Raw(90m), p.AvgCostRaw(0));
        Assert.Equal(Raw(-100m), p.RealizedRaw(0));
    }

    [Fact]
    public void Short_ProfitsWhenPriceFalls()
    {
        (Portfolio p, MarketState m) = New();
        p.ApplyFill(0, Side.Sell, 10, Raw(100m), 0);
        Trade(p, m, 0, Raw(95m), 1);
        Assert.Equal(Raw(50m), p.UnrealizedRaw(0));
        p.ApplyFill(0, Side.Buy, 10, Raw(95m), 0);
        Assert.Equal(Raw(50m), p.RealizedRaw(0));
        Assert.Equal(Raw(100_050m), p.CashRaw);
    }

    [Fact]
    public void Equity_IsAlwaysCashPlusPositionsAtLastPrice()
    {
        (Portfolio p, MarketState m) = New();
        var random = new Random(11);
        long sharesTraded = 0;
        for (int i = 0; i < 2_000; i++)
        {
            int s = random.Next(2);
            long price = Raw(random.Next(50, 150)) + random.Next(0, 1_000_000);
            long quantity = random.Next(1, 20);
            sharesTraded += quantity;
            Trade(p, m, s, price, i);
            p.ApplyFill(s, random.Next(2) == 0 ? Side.Buy : Side.Sell, quantity, price, random.Next(0, 1000));
            long expected = p.CashRaw + (p.Quantity(0) * m.LastRaw(0)) + (p.Quantity(1) * m.LastRaw(1));
            Assert.Equal(expected, p.EquityRaw);
        }

        // Realized + unrealized − commissions equals the change in equity, to the raw unit.
        Assert.Equal(p.EquityRaw - p.StartingCashRaw, p.TotalRealizedRaw + p.TotalUnrealizedRaw - p.CommissionRaw);
        Assert.NotEqual(0, p.TotalRealizedRaw);
        Assert.True(sharesTraded > 10_000);
    }
}
