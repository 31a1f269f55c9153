namespace Orchestrator.Backtest;

/// <summary>Which returns the return statistics (volatility, Sharpe, Sortino) were computed on.</summary>
public enum ReturnPeriodicity
{
    /// <summary>Fewer than two equity points: no return at all.</summary>
    None = 0,

    /// <summary>The curve resampled to one point per UTC day (it covers at least two UTC dates).</summary>
    Daily,

    /// <summary>
    /// Every equity point (the curve lies within one UTC date), annualised by the median spacing
    /// of the points over a 365.25-day calendar year.
    /// </summary>
    PerPoint,
}
