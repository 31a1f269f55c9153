using System.Globalization;
using Orchestrator.Strategies;

namespace Orchestrator.Examples.OpeningRangeBreakout;

/// <summary>Parameters of <see cref="OpeningRangeBreakoutStrategy"/> (daemon.yaml <c>strategies: … parameters:</c>).</summary>
public sealed class OpeningRangeBreakoutOptions : IStrategyOptions
{
    /// <summary>When the session opens, UTC time of day (default 14:30, the NYSE open in winter).</summary>
    public TimeSpan SessionStartUtc { get; set; } = new(14, 30, 0);

    /// <summary>Length of the opening range in minutes (default 30).</summary>
    public int RangeMinutes { get; set; } = 30;

    /// <summary>Shares per entry (default 100); risk and sizing may give fewer.</summary>
    public long Quantity { get; set; } = 100;

    /// <summary>
    /// Stop distance as a fraction of the entry price (e.g. 0.01 = 1%); 0 (default) puts the stop at
    /// the range's other side (the low for a long, the high for a short).
    /// </summary>
    public decimal StopFraction { get; set; }

    /// <summary>Minutes after the session start when an open position is closed (default 390 = 6.5 h).</summary>
    public int FlattenAfterMinutes { get; set; } = 390;

    public IEnumerable<string> Validate()
    {
        if (SessionStartUtc < TimeSpan.Zero || SessionStartUtc >= TimeSpan.FromDays(1))
        {
            yield return $"session_start_utc: must be a time of day within 00:00..23:59:59 (was {SessionStartUtc})";
        }

        if (RangeMinutes < 1)
        {
            yield return Invalid("range_minutes", "must be at least 1", RangeMinutes);
        }

        if (Quantity < 1)
        {
            yield return Invalid("quantity", "must be at least 1", Quantity);
        }

        if (StopFraction is < 0m or >= 1m)
        {
            yield return Invalid("stop_fraction", "must be within 0..1 (0 = the range's other side)", StopFraction);
        }

        if (FlattenAfterMinutes <= RangeMinutes)
        {
            yield return $"flatten_after_minutes: must be more than range_minutes ({RangeMinutes}) (was {FlattenAfterMinutes})";
        }

        if (SessionStartUtc + TimeSpan.FromMinutes(FlattenAfterMinutes) > TimeSpan.FromDays(1))
        {
            yield return $"flatten_after_minutes: the session start plus it must stay within the day (was {FlattenAfterMinutes})";
        }
    }

    private static string Invalid(string key, string rule, IFormattable value) => $"{key}: {rule} (was {value.ToString(null, CultureInfo.InvariantCulture)})";
}
