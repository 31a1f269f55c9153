using System.Globalization;
using System.Text;
using Orchestrator.Agents.Market;
using Orchestrator.Core;
using Orchestrator.Engine.Indicators;
using Orchestrator.Engine.Rules;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// The built-in rules on bar closes, computed with the engine's own code so agents and engine
/// agree on every value: <see cref="Sma"/> for the crossover, and the signal engine's
/// <see cref="RsiReversionRule"/> over an <see cref="IndicatorSet"/> for the RSI thresholds.
/// </summary>
/// <remarks>
/// Stateless: each evaluation replays the given bars through fresh indicators. A rule fires on
/// the bar where its condition turns true (a cross), not on every bar while it holds, so the
/// same market gives one signal, not one per call. (The engine's own momentum rule crosses
/// EMAs; this agent's crossover is of simple averages, with its own periods.)
/// </remarks>
internal static class RuleStrategy
{
    /// <summary>
    /// The latest signal that fired on a bar newer than <paramref name="afterStartNs"/> (only the
    /// newest bar when it is <see cref="long.MinValue"/>, i.e. on the first evaluation), or null.
    /// </summary>
    /// <param name="symbol">The symbol the bars are of.</param>
    /// <param name="bars">Completed bars, oldest first.</param>
    /// <param name="afterStartNs">Start of the newest bar already evaluated.</param>
    /// <param name="options">The rules.</param>
    /// <param name="firedOn">The bar the signal fired on.</param>
    public static ProposedSignal? Evaluate(string symbol, IReadOnlyList<Bar> bars, long afterStartNs, RuleStrategyOptions options, out Bar firedOn)
    {
        firedOn = default;
        var fast = new Sma(options.FastPeriod);
        var slow = new Sma(options.SlowPeriod);
        var indicators = new IndicatorSet(new IndicatorSettings { RsiPeriod = options.RsiPeriod });
        var rsiRule = new RsiReversionRule(1, (double)options.RsiOversold, (double)options.RsiOverbought);
        double previousDiff = double.NaN;
        ProposedSignal? latest = null;
        for (int i = 0; i < bars.Count; i++)
        {
            Bar bar = bars[i];
            double close = (double)bar.Close;
            fast.Update(close);
            slow.Update(close);
            indicators.UpdateBar((double)bar.High, (double)bar.Low, close);
            Side rsiSide = rsiRule.Evaluate(0, indicators); // every bar: the rule keeps the previous RSI
            double diff = slow.IsReady ? fast.Value - slow.Value : double.NaN;
            bool evaluate = afterStartNs == long.MinValue ? i == bars.Count - 1 : bar.StartNs > afterStartNs;
            if (evaluate)
            {
                Side crossSide = Side.None;
                if (options.UseSmaCrossover && !double.IsNaN(previousDiff) && !double.IsNaN(diff))
                {
                    crossSide = previousDiff <= 0 && diff > 0 ? Side.Buy : previousDiff >= 0 && diff < 0 ? Side.Sell : Side.None;
                }

                ProposedSignal? fired = Combine(symbol, bar, crossSide, options.UseRsi ? rsiSide : Side.None, fast, slow, indicators.Rsi.Value, options);
                if (fired is not null)
                {
                    latest = fired;
                    firedOn = bar;
                }
            }

            previousDiff = diff;
        }

        return latest;
    }

    private static ProposedSignal? Combine(string symbol, Bar bar, Side crossSide, Side rsiSide, Sma fast, Sma slow, double rsi, RuleStrategyOptions options)
    {
        if (crossSide == Side.None && rsiSide == Side.None)
        {
            return null;
        }

        if (crossSide != Side.None && rsiSide != Side.None && crossSide != rsiSide)
        {
            // The rules disagree on the same bar: no signal rather than a coin toss.
            return null;
        }

        var reason = new StringBuilder();
        string when = bar.StartUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (crossSide != Side.None)
        {
            reason.Append(CultureInfo.InvariantCulture, $"SMA({fast.Period}) {(crossSide == Side.Buy ? "crossed above" : "crossed below")} SMA({slow.Period}) on the {when} bar ({fast.Value:0.####} vs {slow.Value:0.####})");
        }

        if (rsiSide != Side.None)
        {
            if (reason.Length > 0)
            {
                reason.Append("; ");
            }

            if (rsiSide == Side.Buy)
            {
                reason.Append(CultureInfo.InvariantCulture, $"RSI({options.RsiPeriod}) fell below {options.RsiOversold} to {rsi:0.##} on the {when} bar");
            }
            else
            {
                reason.Append(CultureInfo.InvariantCulture, $"RSI({options.RsiPeriod}) rose above {options.RsiOverbought} to {rsi:0.##} on the {when} bar");
            }
        }

        decimal confidence = crossSide != Side.None && rsiSide != Side.None ? options.CombinedConfidence
            : crossSide != Side.None ? options.CrossoverConfidence
            : options.RsiConfidence;
        return new ProposedSignal(symbol, crossSide != Side.None ? crossSide : rsiSide, confidence, reason.ToString());
    }
}
