using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class EmaTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Constructor_WhenPeriodLessThanOne_Throws(int period)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ema(period));
    }

    [Fact]
    public void Update_SeededWithSmaOfFirstPeriodValues_ThenSmoothsWithTwoOverPeriodPlusOne()
    {
        // EMA(3): alpha = 2/(3+1) = 0.5.
        // 2 -> running mean 2; 4 -> 3; 6 -> seed (2+4+6)/3 = 4, ready.
        // 8 -> 4 + 0.5*(8-4) = 6; 4 -> 6 + 0.5*(4-6) = 5; 10 -> 5 + 0.5*(10-5) = 7.5.
        var ema = new Ema(3);
        Assert.Equal(0.5, ema.Alpha);
        double[] input = [2, 4, 6, 8, 4, 10];
        double[] expected = [2, 3, 4, 6, 5, 7.5];
        bool[] ready = [false, false, true, true, true, true];
        for (int i = 0; i < input.Length; i++)
        {
            ema.Update(input[i]);
            Assert.Equal(expected[i], ema.Value);
            Assert.Equal(ready[i], ema.IsReady);
        }
    }

    [Fact]
    public void Update_PeriodFour_UsesAlphaPointFour()
    {
        // EMA(4): alpha = 2/5 = 0.4. Seed (1+2+3+4)/4 = 2.5.
        // 5 -> 2.5 + 0.4*(5-2.5) = 3.5; 10 -> 3.5 + 0.4*(10-3.5) = 6.1.
        var ema = new Ema(4);
        foreach (double x in new double[] { 1, 2, 3, 4 })
        {
            ema.Update(x);
        }

        Assert.Equal(2.5, ema.Value);
        ema.Update(5);
        Assert.Equal(3.5, ema.Value, 12);
        ema.Update(10);
        Assert.Equal(6.1, ema.Value, 12);
    }

    [Fact]
    public void PreviousValue_IsValueBeforeLatestUpdate_SoCrossoversCanBeDetected()
    {
        // Same EMA(3) series as above: ... 6, 5, 7.5.
        var ema = new Ema(3);
        Assert.Equal(0, ema.PreviousValue);
        foreach (double x in new double[] { 2, 4, 6, 8 })
        {
            ema.Update(x);
        }

        Assert.Equal(4, ema.PreviousValue);
        Assert.Equal(6, ema.Value);
        ema.Update(4);
        Assert.Equal(6, ema.PreviousValue);
        Assert.Equal(5, ema.Value);
    }

    [Fact]
    public void CrossoverDetection_FastAboveSlowAfterBeingBelow_IsSeenOnExactlyOneUpdate()
    {
        // A falling then rising series: the fast EMA crosses above the slow EMA once.
        var fast = new Ema(2);
        var slow = new Ema(4);
        double[] input = [10, 9, 8, 7, 6, 5, 6, 7, 8, 9, 10];
        int crossings = 0;
        foreach (double x in input)
        {
            fast.Update(x);
            slow.Update(x);
            if (fast.Count > fast.Period && slow.Count > slow.Period
                && fast.PreviousValue <= slow.PreviousValue && fast.Value > slow.Value)
            {
                crossings++;
            }
        }

        Assert.Equal(1, crossings);
    }

    [Fact]
    public void Reset_ReturnsToConstructionState()
    {
        var ema = new Ema(3);
        ema.Update(1);
        ema.Update(2);
        ema.Update(3);
        ema.Update(4);

        ema.Reset();

        Assert.Equal(0, ema.Count);
        Assert.Equal(0, ema.Value);
        Assert.Equal(0, ema.PreviousValue);
        Assert.False(ema.IsReady);
        ema.Update(5);
        Assert.Equal(5, ema.Value);
    }
}
