using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class RsiTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-14)]
    public void Constructor_WhenPeriodLessThanOne_Throws(int period)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rsi(period));
    }

    [Fact]
    public void Update_PeriodThree_MatchesHandComputedWilderValues()
    {
        // Prices 44, 46, 45, 48, 47, 49, 46 -> changes +2, -1, +3, -1, +2, -3.
        // Seed after 4 prices (3 changes): avgGain = (2+0+3)/3 = 5/3, avgLoss = (0+1+0)/3 = 1/3,
        //   RS = 5, RSI = 100 - 100/6 = 83.333...
        // 47 (-1): avgGain = (5/3*2 + 0)/3 = 10/9, avgLoss = (1/3*2 + 1)/3 = 5/9, RS = 2, RSI = 66.666...
        // 49 (+2): avgGain = (10/9*2 + 2)/3 = 38/27, avgLoss = (5/9*2 + 0)/3 = 10/27, RS = 3.8, RSI = 79.1666...
        // 46 (-3): avgGain = (38/27*2 + 0)/3 = 76/81, avgLoss = (10/27*2 + 3)/3 = 101/81, RS = 76/101,
        //   RSI = 100 * 76/177 = 42.937853...
        var rsi = new Rsi(3);
        double[] prices = [44, 46, 45, 48, 47, 49, 46];
        for (int i = 0; i < 3; i++)
        {
            rsi.Update(prices[i]);
            Assert.False(rsi.IsReady);
        }

        rsi.Update(48);
        Assert.True(rsi.IsReady);
        Assert.Equal(5.0 / 3, rsi.AverageGain, 12);
        Assert.Equal(1.0 / 3, rsi.AverageLoss, 12);
        Assert.Equal(100 - (100.0 / 6), rsi.Value, 10);

        rsi.Update(47);
        Assert.Equal(200.0 / 3, rsi.Value, 10);

        rsi.Update(49);
        Assert.Equal(38.0 / 27, rsi.AverageGain, 12);
        Assert.Equal(10.0 / 27, rsi.AverageLoss, 12);
        Assert.Equal(100 * 38.0 / 48, rsi.Value, 10);

        rsi.Update(46);
        Assert.Equal(76.0 / 81, rsi.AverageGain, 12);
        Assert.Equal(101.0 / 81, rsi.AverageLoss, 12);
        Assert.Equal(100 * 76.0 / 177, rsi.Value, 10);
        Assert.Equal(7, rsi.Count);
    }

    [Fact]
    public void Value_WhenOnlyGains_IsOneHundred()
    {
        var rsi = new Rsi(3);
        foreach (double p in new double[] { 1, 2, 3, 4, 5 })
        {
            rsi.Update(p);
        }

        Assert.True(rsi.IsReady);
        Assert.Equal(100, rsi.Value);
    }

    [Fact]
    public void Value_WhenOnlyLosses_IsZero()
    {
        var rsi = new Rsi(3);
        foreach (double p in new double[] { 5, 4, 3, 2, 1 })
        {
            rsi.Update(p);
        }

        Assert.Equal(0, rsi.Value);
    }

    [Fact]
    public void Value_WhenPriceNeverMoves_IsFifty()
    {
        var rsi = new Rsi(3);
        Assert.Equal(50, rsi.Value);
        for (int i = 0; i < 10; i++)
        {
            rsi.Update(42);
        }

        Assert.True(rsi.IsReady);
        Assert.Equal(50, rsi.Value);
    }

    [Fact]
    public void IsReady_AfterPeriodPlusOnePrices()
    {
        var rsi = new Rsi();
        for (int i = 0; i < 14; i++)
        {
            rsi.Update(100 + (i % 3));
            Assert.False(rsi.IsReady);
        }

        rsi.Update(100);
        Assert.True(rsi.IsReady);
        Assert.Equal(14, rsi.Period);
    }

    [Fact]
    public void Reset_ReturnsToConstructionState()
    {
        var rsi = new Rsi(2);
        foreach (double p in new double[] { 1, 3, 2, 5 })
        {
            rsi.Update(p);
        }

        rsi.Reset();

        Assert.Equal(0, rsi.Count);
        Assert.Equal(50, rsi.Value);
        Assert.False(rsi.IsReady);
        rsi.Update(10);
        rsi.Update(11);
        rsi.Update(12);
        Assert.Equal(100, rsi.Value);
    }
}
