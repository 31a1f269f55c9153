using Orchestrator.Engine.Indicators;

namespace Orchestrator.Engine.Tests.Indicators;

public sealed class IndicatorSetTests
{
    private static readonly IndicatorSettings s_small = new()
    {
        SmaPeriod = 4,
        EmaFastPeriod = 3,
        EmaSlowPeriod = 6,
        RsiPeriod = 5,
        MacdFastPeriod = 3,
        MacdSlowPeriod = 5,
        MacdSignalPeriod = 2,
        AtrPeriod = 4,
        BollingerPeriod = 5,
        BollingerK = 1.5,
    };

    [Fact]
    public void Settings_Defaults_AreTheCustomaryPeriods()
    {
        var set = new IndicatorSet();

        Assert.Equal(20, set.Sma.Period);
        Assert.Equal(12, set.EmaFast.Period);
        Assert.Equal(26, set.EmaSlow.Period);
        Assert.Equal(14, set.Rsi.Period);
        Assert.Equal((12, 26, 9), (set.Macd.FastPeriod, set.Macd.SlowPeriod, set.Macd.SignalPeriod));
        Assert.Equal(14, set.Atr.Period);
        Assert.Equal(20, set.Bollinger.Period);
        Assert.Equal(2.0, set.Bollinger.K);
        Assert.Empty(IndicatorSettings.Default.Validate());
    }

    [Fact]
    public void Constructor_WhenSettingsInvalid_ThrowsListingEveryError()
    {
        var settings = new IndicatorSettings { SmaPeriod = 0, AtrPeriod = -1, MacdFastPeriod = 30, BollingerK = double.NaN };

        IReadOnlyList<string> errors = settings.Validate();
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new IndicatorSet(settings));

        Assert.Equal(4, errors.Count);
        foreach (string key in new[] { "SmaPeriod", "AtrPeriod", "MacdFastPeriod", "BollingerK" })
        {
            Assert.Contains(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
            Assert.Contains(key, exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UpdateTrade_FeedsThePriceToEveryIndicator()
    {
        double[] prices = TestSeries.Prices(3, 100, 200);
        var set = new IndicatorSet(s_small);
        var sma = new Sma(4);
        var emaFast = new Ema(3);
        var emaSlow = new Ema(6);
        var rsi = new Rsi(5);
        var macd = new Macd(3, 5, 2);
        var atr = new Atr(4);
        var bands = new BollingerBands(5, 1.5);
        foreach (double p in prices)
        {
            set.UpdateTrade(p);
            sma.Update(p);
            emaFast.Update(p);
            emaSlow.Update(p);
            rsi.Update(p);
            macd.Update(p);
            atr.Update(p);
            bands.Update(p);

            Assert.Equal(sma.Value, set.Sma.Value);
            Assert.Equal(emaFast.Value, set.EmaFast.Value);
            Assert.Equal(emaSlow.Value, set.EmaSlow.Value);
            Assert.Equal(rsi.Value, set.Rsi.Value);
            Assert.Equal(macd.Histogram, set.Macd.Histogram);
            Assert.Equal(atr.Value, set.Atr.Value);
            Assert.Equal(bands.PercentB, set.Bollinger.PercentB);
            Assert.Equal(p, set.LastPrice);
        }

        Assert.Equal(prices.Length, set.Count);
        Assert.True(set.IsReady);
    }

    [Fact]
    public void UpdateBar_FeedsCloseToEveryIndicatorAndHighLowCloseToAtr()
    {
        (double[] high, double[] low, double[] close) = TestSeries.Bars(4, 100, 200);
        var set = new IndicatorSet(s_small);
        var sma = new Sma(4);
        var rsi = new Rsi(5);
        var atr = new Atr(4);
        var bands = new BollingerBands(5, 1.5);
        for (int i = 0; i < close.Length; i++)
        {
            set.UpdateBar(high[i], low[i], close[i]);
            sma.Update(close[i]);
            rsi.Update(close[i]);
            atr.Update(high[i], low[i], close[i]);
            bands.Update(close[i]);

            Assert.Equal(sma.Value, set.Sma.Value);
            Assert.Equal(rsi.Value, set.Rsi.Value);
            Assert.Equal(atr.Value, set.Atr.Value);
            Assert.Equal(atr.TrueRange, set.Atr.TrueRange);
            Assert.Equal(bands.StdDev, set.Bollinger.StdDev);
        }
    }

    [Fact]
    public void IsReady_OnlyWhenEveryIndicatorIsReady()
    {
        // With s_small the slowest is MACD: 5 + 2 - 1 = 6 prices.
        var set = new IndicatorSet(s_small);
        for (int i = 0; i < 5; i++)
        {
            set.UpdateTrade(100 + i);
            Assert.False(set.IsReady);
        }

        set.UpdateTrade(99);
        Assert.True(set.IsReady);
    }

    [Fact]
    public void Reset_ThenSameInputs_GivesBitIdenticalOutputsToAFreshSet()
    {
        double[] prices = TestSeries.Prices(9, 250, 500);
        var used = new IndicatorSet(s_small);
        foreach (double p in TestSeries.Prices(10, 80, 300))
        {
            used.UpdateTrade(p);
        }

        used.Reset();
        Assert.Equal(0, used.Count);
        Assert.False(used.IsReady);
        var fresh = new IndicatorSet(s_small);
        foreach (double p in prices)
        {
            used.UpdateTrade(p);
            fresh.UpdateTrade(p);
            Assert.Equal(Snapshot(fresh), Snapshot(used));
        }
    }

    [Fact]
    public void DefaultPeriods_MacdReadsTheSetsEmas_AndGivesTheBitsOfAStandaloneMacd_ThroughResetAndRestore()
    {
        // MACD's 12/26 are the set's fast and slow EMAs: the set keeps them once (the engine's per-event cost), the values must not move.
        var set = new IndicatorSet();
        var macd = new Macd(12, 26, 9);
        var bands = new BollingerBands(20, 2.0);
        var sma = new Sma(20);
        foreach (double p in TestSeries.Prices(11, 90, 400))
        {
            set.UpdateTrade(p);
            macd.Update(p);
            bands.Update(p);
            sma.Update(p);
            Assert.Equal((Bits(macd.MacdLine), Bits(macd.SignalLine), Bits(macd.Histogram), macd.IsReady), (Bits(set.Macd.MacdLine), Bits(set.Macd.SignalLine), Bits(set.Macd.Histogram), set.Macd.IsReady));
            Assert.Equal((Bits(bands.Upper), Bits(bands.Lower), Bits(sma.Value)), (Bits(set.Bollinger.Upper), Bits(set.Bollinger.Lower), Bits(set.Sma.Value)));
        }

        // A snapshot of the set restores into a fresh set that goes on exactly as the original.
        var buffer = new byte[8192];
        var writer = new Orchestrator.Engine.Snapshots.StateWriter(buffer);
        set.WriteState(ref writer);
        var restored = new IndicatorSet();
        var reader = new Orchestrator.Engine.Snapshots.StateReader(buffer.AsSpan(0, writer.Position));
        restored.ReadState(ref reader);
        Assert.Equal(writer.Position, reader.Position);
        Assert.Equal(Snapshot(set), Snapshot(restored));
        foreach (double p in TestSeries.Prices(12, 95, 100))
        {
            set.UpdateTrade(p);
            restored.UpdateTrade(p);
            macd.Update(p);
            Assert.Equal(Snapshot(set), Snapshot(restored));
            Assert.Equal(Bits(macd.Histogram), Bits(restored.Macd.Histogram));
        }

        set.Reset();
        macd.Reset();
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (set.Macd.MacdLine, set.Macd.Histogram, set.Bollinger.Upper, set.Sma.Value));
        foreach (double p in TestSeries.Prices(13, 50, 60))
        {
            set.UpdateTrade(p);
            macd.Update(p);
            Assert.Equal((Bits(macd.MacdLine), Bits(macd.Histogram)), (Bits(set.Macd.MacdLine), Bits(set.Macd.Histogram)));
        }
    }

    private static long[] Snapshot(IndicatorSet set) =>
    [
        Bits(set.Sma.Value), Bits(set.EmaFast.Value), Bits(set.EmaFast.PreviousValue), Bits(set.EmaSlow.Value),
        Bits(set.Rsi.Value), Bits(set.Macd.MacdLine), Bits(set.Macd.SignalLine), Bits(set.Macd.Histogram),
        Bits(set.Atr.Value), Bits(set.Bollinger.Middle), Bits(set.Bollinger.StdDev), Bits(set.Bollinger.PercentB),
        Bits(set.Bollinger.Bandwidth),
    ];

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);
}
