namespace Orchestrator.Backtest.Optimization;

/// <summary>One candidate's backtest, as a sweep reports it.</summary>
/// <param name="Index">The candidate's index in the sweep.</param>
/// <param name="Values">Its parameter values.</param>
/// <param name="Score">The objective's value; null when the report has none or the candidate did not run.</param>
/// <param name="Error">Why the candidate did not run (e.g. fast period not below slow); null when it ran.</param>
/// <param name="Figures">The run's figures; null when it did not run.</param>
public sealed record CandidateResult(int Index, IReadOnlyList<decimal> Values, double? Score, string? Error, CandidateFigures? Figures)
{
    /// <summary>The result of a run.</summary>
    public static CandidateResult Ran(SweepCandidate candidate, OptimizationObjective objective, BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new(candidate.Index, candidate.Values, objective.Score(report), null, CandidateFigures.From(report));
    }

    /// <summary>A candidate that could not run, and why.</summary>
    public static CandidateResult Refused(SweepCandidate candidate, string error)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new(candidate.Index, candidate.Values, null, error, null);
    }
}

/// <summary>The figures of a candidate's report a sweep keeps.</summary>
public sealed record CandidateFigures(double? TotalReturn, double? Cagr, double? Sharpe, double? Sortino, double MaxDrawdown, double? Calmar, int Trades, decimal FinalEquity)
{
    /// <summary>From a report.</summary>
    public static CandidateFigures From(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.TotalReturn, report.Cagr, report.Sharpe, report.Sortino, report.MaxDrawdown, OptimizationObjectives.Calmar(report), report.TradeCount, report.FinalEquity);
    }
}

/// <summary>The order a sweep reports its candidates in.</summary>
public static class SweepRanking
{
    /// <summary>
    /// Best first by the objective (higher, or lower for max_drawdown); candidates without a score
    /// (refused, or no figure) last; equal scores by candidate index. The order depends on the results
    /// alone, not on how many jobs or shards made them.
    /// </summary>
    public static List<CandidateResult> Sort(IEnumerable<CandidateResult> results, OptimizationObjective objective)
    {
        ArgumentNullException.ThrowIfNull(results);
        bool higher = objective.HigherIsBetter();
        var sorted = results.ToList();
        sorted.Sort((a, b) =>
        {
            if (a.Score is { } x && b.Score is { } y && x != y)
            {
                return higher ? y.CompareTo(x) : x.CompareTo(y);
            }

            if (a.Score.HasValue != b.Score.HasValue)
            {
                return a.Score.HasValue ? -1 : 1;
            }

            return a.Index.CompareTo(b.Index);
        });
        return sorted;
    }
}
