using System.Globalization;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// The built-in rules: a fast/slow simple-moving-average crossover on bar closes (fast crossing
/// above slow is BUY, below is SELL) and RSI thresholds (falling below <see cref="RsiOversold"/>
/// is BUY, rising above <see cref="RsiOverbought"/> is SELL). Either can be switched off.
/// </summary>
public sealed record RuleStrategyOptions
{
    /// <summary>The defaults: SMA 10/30 crossover and RSI 14 with 30/70.</summary>
    public static RuleStrategyOptions Default { get; } = new();

    public bool UseSmaCrossover { get; init; } = true;

    public int FastPeriod { get; init; } = 10;

    public int SlowPeriod { get; init; } = 30;

    public bool UseRsi { get; init; } = true;

    public int RsiPeriod { get; init; } = 14;

    public decimal RsiOversold { get; init; } = 30m;

    public decimal RsiOverbought { get; init; } = 70m;

    /// <summary>Confidence of a signal from the crossover alone.</summary>
    public decimal CrossoverConfidence { get; init; } = 0.6m;

    /// <summary>Confidence of a signal from RSI alone.</summary>
    public decimal RsiConfidence { get; init; } = 0.5m;

    /// <summary>Confidence when both rules agree on the same bar.</summary>
    public decimal CombinedConfidence { get; init; } = 0.8m;

    /// <summary>Every problem at once, each as "Key: reason"; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!UseSmaCrossover && !UseRsi)
        {
            errors.Add("UseSmaCrossover/UseRsi: at least one rule must be on");
        }

        if (FastPeriod < 1 || SlowPeriod <= FastPeriod)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"FastPeriod/SlowPeriod: need 1 <= fast < slow (were {FastPeriod}/{SlowPeriod})"));
        }

        if (RsiPeriod < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RsiPeriod: must be at least 1 (was {RsiPeriod})"));
        }

        if (RsiOversold <= 0 || RsiOverbought >= 100 || RsiOversold >= RsiOverbought)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RsiOversold/RsiOverbought: need 0 < oversold < overbought < 100 (were {RsiOversold}/{RsiOverbought})"));
        }

        CheckConfidence(errors, nameof(CrossoverConfidence), CrossoverConfidence);
        CheckConfidence(errors, nameof(RsiConfidence), RsiConfidence);
        CheckConfidence(errors, nameof(CombinedConfidence), CombinedConfidence);
        return errors;
    }

    private static void CheckConfidence(List<string> errors, string key, decimal value)
    {
        if (value is < 0 or > 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: must be in 0..1 (was {value})"));
        }
    }
}
