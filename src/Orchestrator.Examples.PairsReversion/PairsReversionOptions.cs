using System.Globalization;
using Orchestrator.Strategies;

namespace Orchestrator.Examples.PairsReversion;

/// <summary>Parameters of <see cref="PairsReversionStrategy"/> (daemon.yaml <c>strategies: … parameters:</c>).</summary>
public sealed class PairsReversionOptions : IStrategyOptions
{
    /// <summary>Bar length the ratio is sampled on (default <c>1m</c>).</summary>
    public string Timeframe { get; set; } = "1m";

    /// <summary>Bars in the z-score's window (default 30).</summary>
    public int Window { get; set; } = 30;

    /// <summary>|z| at or above which a pair position is opened (default 2.0).</summary>
    public double EntryZ { get; set; } = 2.0;

    /// <summary>|z| at or below which the pair position is closed (default 0.5).</summary>
    public double ExitZ { get; set; } = 0.5;

    /// <summary>Shares of each leg (default 100); risk and sizing may give fewer.</summary>
    public long Quantity { get; set; } = 100;

    /// <summary>Run on the slow path (a worker behind a queue) instead of the trading thread (default false).</summary>
    public bool SlowPath { get; set; }

    public IEnumerable<string> Validate()
    {
        if (!Strategies.Timeframe.TryParse(Timeframe, out _))
        {
            yield return $"timeframe: use <n>s, <n>m, <n>h or <n>d, e.g. 1m (was '{Timeframe}')";
        }

        if (Window < 2)
        {
            yield return Invalid("window", "must be at least 2", Window);
        }

        if (!(EntryZ > 0) || double.IsInfinity(EntryZ))
        {
            yield return Invalid("entry_z", "must be a positive number", EntryZ);
        }

        if (!(ExitZ >= 0) || ExitZ >= EntryZ)
        {
            yield return $"exit_z: must be at least 0 and below entry_z ({EntryZ.ToString(CultureInfo.InvariantCulture)}) (was {ExitZ.ToString(CultureInfo.InvariantCulture)})";
        }

        if (Quantity < 1)
        {
            yield return Invalid("quantity", "must be at least 1", Quantity);
        }
    }

    private static string Invalid(string key, string rule, IFormattable value) => $"{key}: {rule} (was {value.ToString(null, CultureInfo.InvariantCulture)})";
}
