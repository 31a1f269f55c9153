namespace Orchestrator.Backtest.Optimization;

/// <summary>What a sweep ranks its candidates by (figures of <see cref="BacktestReport"/>).</summary>
public enum OptimizationObjective
{
    /// <summary>Sharpe ratio, higher is better.</summary>
    Sharpe = 0,

    /// <summary>Sortino ratio, higher is better.</summary>
    Sortino,

    /// <summary>Total return, higher is better.</summary>
    TotalReturn,

    /// <summary>Maximum drawdown, lower is better.</summary>
    MaxDrawdown,

    /// <summary>CAGR / maximum drawdown, higher is better (none when there was no drawdown).</summary>
    Calmar,
}

/// <summary>Names and scores of <see cref="OptimizationObjective"/>.</summary>
public static class OptimizationObjectives
{
    /// <summary>The names the command line takes, in the enum's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sharpe", "sortino", "total_return", "max_drawdown", "calmar"];

    /// <summary>The objective named <paramref name="name"/> (any case), or false.</summary>
    public static bool TryParse(string name, out OptimizationObjective objective)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Names.ToList().IndexOf(name.Trim().ToLowerInvariant());
        objective = (OptimizationObjective)Math.Max(i, 0);
        return i >= 0;
    }

    /// <summary>The command line's name of <paramref name="objective"/>.</summary>
    public static string Name(this OptimizationObjective objective) => Names[(int)objective];

    /// <summary>True when a higher value is better (all but <see cref="OptimizationObjective.MaxDrawdown"/>).</summary>
    public static bool HigherIsBetter(this OptimizationObjective objective) => objective != OptimizationObjective.MaxDrawdown;

    /// <summary>The value of <paramref name="objective"/> in <paramref name="report"/>; null when the report has none.</summary>
    public static double? Score(this OptimizationObjective objective, BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return objective switch
        {
            OptimizationObjective.Sharpe => report.Sharpe,
            OptimizationObjective.Sortino => report.Sortino,
            OptimizationObjective.TotalReturn => report.TotalReturn,
            OptimizationObjective.MaxDrawdown => report.MaxDrawdown,
            _ => Calmar(report),
        };
    }

    /// <summary>CAGR / maximum drawdown; null without a CAGR or a drawdown.</summary>
    public static double? Calmar(BacktestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Cagr is { } cagr && report.MaxDrawdown > 0 ? cagr / report.MaxDrawdown : null;
    }
}
