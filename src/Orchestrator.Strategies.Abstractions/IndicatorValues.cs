namespace Orchestrator.Strategies;

/// <summary>
/// The engine's indicators of one symbol as they are now (its IndicatorSet, fed by every trade or
/// feed bar of the symbol, periods from the engine's rule settings). Values are statistics
/// (<c>double</c>, price units); each is meaningful only when its <c>…Ready</c> flag is true.
/// </summary>
public readonly struct IndicatorValues
{
    public IndicatorValues(int count, double lastPrice, double sma, bool smaReady, double emaFast, double emaSlow, bool emaReady, double rsi, bool rsiReady, double atr, bool atrReady, double macdLine, double macdSignal, bool macdReady, double bollingerUpper, double bollingerMiddle, double bollingerLower, bool bollingerReady)
    {
        Count = count;
        LastPrice = lastPrice;
        Sma = sma;
        SmaReady = smaReady;
        EmaFast = emaFast;
        EmaSlow = emaSlow;
        EmaReady = emaReady;
        Rsi = rsi;
        RsiReady = rsiReady;
        Atr = atr;
        AtrReady = atrReady;
        MacdLine = macdLine;
        MacdSignal = macdSignal;
        MacdReady = macdReady;
        BollingerUpper = bollingerUpper;
        BollingerMiddle = bollingerMiddle;
        BollingerLower = bollingerLower;
        BollingerReady = bollingerReady;
    }

    /// <summary>Updates the indicators have had.</summary>
    public int Count { get; }

    public double LastPrice { get; }

    public double Sma { get; }

    public bool SmaReady { get; }

    public double EmaFast { get; }

    public double EmaSlow { get; }

    /// <summary>Both EMAs are ready.</summary>
    public bool EmaReady { get; }

    public double Rsi { get; }

    public bool RsiReady { get; }

    public double Atr { get; }

    public bool AtrReady { get; }

    public double MacdLine { get; }

    public double MacdSignal { get; }

    public bool MacdReady { get; }

    public double BollingerUpper { get; }

    public double BollingerMiddle { get; }

    public double BollingerLower { get; }

    public bool BollingerReady { get; }
}
