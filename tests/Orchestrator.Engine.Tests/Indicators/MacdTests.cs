using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class MacdTests
{
    [Theory]
    [InlineData(5, 5, 2)]
    [InlineData(6, 5, 2)]
    [InlineData(0, 5, 2)]
    [InlineData(3, 5, 0)]
    public void Constructor_WhenPeriodsOutOfRangeOrFastNotBelowSlow_Throws(int fast, int slow, int signal)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Macd(fast, slow, signal));
    }

    [Fact]
    public void Update_SmallPeriods_MatchesHandComputedLines()
    {
        // MACD(3, 5, 2): fast alpha 1/2, slow alpha 1/3, signal alpha 2/3. Prices 10, 11, 12, 13, 14, 13, 12.
        //  i  price  fast EMA(3)             slow EMA(5)                   MACD          signal EMA(2)
        //  0  10     10 (mean)               10 (mean)                     0             -
        //  1  11     10.5 (mean)             10.5 (mean)                   0             -
        //  2  12     11 (seed)               11 (mean)                     0             -
        //  3  13     11 + (13-11)/2 = 12     11.5 (mean)                   0.5           -
        //  4  14     12 + (14-12)/2 = 13     12 (seed)                     1             1 (mean of 1)
        //  5  13     13                      12 + (13-12)/3 = 37/3          2/3           (1 + 2/3)/2 = 5/6 (seed)
        //  6  12     13 + (12-13)/2 = 12.5   37/3 + (12-37/3)/3 = 110/9     12.5-110/9 = 5/18
        //                                                         signal = 5/6 + 2/3·(5/18 - 5/6) = 25/54
        // Histogram at 5: 2/3 - 5/6 = -1/6; at 6: 5/18 - 25/54 = -5/27.
        var macd = new Macd(3, 5, 2);
        double[] prices = [10, 11, 12, 13, 14, 13, 12];
        double[] line = [0, 0, 0, 0.5, 1, 2.0 / 3, 5.0 / 18];
        for (int i = 0; i < 4; i++)
        {
            macd.Update(prices[i]);
            Assert.Equal(line[i], macd.MacdLine, 12);
            Assert.Equal(0, macd.SignalLine);
            Assert.Equal(line[i], macd.Histogram, 12);
            Assert.False(macd.IsReady);
        }

        macd.Update(14);
        Assert.Equal(1, macd.MacdLine, 12);
        Assert.Equal(1, macd.SignalLine, 12);
        Assert.Equal(0, macd.Histogram, 12);
        Assert.False(macd.IsReady);

        macd.Update(13);
        Assert.True(macd.IsReady);
        Assert.Equal(2.0 / 3, macd.MacdLine, 12);
        Assert.Equal(5.0 / 6, macd.SignalLine, 12);
        Assert.Equal(-1.0 / 6, macd.Histogram, 12);

        macd.Update(12);
        Assert.Equal(5.0 / 18, macd.MacdLine, 12);
        Assert.Equal(25.0 / 54, macd.SignalLine, 12);
        Assert.Equal(-5.0 / 27, macd.Histogram, 12);
        Assert.Equal(7, macd.Count);
    }

    [Fact]
    public void IsReady_AfterSlowPlusSignalMinusOnePrices()
    {
        var macd = new Macd();
        for (int i = 0; i < 26 + 9 - 2; i++)
        {
            macd.Update(100 + (i % 5));
            Assert.False(macd.IsReady);
        }

        macd.Update(100);
        Assert.True(macd.IsReady);
    }

    [Fact]
    public void Reset_ReturnsToConstructionState()
    {
        var macd = new Macd(3, 5, 2);
        foreach (double p in new double[] { 10, 11, 12, 13, 14, 13, 12 })
        {
            macd.Update(p);
        }

        macd.Reset();

        Assert.Equal(0, macd.Count);
        Assert.False(macd.IsReady);
        Assert.Equal(0, macd.MacdLine);
        Assert.Equal(0, macd.SignalLine);
        Assert.Equal(0, macd.Histogram);
    }
}
