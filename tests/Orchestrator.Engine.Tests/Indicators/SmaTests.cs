using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class SmaTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_WhenPeriodLessThanOne_Throws(int period)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sma(period));
    }

    [Fact]
    public void Update_AfterPeriodValues_ReturnsArithmeticMean()
    {
        // SMA(3) over 1..6: (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4, (4+5+6)/3 = 5.
        var sma = new Sma(3);
        double[] expected = [1, 1.5, 2, 3, 4, 5];
        bool[] ready = [false, false, true, true, true, true];
        for (int i = 0; i < 6; i++)
        {
            sma.Update(i + 1);
            Assert.Equal(expected[i], sma.Value);
            Assert.Equal(ready[i], sma.IsReady);
            Assert.Equal(i + 1, sma.Count);
        }
    }

    [Fact]
    public void Value_BeforeFirstUpdate_IsZeroAndNotReady()
    {
        var sma = new Sma(3);

        Assert.Equal(0, sma.Value);
        Assert.False(sma.IsReady);
        Assert.Equal(0, sma.Count);
    }

    [Fact]
    public void Update_PeriodOne_ReturnsLastValue()
    {
        var sma = new Sma(1);
        sma.Update(7.25);
        sma.Update(-3.5);

        Assert.True(sma.IsReady);
        Assert.Equal(-3.5, sma.Value);
    }

    [Fact]
    public void Update_AfterMillionsOfLargeValues_PeriodicRecomputeLeavesNoDrift()
    {
        // A running sum over a million values near 10^6 collects ~10^-7 of rounding error; the
        // exact recompute on every wrap of the ring (here: every 3rd update) removes it, so a
        // window of 1, 2, 3 that ends on a wrap has a mean of exactly 2.
        var sma = new Sma(3);
        var random = new Random(11);
        for (int i = 0; i < 999_999; i++)
        {
            sma.Update(1_000_000 + random.NextDouble());
        }

        sma.Update(1);
        sma.Update(2);
        sma.Update(3);

        Assert.Equal(2.0, sma.Value);
    }

    [Fact]
    public void Reset_ThenSameInputs_GivesBitIdenticalValues()
    {
        double[] prices = TestSeries.Prices(5, 100, 100);
        var sma = new Sma(7);
        var first = new double[prices.Length];
        for (int i = 0; i < prices.Length; i++)
        {
            sma.Update(prices[i]);
            first[i] = sma.Value;
        }

        sma.Reset();
        Assert.Equal(0, sma.Count);
        Assert.False(sma.IsReady);
        for (int i = 0; i < prices.Length; i++)
        {
            sma.Update(prices[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(first[i]), BitConverter.DoubleToInt64Bits(sma.Value));
        }
    }
}
