namespace Orchestrator.Backtest;

/// <summary>Choices that change the figures <see cref="BacktestMetrics.Compute"/> produces.</summary>
public sealed record BacktestMetricsOptions
{
    /// <summary>The defaults: no risk-free rate, 252 trading days a year.</summary>
    public static BacktestMetricsOptions Default { get; } = new();

    /// <summary>
    /// Annual risk-free rate as a fraction (0.04 = 4 %). The per-period rate subtracted from each
    /// return is <c>RiskFreeRate / periods per year</c> (simple, not compounded). Default 0.
    /// </summary>
    public double RiskFreeRate { get; init; }

    /// <summary>
    /// Periods per year for daily returns (the curve resampled to one point per UTC day). Default
    /// 252 trading days.
    /// </summary>
    public double DailyPeriodsPerYear { get; init; } = 252;
}
