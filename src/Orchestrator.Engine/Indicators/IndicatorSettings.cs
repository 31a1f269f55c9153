using System.Globalization;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Periods of one symbol's <see cref="IndicatorSet"/>, bound once from configuration. The
/// defaults are the customary ones (SMA 20, EMA 12/26, RSI 14, MACD 12/26/9, ATR 14, Bollinger 20/2).
/// </summary>
public sealed record IndicatorSettings
{
    /// <summary>The defaults.</summary>
    public static IndicatorSettings Default { get; } = new();

    public int SmaPeriod { get; init; } = 20;

    public int EmaFastPeriod { get; init; } = 12;

    public int EmaSlowPeriod { get; init; } = 26;

    public int RsiPeriod { get; init; } = 14;

    public int MacdFastPeriod { get; init; } = 12;

    public int MacdSlowPeriod { get; init; } = 26;

    public int MacdSignalPeriod { get; init; } = 9;

    public int AtrPeriod { get; init; } = 14;

    public int BollingerPeriod { get; init; } = 20;

    /// <summary>Bollinger band width in standard deviations.</summary>
    public double BollingerK { get; init; } = 2.0;

    /// <summary>Every problem at once, each as "Key: reason"; empty when the settings are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        RequirePositive(errors, nameof(SmaPeriod), SmaPeriod);
        RequirePositive(errors, nameof(EmaFastPeriod), EmaFastPeriod);
        RequirePositive(errors, nameof(EmaSlowPeriod), EmaSlowPeriod);
        RequirePositive(errors, nameof(RsiPeriod), RsiPeriod);
        RequirePositive(errors, nameof(MacdFastPeriod), MacdFastPeriod);
        RequirePositive(errors, nameof(MacdSlowPeriod), MacdSlowPeriod);
        RequirePositive(errors, nameof(MacdSignalPeriod), MacdSignalPeriod);
        RequirePositive(errors, nameof(AtrPeriod), AtrPeriod);
        RequirePositive(errors, nameof(BollingerPeriod), BollingerPeriod);
        if (MacdFastPeriod >= MacdSlowPeriod)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(MacdFastPeriod)}: must be less than {nameof(MacdSlowPeriod)} ({MacdFastPeriod} >= {MacdSlowPeriod})."));
        }

        if (!double.IsFinite(BollingerK) || BollingerK < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(BollingerK)}: must be finite and at least 0 (was {BollingerK})."));
        }

        return errors;
    }

    private static void RequirePositive(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: must be at least 1 (was {value})."));
        }
    }
}
