using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

/// <summary>
/// Property: on 5,000 seeded random prices, every incremental output equals the naive full
/// recompute of <see cref="NaiveIndicators"/> within 1e-9 relative (see <see cref="Approx"/>), at
/// every index, and readiness flips at the documented update. Seeds cover three price levels,
/// including one where the price is large next to its spread.
/// </summary>
public sealed class NaiveRecomputeTests
{
    private const int Length = 5_000;

    public static TheoryData<int, double> Series => new()
    {
        { 1, 100.0 },
        { 42, 60_000.0 },
        { 7, 0.05 },
    };

    [Theory]
    [MemberData(nameof(Series))]
    public void Sma_EveryUpdate_MatchesNaiveWindowMean(int seed, double level)
    {
        double[] prices = TestSeries.Prices(seed, level, Length);
        foreach (int period in new[] { 1, 3, 20, 200 })
        {
            var sma = new Sma(period);
            double[] expected = NaiveIndicators.Sma(prices, period);
            for (int i = 0; i < prices.Length; i++)
            {
                sma.Update(prices[i]);
                Assert.Equal(i + 1 >= period, sma.IsReady);
                Assert.Equal(i + 1, sma.Count);
                Approx.Equal(expected[i], sma.Value, 0, "Sma", i);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Ema_EveryUpdate_MatchesClosedFormWithSmaSeed(int seed, double level)
    {
        double[] prices = TestSeries.Prices(seed, level, Length);
        foreach (int period in new[] { 1, 3, 12, 26 })
        {
            var ema = new Ema(period);
            double[] expected = NaiveIndicators.Ema(prices, period);
            for (int i = 0; i < prices.Length; i++)
            {
                ema.Update(prices[i]);
                Assert.Equal(i + 1 >= period, ema.IsReady);
                Approx.Equal(expected[i], ema.Value, 0, "Ema", i);
                if (i > 0)
                {
                    Approx.Equal(expected[i - 1], ema.PreviousValue, 0, "Ema.PreviousValue", i);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Rsi_EveryUpdate_MatchesClosedFormWilderAverages(int seed, double level)
    {
        double[] prices = TestSeries.Prices(seed, level, Length);
        foreach (int period in new[] { 1, 3, 14 })
        {
            var rsi = new Rsi(period);
            double[] expected = NaiveIndicators.Rsi(prices, period);
            for (int i = 0; i < prices.Length; i++)
            {
                rsi.Update(prices[i]);
                Assert.Equal(i + 1 > period, rsi.IsReady);
                Approx.Equal(expected[i], rsi.Value, 1, "Rsi", i);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Atr_EveryBar_MatchesClosedFormWilderAverage(int seed, double level)
    {
        (double[] high, double[] low, double[] close) = TestSeries.Bars(seed, level, Length);
        foreach (int period in new[] { 1, 3, 14 })
        {
            var atr = new Atr(period);
            double[] expected = NaiveIndicators.Atr(high, low, close, period);
            for (int i = 0; i < close.Length; i++)
            {
                atr.Update(high[i], low[i], close[i]);
                Assert.Equal(i + 1 >= period, atr.IsReady);
                Approx.Equal(expected[i], atr.Value, 0, "Atr", i);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Macd_EveryUpdate_MatchesNaiveLinesOnceDefined(int seed, double level)
    {
        double[] prices = TestSeries.Prices(seed, level, Length);
        foreach ((int fast, int slow, int signal) in new[] { (3, 5, 2), (12, 26, 9) })
        {
            var macd = new Macd(fast, slow, signal);
            (double[] line, double[] signalLine, double[] histogram) = NaiveIndicators.Macd(prices, fast, slow, signal);

            // MACD values cross zero; judge them against the price level (1e-3 of it).
            double floor = level * 1e-3;
            for (int i = 0; i < prices.Length; i++)
            {
                macd.Update(prices[i]);
                Assert.Equal(i + 1 >= slow + signal - 1, macd.IsReady);
                Approx.Equal(line[i], macd.MacdLine, floor, "MacdLine", i);
                if (i >= slow - 1)
                {
                    Approx.Equal(signalLine[i], macd.SignalLine, floor, "SignalLine", i);
                    Approx.Equal(histogram[i], macd.Histogram, floor, "Histogram", i);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void BollingerBands_EveryUpdate_MatchesTwoPassWindowStatistics(int seed, double level)
    {
        double[] prices = TestSeries.Prices(seed, level, Length);
        foreach ((int period, double k) in new[] { (3, 2.0), (20, 2.0), (50, 1.5) })
        {
            var bands = new BollingerBands(period, k);
            var expected = NaiveIndicators.Bollinger(prices, period, k);
            for (int i = 0; i < prices.Length; i++)
            {
                bands.Update(prices[i]);
                Assert.Equal(i + 1 >= period, bands.IsReady);
                Approx.Equal(expected.Middle[i], bands.Middle, 0, "Middle", i);
                Approx.Equal(expected.Upper[i], bands.Upper, 0, "Upper", i);
                Approx.Equal(expected.Lower[i], bands.Lower, 0, "Lower", i);
                if (i > 0)
                {
                    Approx.Equal(expected.StdDev[i], bands.StdDev, 0, "StdDev", i);
                    Approx.Equal(expected.Bandwidth[i], bands.Bandwidth, 0, "Bandwidth", i);
                }

                // %B crosses zero; judge it against its natural scale of 1.
                Approx.Equal(expected.PercentB[i], bands.PercentB, 1, "PercentB", i);
            }
        }
    }
}
