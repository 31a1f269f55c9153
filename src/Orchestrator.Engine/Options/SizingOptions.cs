namespace Orchestrator.Engine.Options;

/// <summary>Position sizing and its caps.</summary>
public sealed record SizingOptions
{
    public SizingMethod Method { get; init; } = SizingMethod.FixedFraction;

    /// <summary>FixedFraction: notional per trade as a fraction of equity.</summary>
    public decimal FractionOfEquity { get; init; } = 0.02m;

    /// <summary>Volatility: fraction of equity put at risk per trade.</summary>
    public decimal RiskPerTradeFraction { get; init; } = 0.005m;

    /// <summary>Volatility: the stop distance in ATRs.</summary>
    public decimal AtrMultiple { get; init; } = 2m;

    /// <summary>FixedQuantity: shares per trade.</summary>
    public long FixedQuantity { get; init; } = 10;

    /// <summary>Multiply the size by the signal's confidence.</summary>
    public bool ScaleByConfidence { get; init; } = true;

    /// <summary>Cap on one symbol's filled position value after the trade, as a fraction of equity.</summary>
    public decimal MaxPositionFraction { get; init; } = 0.10m;

    /// <summary>Cap on one order's notional, in the account currency; 0 = none.</summary>
    public decimal MaxOrderNotional { get; init; } = 25_000m;

    /// <summary>Cap on one symbol's exposure including working orders, as a fraction of equity.</summary>
    public decimal MaxConcentrationFraction { get; init; } = 0.20m;

    /// <summary>Quantities are rounded down to a multiple of this.</summary>
    public long LotSize { get; init; } = 1;
}
