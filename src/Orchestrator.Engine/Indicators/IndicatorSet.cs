using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// One symbol's indicators, updated together: SMA, fast and slow EMA, RSI, MACD, ATR and
/// Bollinger bands, sized from <see cref="IndicatorSettings"/> at construction.
/// </summary>
/// <remarks>
/// <para><see cref="UpdateTrade"/> feeds the trade price to every indicator (ATR treats it as a bar
/// with high = low = close). <see cref="UpdateBar"/> feeds the close to every indicator and the
/// high, low and close to ATR. Feed one set either trades or bars, not both: ATR would mix
/// tick-to-tick and bar ranges.</para>
/// <para>Not thread-safe: the signal engine's thread owns it. Updates are O(1) (amortised for the
/// windowed ones) and allocate nothing.</para>
/// </remarks>
public sealed class IndicatorSet
{
    private int _count;
    private double _lastPrice;

    /// <summary>A set with the default periods.</summary>
    public IndicatorSet()
        : this(IndicatorSettings.Default)
    {
    }

    /// <exception cref="ArgumentOutOfRangeException">When <see cref="IndicatorSettings.Validate"/> reports errors; the message lists all of them.</exception>
    public IndicatorSet(IndicatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<string> errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), string.Join(" ", errors));
        }

        Settings = settings;
        Sma = new Sma(settings.SmaPeriod);
        EmaFast = new Ema(settings.EmaFastPeriod);
        EmaSlow = new Ema(settings.EmaSlowPeriod);
        Rsi = new Rsi(settings.RsiPeriod);
        // With MACD's periods equal to the fast and slow EMAs' (the defaults: 12 and 26), MACD reads those EMAs
        // instead of keeping two more of the same: the same prices in, the same values out, half the work.
        Macd = settings.MacdFastPeriod == settings.EmaFastPeriod && settings.MacdSlowPeriod == settings.EmaSlowPeriod
            ? new Macd(EmaFast, EmaSlow, settings.MacdSignalPeriod)
            : new Macd(settings.MacdFastPeriod, settings.MacdSlowPeriod, settings.MacdSignalPeriod);
        Atr = new Atr(settings.AtrPeriod);
        Bollinger = new BollingerBands(settings.BollingerPeriod, settings.BollingerK);
    }

    public IndicatorSettings Settings { get; }

    public Sma Sma { get; }

    public Ema EmaFast { get; }

    public Ema EmaSlow { get; }

    public Rsi Rsi { get; }

    public Macd Macd { get; }

    public Atr Atr { get; }

    public BollingerBands Bollinger { get; }

    /// <summary>Updates (trades and bars) since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>The latest trade price or bar close (0 before the first update).</summary>
    public double LastPrice => _lastPrice;

    /// <summary>True when every indicator is ready.</summary>
    public bool IsReady =>
        Sma.IsReady && EmaFast.IsReady && EmaSlow.IsReady && Rsi.IsReady && Macd.IsReady && Atr.IsReady && Bollinger.IsReady;

    /// <summary>Feeds a trade price to every indicator. O(1), no allocation, never throws.</summary>
    public void UpdateTrade(double price)
    {
        UpdateCloses(price);
        Atr.Update(price);
    }

    /// <summary>Feeds a bar: the close to every indicator, high/low/close to ATR. O(1), no allocation, never throws.</summary>
    public void UpdateBar(double high, double low, double close)
    {
        UpdateCloses(close);
        Atr.Update(high, low, close);
    }

    /// <summary>Returns every indicator to the state after construction.</summary>
    public void Reset()
    {
        Sma.Reset();
        EmaFast.Reset();
        EmaSlow.Reset();
        Rsi.Reset();
        Macd.Reset();
        Atr.Reset();
        Bollinger.Reset();
        _count = 0;
        _lastPrice = 0;
    }

    private void UpdateCloses(double price)
    {
        Sma.Update(price);
        EmaFast.Update(price);
        EmaSlow.Update(price);
        Rsi.Update(price);
        Macd.Update(price);
        Bollinger.Update(price);
        _lastPrice = price;
        if (_count < int.MaxValue)
        {
            _count++;
        }
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        Sma.WriteState(ref w);
        EmaFast.WriteState(ref w);
        EmaSlow.WriteState(ref w);
        Rsi.WriteState(ref w);
        Macd.WriteState(ref w);
        Atr.WriteState(ref w);
        Bollinger.WriteState(ref w);
        w.Int32(_count);
        w.Double(_lastPrice);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        Sma.ReadState(ref r);
        EmaFast.ReadState(ref r);
        EmaSlow.ReadState(ref r);
        Rsi.ReadState(ref r);
        Macd.ReadState(ref r);
        Atr.ReadState(ref r);
        Bollinger.ReadState(ref r);
        _count = r.Int32();
        _lastPrice = r.Double();
    }
}
