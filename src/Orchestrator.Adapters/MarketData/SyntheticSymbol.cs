namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// One instrument of the synthetic feed: a geometric Brownian motion started at
/// <see cref="StartPrice"/>, quoted on a <see cref="TickSize"/> grid with a spread of
/// <see cref="SpreadBps"/> around the trade price, sizes in multiples of <see cref="LotSize"/>.
/// </summary>
/// <param name="SymbolId">Dense id from the <see cref="Core.SymbolTable"/>; stamped on every tick.</param>
/// <param name="StartPrice">Price of the symbol's first tick, in whole currency units.</param>
public sealed record SyntheticSymbol(int SymbolId, decimal StartPrice)
{
    /// <summary>Annual drift μ of the log price (0.05 = 5 % a year).</summary>
    public double DriftAnnual { get; init; } = 0.05;

    /// <summary>Annual volatility σ (0.25 = 25 % a year), over 252 trading days of 6.5 hours.</summary>
    public double VolatilityAnnual { get; init; } = 0.25;

    /// <summary>Full bid–ask spread in basis points of the trade price (0..10,000); at least one tick each side.</summary>
    public long SpreadBps { get; init; } = 5;

    /// <summary>Price grid, in whole currency units; must be a multiple of 10^-6 (the fixed-point scale).</summary>
    public decimal TickSize { get; init; } = 0.01m;

    /// <summary>Mean of the (exponentially distributed) trade and quote sizes.</summary>
    public long MeanSize { get; init; } = 100;

    /// <summary>Every size is a positive multiple of this.</summary>
    public long LotSize { get; init; } = 1;
}
