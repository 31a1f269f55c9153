using System.Runtime.CompilerServices;

namespace Orchestrator.Core;

/// <summary>
/// The one scale for prices and money: raw <c>long</c> = value × 10^6 (micro-units). One
/// scale everywhere means no conversion between types on the hot path.
/// </summary>
/// <remarks>
/// Why 10^6: US equities quote to 10^-4 and KRW to whole won, so six decimals hold every
/// venue's tick exactly; and the range is ±9.2 × 10^12 units, enough for a KRW account of
/// nine trillion won. Products (price × quantity) go through <see cref="Int128"/> and are
/// checked back into range.
/// </remarks>
public static class FixedPoint
{
    /// <summary>Raw units per whole unit.</summary>
    public const long Scale = 1_000_000;

    /// <summary>Decimal places of the scale.</summary>
    public const int Decimals = 6;

    /// <summary>Converts a decimal to raw units, rounding half away from zero; throws if out of range.</summary>
    public static long FromDecimal(decimal value) => checked((long)decimal.Round(value * Scale, 0, MidpointRounding.AwayFromZero));

    /// <summary>Converts raw units to a decimal (exact).</summary>
    public static decimal ToDecimal(long raw) => (decimal)raw / Scale;

    /// <summary>price (raw) × quantity → money (raw), exact, throwing <see cref="OverflowException"/> beyond range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Notional(long priceRaw, long quantity) => checked((long)((Int128)priceRaw * quantity));

    /// <summary>
    /// Notional clamped into range instead of throwing, for risk checks that must decide, not
    /// fail, on absurd inputs: a saturated value exceeds every limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SaturatingNotional(long priceRaw, long quantity)
    {
        Int128 product = (Int128)priceRaw * quantity;
        if (product > long.MaxValue)
        {
            return long.MaxValue;
        }

        return product < long.MinValue ? long.MinValue : (long)product;
    }

    /// <summary>
    /// raw × numerator / denominator with a 128-bit intermediate, rounded toward zero; throws
    /// <see cref="OverflowException"/> when the quotient is out of range.
    /// </summary>
    /// <remarks>
    /// The product is taken in 128 bits, but divided in 64 when it fits (every sizing and risk
    /// figure of a real account does): a 128-bit division is a software routine several times
    /// the cost of the hardware one, and the two quotients are the same integer.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MulDiv(long raw, long numerator, long denominator)
    {
        long high = Math.BigMul(raw, numerator, out long low);
        return high == (low >> 63) ? low / denominator : MulDiv128(raw, numerator, denominator);
    }

    /// <summary>raw × numerator / denominator divided in 128 bits (the reference for <see cref="MulDiv"/>, and its wide case).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long MulDiv128(long raw, long numerator, long denominator) => checked((long)((Int128)raw * numerator / denominator));

    /// <summary>Applies basis points: raw × bps / 10,000 (128-bit intermediate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Bps(long raw, long basisPoints) => MulDiv(raw, basisPoints, 10_000);

    /// <summary>Formats raw units with the scale's decimals trimmed (slow path only).</summary>
    public static string Format(long raw) => ToDecimal(raw).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}
