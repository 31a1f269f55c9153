using System.Runtime.CompilerServices;

namespace Orchestrator.Core;

/// <summary>
/// Each symbol id's quantity unit (issue 19): its <see cref="InstrumentInfo.QuantityDecimals"/> and units per
/// share, with <see cref="Quantities"/>' conversions bound to the symbol. Built once at start-up
/// (<see cref="InstrumentTable.Units"/>), then read-only: safe to share; the per-symbol lookups are
/// allocation-free (trading thread).
/// </summary>
public sealed class QuantityUnits
{
    private readonly long[] _perShare;
    private readonly int[] _decimals;

    /// <param name="decimals">Quantity decimals per symbol id (0..<see cref="Quantities.MaxDecimals"/>).</param>
    public QuantityUnits(IReadOnlyList<int> decimals)
    {
        ArgumentNullException.ThrowIfNull(decimals);
        _decimals = [.. decimals];
        _perShare = new long[_decimals.Length];
        for (int s = 0; s < _decimals.Length; s++)
        {
            _perShare[s] = Quantities.UnitsPerShare(_decimals[s]);
            AnyFractional |= _decimals[s] > 0;
        }
    }

    /// <summary>Whole shares for every one of <paramref name="symbolCount"/> symbols (the default).</summary>
    public static QuantityUnits Whole(int symbolCount) => new(new int[symbolCount]);

    /// <summary>Whether any symbol trades in fractions.</summary>
    public bool AnyFractional { get; }

    /// <summary>Decimals of the symbol's quantities (0 = whole shares).</summary>
    public int Decimals(int symbolId) => _decimals[symbolId];

    /// <summary>Units in one share of the symbol (1 for whole shares).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PerShare(int symbolId) => _perShare[symbolId];

    /// <summary><see cref="Quantities.Notional"/> for the symbol: price × quantity in money, throwing beyond range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Notional(int symbolId, long priceRaw, long quantity) => Quantities.Notional(priceRaw, quantity, _perShare[symbolId]);

    /// <summary><see cref="Quantities.SaturatingNotional"/> for the symbol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long SaturatingNotional(int symbolId, long priceRaw, long quantity) => Quantities.SaturatingNotional(priceRaw, quantity, _perShare[symbolId]);

    /// <summary><see cref="Quantities.Affordable"/> for the symbol: the units <paramref name="moneyRaw"/> buys at <paramref name="perShareRaw"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Affordable(int symbolId, long moneyRaw, long perShareRaw) => Quantities.Affordable(moneyRaw, perShareRaw, _perShare[symbolId]);

    /// <summary>The symbol's quantity as shares (slow path).</summary>
    public decimal ToDecimal(int symbolId, long quantity) => Quantities.ToDecimal(quantity, _decimals[symbolId]);

    /// <summary>The symbol's quantity as text in shares ("0.5", "12"; slow path).</summary>
    public string Format(int symbolId, long quantity) => Quantities.Format(quantity, _decimals[symbolId]);
}
