namespace Orchestrator.Backtest;

/// <summary>
/// The figures of one backtest, computed by <see cref="BacktestMetrics.Compute"/>. Money is
/// <see cref="decimal"/>; ratios and statistics are <see cref="double"/>. A figure that cannot be
/// computed (a division by zero, too few points, a non-finite result) is null, never NaN or
/// infinity. See <see cref="BacktestMetrics"/> for every definition.
/// </summary>
public sealed record BacktestReport
{
    /// <summary>Cash at the start, every currency's at its FX rate in the base currency (the base of <see cref="TotalReturn"/> and <see cref="Cagr"/>).</summary>
    public required decimal StartingCash { get; init; }

    /// <summary>Equity of the last point of the curve; the starting cash when the curve is empty.</summary>
    public required decimal FinalEquity { get; init; }

    /// <summary>Time of the first equity point; null when the curve is empty.</summary>
    public required long? StartTsNs { get; init; }

    /// <summary>Time of the last equity point; null when the curve is empty.</summary>
    public required long? EndTsNs { get; init; }

    /// <summary>Points of the equity curve.</summary>
    public required int EquityPoints { get; init; }

    /// <summary>final equity / starting cash − 1.</summary>
    public required double? TotalReturn { get; init; }

    /// <summary>(final / start)^(365.25 days / span) − 1, span from the first to the last point.</summary>
    public required double? Cagr { get; init; }

    /// <summary>Annualised volatility: sample standard deviation of the period returns × √(periods per year).</summary>
    public required double? Volatility { get; init; }

    /// <summary>mean(return − risk-free per period) / stdev(return, n − 1) × √(periods per year).</summary>
    public required double? Sharpe { get; init; }

    /// <summary>mean(return − risk-free per period) / √(mean(min(return, 0)²)) × √(periods per year).</summary>
    public required double? Sortino { get; init; }

    /// <summary>The annual risk-free rate used.</summary>
    public required double RiskFreeRate { get; init; }

    /// <summary>Which returns the statistics used.</summary>
    public required ReturnPeriodicity ReturnPeriodicity { get; init; }

    /// <summary>Number of period returns.</summary>
    public required int ReturnPeriods { get; init; }

    /// <summary>Periods per year used to annualise; null when there is no return.</summary>
    public required double? PeriodsPerYear { get; init; }

    /// <summary>Largest fall from a running peak of equity, as a fraction of that peak (0.25 = 25 %); 0 when never below a peak.</summary>
    public required double MaxDrawdown { get; init; }

    /// <summary>The peak before the largest drawdown; null when there was none.</summary>
    public required long? MaxDrawdownPeakTsNs { get; init; }

    /// <summary>The trough of the largest drawdown; null when there was none.</summary>
    public required long? MaxDrawdownTroughTsNs { get; init; }

    /// <summary>When equity first got back to the peak of the largest drawdown; null when it never did.</summary>
    public required long? MaxDrawdownRecoveryTsNs { get; init; }

    /// <summary>
    /// Longest peak-to-recovery span of any drawdown, days (an unrecovered drawdown counts up to
    /// the last point). It need not be the span of the deepest drawdown.
    /// </summary>
    public required double MaxDrawdownDurationDays { get; init; }

    /// <summary>The peak that starts the longest drawdown; null when there was none.</summary>
    public required long? LongestDrawdownStartTsNs { get; init; }

    /// <summary>Its recovery, or the last point when it never recovered; null when there was none.</summary>
    public required long? LongestDrawdownEndTsNs { get; init; }

    /// <summary>True when the longest drawdown recovered within the data.</summary>
    public required bool LongestDrawdownRecovered { get; init; }

    /// <summary>Round trips listed in <see cref="Trades"/>: closed plus open.</summary>
    public required int TradeCount { get; init; }

    /// <summary>Closed round trips.</summary>
    public required int ClosedTrades { get; init; }

    /// <summary>Round trips still open at the end.</summary>
    public required int OpenTrades { get; init; }

    /// <summary>Closed round trips with a positive net P&amp;L.</summary>
    public required int WinningTrades { get; init; }

    /// <summary>Closed round trips with a negative net P&amp;L.</summary>
    public required int LosingTrades { get; init; }

    /// <summary>Winning / closed round trips; null when none closed.</summary>
    public required double? WinRate { get; init; }

    /// <summary>Gross profit / gross loss of closed round trips; null when none lost.</summary>
    public required double? ProfitFactor { get; init; }

    /// <summary>Sum of the net P&amp;L of winning closed round trips.</summary>
    public required decimal GrossProfit { get; init; }

    /// <summary>Sum of |net P&amp;L| of losing closed round trips (positive).</summary>
    public required decimal GrossLoss { get; init; }

    /// <summary>Realized P&amp;L of every fill, net of fees.</summary>
    public required decimal RealizedPnl { get; init; }

    /// <summary>Commissions paid.</summary>
    public required decimal Fees { get; init; }

    /// <summary>Fraction of the curve's time span during which gross exposure was non-zero (time-weighted).</summary>
    public required double? ExposureTime { get; init; }

    /// <summary>Time-weighted mean of gross exposure / equity.</summary>
    public required double? AverageGrossExposure { get; init; }

    /// <summary>Input events processed.</summary>
    public required long Events { get; init; }

    /// <summary>Market data events.</summary>
    public required long MarketEvents { get; init; }

    /// <summary>Signals.</summary>
    public required long Signals { get; init; }

    /// <summary>Refusals by reason, sorted by reason (ordinal).</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> Rejects { get; init; }

    /// <summary>Wall time of the whole run (load + engine + report), seconds (depends on the machine, not on the data).</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Events / whole-run seconds; null when no time elapsed (depends on the machine).</summary>
    public required double? EventsPerSecond { get; init; }

    /// <summary>Reading the data, seconds (0 when the source streams into the engine).</summary>
    public double LoadSeconds { get; init; }

    /// <summary>The engine over the events, seconds.</summary>
    public double EngineSeconds { get; init; }

    /// <summary>Metrics, files and chart after the run, seconds (what was done before the JSON report is written).</summary>
    public double ReportSeconds { get; init; }

    /// <summary>This report with the report phase's time, the whole-run time and the rate made to include it.</summary>
    public BacktestReport WithReportSeconds(double reportSeconds)
    {
        double total = LoadSeconds + EngineSeconds + reportSeconds;
        return this with { ReportSeconds = reportSeconds, ElapsedSeconds = total, EventsPerSecond = total > 0 ? Events / total : null };
    }

    /// <summary>Per agent (signal source): kind, signals, orders, fills, rejects, its own realized and unrealized P&amp;L (the engine's book).</summary>
    public IReadOnlyList<Engine.State.AgentFigures> Agents { get; init; } = [];

    /// <summary>Per-symbol figures, sorted by symbol (ordinal).</summary>
    public required IReadOnlyList<SymbolReport> PerSymbol { get; init; }

    /// <summary>Every round trip, in order of entry (then symbol).</summary>
    public required IReadOnlyList<RoundTripTrade> Trades { get; init; }

    /// <summary>The equal-weight buy-and-hold benchmark over the same symbols and time (<see cref="BuyAndHoldBenchmark"/>); null when the result has none.</summary>
    public BenchmarkReport? Benchmark { get; init; }
}

/// <summary>Figures of the buy-and-hold benchmark, defined as the strategy's (<see cref="BacktestMetrics"/>).</summary>
public sealed record BenchmarkReport
{
    /// <summary>Its value at the last point.</summary>
    public required decimal FinalValue { get; init; }

    /// <summary>Last / first value − 1.</summary>
    public required double? TotalReturn { get; init; }

    public required double? Cagr { get; init; }

    public required double? Sharpe { get; init; }

    /// <summary>Largest fall from a running peak, a fraction.</summary>
    public required double MaxDrawdown { get; init; }
}
