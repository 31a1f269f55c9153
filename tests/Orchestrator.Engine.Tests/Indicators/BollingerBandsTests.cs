using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class BollingerBandsTests
{
    private static readonly double s_sqrt2 = Math.Sqrt(2);

    [Theory]
    [InlineData(0, 2.0)]
    [InlineData(20, -0.5)]
    [InlineData(20, double.NaN)]
    [InlineData(20, double.PositiveInfinity)]
    public void Constructor_WhenPeriodOrKOutOfRange_Throws(int period, double k)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BollingerBands(period, k));
    }

    [Fact]
    public void Update_PeriodThreeKTwo_MatchesHandComputedBands()
    {
        var bands = new BollingerBands(3, 2);

        // 2: one value, no spread: bands collapse, %B = 0.5, bandwidth 0.
        bands.Update(2);
        AssertBands(bands, middle: 2, stdDev: 0, percentB: 0.5, bandwidth: 0);
        Assert.False(bands.IsReady);

        // 4: window 2,4: mean 3, variance ((-1)^2 + 1^2)/2 = 1, bands 1..5, %B = (4-1)/4 = 0.75, bandwidth 4/3.
        bands.Update(4);
        AssertBands(bands, middle: 3, stdDev: 1, percentB: 0.75, bandwidth: 4.0 / 3);

        // 6: window 2,4,6: mean 4, variance (4+0+4)/3 = 8/3; %B = 0.5 + (6-4)/(4 sd); bandwidth = 4 sd / 4 = sd.
        bands.Update(6);
        Assert.True(bands.IsReady);
        double sd = Math.Sqrt(8.0 / 3);
        AssertBands(bands, middle: 4, stdDev: sd, percentB: 0.5 + (2 / (4 * sd)), bandwidth: sd);
        Assert.Equal(4 + (2 * sd), bands.Upper, 12);
        Assert.Equal(4 - (2 * sd), bands.Lower, 12);

        // 6: window 4,6,6: mean 16/3, deviations -4/3, 2/3, 2/3, variance (16/9+4/9+4/9)/3 = 8/9,
        //   sd = 2√2/3; %B = 0.5 + (2/3)/(8√2/3) = 0.5 + 1/(4√2); bandwidth = (8√2/3)/(16/3) = √2/2.
        bands.Update(6);
        AssertBands(bands, middle: 16.0 / 3, stdDev: 2 * s_sqrt2 / 3, percentB: 0.5 + (1 / (4 * s_sqrt2)), bandwidth: s_sqrt2 / 2);

        // 5: window 6,6,5: mean 17/3, deviations 1/3, 1/3, -2/3, variance (1+1+4)/27 = 2/9, sd = √2/3;
        //   %B = 0.5 + (-2/3)/(4√2/3) = 0.5 - 1/(2√2); bandwidth = (4√2/3)/(17/3) = 4√2/17.
        bands.Update(5);
        AssertBands(bands, middle: 17.0 / 3, stdDev: s_sqrt2 / 3, percentB: 0.5 - (1 / (2 * s_sqrt2)), bandwidth: 4 * s_sqrt2 / 17);

        // 5, 5: window 5,5,5: no spread, bands collapse on 5.
        bands.Update(5);
        bands.Update(5);
        AssertBands(bands, middle: 5, stdDev: 0, percentB: 0.5, bandwidth: 0);
        Assert.Equal(5, bands.Upper);
        Assert.Equal(5, bands.Lower);
        Assert.Equal(5, bands.Last);
    }

    [Theory]
    [InlineData(100.2)]
    [InlineData(5.0)]
    [InlineData(61_234.57)]
    public void Update_WindowOfIdenticalValuesAfterMovement_CollapsesBandsExactly(double flat)
    {
        // Without the equal-run check the one-pass variance often leaves a residue of ~1e-17,
        // which the square root turns into a StdDev of ~1e-9 instead of 0; several lead-ins
        // vary where the flat window falls relative to the exact recompute.
        for (int leadIn = 30; leadIn < 40; leadIn++)
        {
            var bands = new BollingerBands(5, 2);
            foreach (double p in TestSeries.Prices(leadIn, flat, leadIn))
            {
                bands.Update(p);
            }

            for (int i = 0; i < 5; i++)
            {
                bands.Update(flat);
            }

            Assert.Equal(flat, bands.Middle);
            Assert.Equal(0.0, bands.StdDev);
            Assert.Equal(flat, bands.Upper);
            Assert.Equal(flat, bands.Lower);
            Assert.Equal(0.5, bands.PercentB);
            Assert.Equal(0.0, bands.Bandwidth);

            bands.Update(flat * 1.001);
            Assert.True(bands.StdDev > 0);
        }
    }

    [Fact]
    public void Bandwidth_WhenMiddleIsZero_IsZero()
    {
        // -1, 0, 1: mean 0, variance 2/3; %B of the last value = 0.5 + 1/(4 sd).
        var bands = new BollingerBands(3, 2);
        bands.Update(-1);
        bands.Update(0);
        bands.Update(1);

        double sd = Math.Sqrt(2.0 / 3);
        AssertBands(bands, middle: 0, stdDev: sd, percentB: 0.5 + (1 / (4 * sd)), bandwidth: 0);
    }

    [Fact]
    public void Update_AfterMillionsOfLargeValues_PeriodicRecomputeLeavesNoDrift()
    {
        // As for Sma: the window 1, 2, 3 ends on a ring wrap, where the sums are recomputed
        // exactly, so the mean is exactly 2 and the variance exactly 2/3.
        var bands = new BollingerBands(3, 2);
        var random = new Random(13);
        for (int i = 0; i < 999_999; i++)
        {
            bands.Update(1_000_000 + random.NextDouble());
        }

        bands.Update(1);
        bands.Update(2);
        bands.Update(3);

        Assert.Equal(2.0, bands.Middle);
        Assert.Equal(Math.Sqrt(2.0 / 3), bands.StdDev);
    }

    [Fact]
    public void StdDev_WhenLevelIsLargeAndSpreadTiny_StaysAccurate()
    {
        // Prices near 10^8 moving by cents: Σx² ≈ 2·10^17 has an ulp of 32, so an unshifted
        // one-pass variance would be noise; the shifted sums keep 1e-9 relative accuracy.
        var prices = new double[500];
        for (int i = 0; i < prices.Length; i++)
        {
            prices[i] = 100_000_000 + ((i * 7 % 11) * 0.01);
        }

        var bands = new BollingerBands(20, 2);
        var expected = NaiveIndicators.Bollinger(prices, 20, 2);
        for (int i = 0; i < prices.Length; i++)
        {
            bands.Update(prices[i]);
            Approx.Equal(expected.Middle[i], bands.Middle, 0, "Middle", i);
            if (i > 0)
            {
                Approx.Equal(expected.StdDev[i], bands.StdDev, 0, "StdDev", i);
            }
        }
    }

    [Fact]
    public void Reset_ReturnsToConstructionState()
    {
        var bands = new BollingerBands(3, 2);
        bands.Update(1);
        bands.Update(5);
        bands.Update(9);

        bands.Reset();

        Assert.Equal(0, bands.Count);
        Assert.False(bands.IsReady);
        Assert.Equal(0, bands.Middle);
        Assert.Equal(0, bands.StdDev);
        bands.Update(4);
        AssertBands(bands, middle: 4, stdDev: 0, percentB: 0.5, bandwidth: 0);
    }

    private static void AssertBands(BollingerBands bands, double middle, double stdDev, double percentB, double bandwidth)
    {
        Assert.Equal(middle, bands.Middle, 12);
        Assert.Equal(stdDev, bands.StdDev, 12);
        Assert.Equal(middle + (bands.K * stdDev), bands.Upper, 12);
        Assert.Equal(middle - (bands.K * stdDev), bands.Lower, 12);
        Assert.Equal(percentB, bands.PercentB, 12);
        Assert.Equal(bandwidth, bands.Bandwidth, 12);
    }
}
