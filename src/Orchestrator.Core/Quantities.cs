using System.Globalization;
using System.Runtime.CompilerServices;

namespace Orchestrator.Core;

/// <summary>
/// Quantities in fixed point per instrument (issue 19, fractional shares): a quantity is a <c>long</c>
/// counted in the instrument's smallest unit, 10^−<c>decimals</c> of a share
/// (<see cref="InstrumentInfo.QuantityDecimals"/>; 0 = whole shares, the default, so every whole-share
/// figure is what it was before). Every product of a price and a quantity, every "how many units does
/// this money buy", and every parse and format of a quantity goes through here, so a unit is never
/// taken for a share. Prices and money stay on <see cref="FixedPoint.Scale"/>.
/// </summary>
/// <remarks>
/// Rounding: a notional of a fractional quantity is rounded half away from zero to the money scale
/// (10^−6), the same in the engine, the paper venue and reports; with whole shares it is the exact
/// product, as before. "Affordable" counts round down (never more than the money buys).
/// </remarks>
public static class Quantities
{
    /// <summary>Most decimals a quantity may have (Alpaca takes up to 9).</summary>
    public const int MaxDecimals = 9;

    private static readonly long[] s_pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

    /// <summary>Units in one share for <paramref name="decimals"/> quantity decimals (10^decimals).</summary>
    public static long UnitsPerShare(int decimals) => (uint)decimals <= MaxDecimals
        ? s_pow10[decimals]
        : throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"quantity decimals must be 0..{MaxDecimals}");

    /// <summary>price (raw) × quantity (units) → money (raw), rounded half away from zero; throws <see cref="OverflowException"/> beyond range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Notional(long priceRaw, long quantity, long unitsPerShare) =>
        unitsPerShare == 1 ? FixedPoint.Notional(priceRaw, quantity) : checked((long)DivideRounded((Int128)priceRaw * quantity, unitsPerShare));

    /// <summary><see cref="Notional"/> clamped into range instead of throwing (risk figures: a saturated value exceeds every limit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SaturatingNotional(long priceRaw, long quantity, long unitsPerShare)
    {
        if (unitsPerShare == 1)
        {
            return FixedPoint.SaturatingNotional(priceRaw, quantity);
        }

        Int128 value = DivideRounded((Int128)priceRaw * quantity, unitsPerShare);
        return value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;
    }

    /// <summary>
    /// How many units <paramref name="moneyRaw"/> buys at <paramref name="perShareRaw"/> a share, rounded down
    /// (0 for a price ≤ 0 or money ≤ 0; saturated). With whole shares: money / price, as before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Affordable(long moneyRaw, long perShareRaw, long unitsPerShare)
    {
        if (perShareRaw <= 0)
        {
            return 0;
        }

        return unitsPerShare == 1 ? moneyRaw / perShareRaw : FixedPoint.MulDiv(moneyRaw, unitsPerShare, perShareRaw);
    }

    /// <summary>|amount| / |quantity| per share (an average price from a cost basis), truncated; 0 for a quantity of 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long PerShare(long amountRaw, long quantity, long unitsPerShare)
    {
        if (quantity == 0)
        {
            return 0;
        }

        long amount = Math.Abs(amountRaw);
        long units = Math.Abs(quantity);
        return unitsPerShare == 1 ? amount / units : FixedPoint.MulDiv(amount, unitsPerShare, units);
    }

    /// <summary>Whole shares → units (saturated): a configured share count (fixed quantity, borrow) for an instrument.</summary>
    public static long FromShares(long shares, long unitsPerShare)
    {
        Int128 units = (Int128)shares * unitsPerShare;
        return units > long.MaxValue ? long.MaxValue : units < long.MinValue ? long.MinValue : (long)units;
    }

    /// <summary>Units → shares as a decimal (exact; slow path: reports, venues' JSON, display).</summary>
    public static decimal ToDecimal(long quantity, int decimals) => decimals == 0 ? quantity : (decimal)quantity / UnitsPerShare(decimals);

    /// <summary>
    /// Shares → units when <paramref name="shares"/> has at most <paramref name="decimals"/> decimals and fits;
    /// false otherwise (a fraction of a whole-share instrument, or more precision than the instrument takes). Never rounds.
    /// </summary>
    public static bool TryFromDecimal(decimal shares, int decimals, out long quantity)
    {
        quantity = 0;
        decimal scaled = shares * UnitsPerShare(decimals);
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }

        quantity = (long)scaled;
        return true;
    }

    /// <summary>Units as shares, invariant culture, trailing zeros trimmed ("0.5", "12"); slow path.</summary>
    public static string Format(long quantity, int decimals) => decimals == 0
        ? quantity.ToString(CultureInfo.InvariantCulture)
        : ToDecimal(quantity, decimals).ToString("0.#########", CultureInfo.InvariantCulture);

    /// <summary>Units as shares into UTF-8 (no allocation): the integer part, then '.' and the fraction with trailing zeros trimmed.</summary>
    public static bool TryFormat(long quantity, int decimals, Span<byte> destination, out int written)
    {
        if (decimals == 0)
        {
            return quantity.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
        }

        written = 0;
        long units = UnitsPerShare(decimals);
        bool negative = quantity < 0;
        ulong magnitude = negative ? (ulong)(-(quantity + 1)) + 1 : (ulong)quantity;
        ulong whole = magnitude / (ulong)units;
        ulong fraction = magnitude % (ulong)units;
        if (negative)
        {
            if (destination.IsEmpty)
            {
                return false;
            }

            destination[0] = (byte)'-';
            written = 1;
        }

        if (!whole.TryFormat(destination[written..], out int w, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        written += w;
        if (fraction == 0)
        {
            return true;
        }

        int digits = decimals;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        if (destination.Length < written + 1 + digits)
        {
            return false;
        }

        destination[written++] = (byte)'.';
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[written + i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        written += digits;
        return true;
    }

    private static Int128 DivideRounded(Int128 product, long divisor)
    {
        Int128 quotient = Int128.DivRem(product, divisor).Quotient;
        Int128 remainder = product - (quotient * divisor);
        if (Int128.Abs(remainder) * 2 >= divisor)
        {
            quotient += product < 0 ? -1 : 1;
        }

        return quotient;
    }
}
