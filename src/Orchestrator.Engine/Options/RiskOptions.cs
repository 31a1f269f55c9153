namespace Orchestrator.Engine.Options;

/// <summary>
/// Pre-trade limits, bound once from configuration and handed to the risk manager as
/// precomputed values. Fractions are decimals here (edge) and become parts-per-million or
/// basis points on the hot path.
/// </summary>
public sealed record RiskOptions
{
    /// <summary>Engaged at start-up: no new risk until released.</summary>
    public bool KillSwitchEngaged { get; init; }

    /// <summary>Loss (realized + unrealized) against start-of-day equity that stops new risk, as a fraction (0.02 = 2 %).</summary>
    public decimal MaxDailyLossFraction { get; init; } = 0.02m;

    /// <summary>Signals below this confidence (0..1) are rejected.</summary>
    public decimal MinConfidence { get; init; } = 0.6m;

    /// <summary>Symbols that may trade; empty = every symbol of the watch list.</summary>
    public IReadOnlyList<string> AllowedSymbols { get; init; } = [];

    /// <summary>Trading session start, UTC time of day (inclusive).</summary>
    public TimeSpan SessionStartUtc { get; init; } = TimeSpan.Zero;

    /// <summary>Trading session end, UTC time of day (exclusive); equal to the start means all day. May wrap past midnight.</summary>
    public TimeSpan SessionEndUtc { get; init; } = TimeSpan.Zero;

    /// <summary>Order-rate throttle (token buckets on event time); 0 = unlimited.</summary>
    public int MaxOrdersPerSecond { get; init; } = 10;

    public int MaxOrdersPerMinute { get; init; } = 200;

    public int MaxOrdersPerDay { get; init; } = 5_000;

    public int MaxOpenOrders { get; init; } = 50;

    /// <summary>
    /// Price collar as a fraction: a limit price further than this from the last trade, or a
    /// last trade further than this from the day's reference (first) price, is rejected.
    /// 0 = off.
    /// </summary>
    public decimal PriceCollarFraction { get; init; } = 0.10m;

    /// <summary>A signal for the same symbol and side within this window of an accepted one is a duplicate. 0 = off.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Allow selling more than is held (short positions).</summary>
    public bool AllowShortSelling { get; init; }
}
