using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class AtrTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Constructor_WhenPeriodLessThanOne_Throws(int period)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Atr(period));
    }

    [Fact]
    public void Update_PeriodThreeBars_MatchesHandComputedWilderValues()
    {
        // Bar (H, L, C)          TR = max(H-L, |H-prevC|, |L-prevC|)
        // 1 (10,   8,   9)       first bar: 10-8 = 2                      mean 2
        // 2 (12,   9.5, 11)      max(2.5, |12-9| = 3, |9.5-9| = 0.5) = 3   mean 2.5
        // 3 (11.5, 10.5, 11)     max(1, 0.5, 0.5) = 1                      ATR = (2+3+1)/3 = 2, ready
        // 4 (11,   8,   8.5)     max(3, |11-11| = 0, |8-11| = 3) = 3       ATR = (2*2 + 3)/3 = 7/3
        // 5 (10,   9.5, 9.75)    max(0.5, |10-8.5| = 1.5, 1) = 1.5         ATR = (7/3*2 + 1.5)/3 = 37/18
        var atr = new Atr(3);

        atr.Update(10, 8, 9);
        Assert.Equal(2, atr.TrueRange);
        Assert.Equal(2, atr.Value);
        Assert.False(atr.IsReady);

        atr.Update(12, 9.5, 11);
        Assert.Equal(3, atr.TrueRange);
        Assert.Equal(2.5, atr.Value);

        atr.Update(11.5, 10.5, 11);
        Assert.Equal(1, atr.TrueRange);
        Assert.Equal(2, atr.Value);
        Assert.True(atr.IsReady);

        atr.Update(11, 8, 8.5);
        Assert.Equal(3, atr.TrueRange);
        Assert.Equal(7.0 / 3, atr.Value, 12);

        atr.Update(10, 9.5, 9.75);
        Assert.Equal(1.5, atr.TrueRange);
        Assert.Equal(37.0 / 18, atr.Value, 12);
        Assert.Equal(5, atr.Count);
    }

    [Fact]
    public void Update_TradePrice_IsBarWithEqualHighLowClose()
    {
        // ATR(2) on prices 10, 11, 9, 9.5: TR 0 (first bar H-L), 1, 2, 0.5.
        // Seed (0+1)/2 = 0.5; then (0.5*1 + 2)/2 = 1.25; then (1.25*1 + 0.5)/2 = 0.875.
        var atr = new Atr(2);
        atr.Update(10);
        atr.Update(11);
        Assert.Equal(0.5, atr.Value);
        atr.Update(9);
        Assert.Equal(1.25, atr.Value);
        atr.Update(9.5);
        Assert.Equal(0.875, atr.Value);
    }

    [Fact]
    public void Reset_ReturnsToConstructionState()
    {
        var atr = new Atr(2);
        atr.Update(10, 8, 9);
        atr.Update(12, 9, 11);

        atr.Reset();

        Assert.Equal(0, atr.Count);
        Assert.Equal(0, atr.Value);
        Assert.Equal(0, atr.TrueRange);
        Assert.False(atr.IsReady);
        atr.Update(5, 4, 4.5);
        Assert.Equal(1, atr.TrueRange);
    }
}
