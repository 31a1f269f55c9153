namespace Orchestrator.Backtest;

/// <summary>What <see cref="DrawdownCalculator.Analyze"/> finds on an equity curve.</summary>
/// <param name="MaxDrawdown">Largest (peak − equity) / peak, 0 when equity never fell below a peak.</param>
/// <param name="MaxPeakTsNs">The peak before the largest drawdown.</param>
/// <param name="MaxTroughTsNs">Its trough.</param>
/// <param name="MaxRecoveryTsNs">When equity first got back to that peak; null when it never did.</param>
/// <param name="LongestNs">Longest peak-to-recovery span (to the last point when unrecovered), ns.</param>
/// <param name="LongestStartTsNs">The peak that starts the longest span.</param>
/// <param name="LongestEndTsNs">Its recovery, or the last point.</param>
/// <param name="LongestRecovered">True when the longest span ended in a recovery.</param>
internal readonly record struct DrawdownSummary(
    double MaxDrawdown,
    long? MaxPeakTsNs,
    long? MaxTroughTsNs,
    long? MaxRecoveryTsNs,
    long LongestNs,
    long? LongestStartTsNs,
    long? LongestEndTsNs,
    bool LongestRecovered);
