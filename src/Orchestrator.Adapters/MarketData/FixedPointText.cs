using System.Runtime.CompilerServices;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData;

/// <summary>
/// Parses the plain decimal numbers of market data files straight into fixed point, without a
/// <see cref="decimal"/> and without allocating (issue 20). Only forms whose value is certain are
/// taken; anything else answers false and the caller falls back to <c>decimal.TryParse</c>, so
/// every accepted text gives exactly what <c>decimal.TryParse(NumberStyles.Float, invariant)</c>
/// followed by <see cref="FixedPoint.FromDecimal"/> gives (a randomized test compares the two).
/// </summary>
public static class FixedPointText
{
    private const int MaxWholeDigits = 12;    // below the reader's price limit (9,223,372,036,854)
    private const int MaxSignificantDigits = 28; // a decimal holds any 28-digit number exactly
    private const int MaxSizeDigits = 18;     // below long.MaxValue

    /// <summary>
    /// <c>[-]digits[.digits]</c> (1–12 whole digits, at most 28 digits in all) → raw fixed point,
    /// rounded half away from zero at the 7th decimal as <see cref="FixedPoint.FromDecimal"/>;
    /// false for any other form (sign <c>+</c>, exponent, spaces, <c>.5</c>, <c>5.</c>, …).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    public static bool TryParsePrice(ReadOnlySpan<char> text, out long raw)
    {
        raw = 0;
        int i = 0;
        bool negative = text.Length > 0 && text[0] == '-';
        if (negative)
        {
            i = 1;
        }

        long whole = 0;
        int wholeStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            whole = (whole * 10) + (text[i] - '0');
            if (i - wholeStart >= MaxWholeDigits)
            {
                return false;
            }

            i++;
        }

        int wholeDigits = i - wholeStart;
        if (wholeDigits == 0)
        {
            return false;
        }

        long fraction = 0;
        int fractionDigits = 0;
        bool roundUp = false;
        if (i < text.Length)
        {
            if (text[i] != '.')
            {
                return false;
            }

            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                int digit = text[i] - '0';
                if (fractionDigits < 6)
                {
                    fraction = (fraction * 10) + digit;
                }
                else if (fractionDigits == 6)
                {
                    roundUp = digit >= 5; // half away from zero: the 7th digit alone decides
                }

                fractionDigits++;
                i++;
            }

            if (i != text.Length || fractionDigits == 0 || wholeDigits + fractionDigits > MaxSignificantDigits)
            {
                return false;
            }
        }

        for (int d = Math.Min(fractionDigits, 6); d < 6; d++)
        {
            fraction *= 10;
        }

        long value = (whole * FixedPoint.Scale) + fraction + (roundUp ? 1 : 0);
        raw = negative ? -value : value;
        return true;
    }

    /// <summary><c>digits</c> (1–18 of them) → the whole number; false for any other form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per line: fully optimized at once, not after tiering (a one-shot CLI read is over before tier 1)
    public static bool TryParseWhole(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > MaxSizeDigits)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                value = 0;
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
