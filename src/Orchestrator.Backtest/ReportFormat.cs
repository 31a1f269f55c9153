using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Orchestrator.Backtest;

/// <summary>
/// The one text form of each kind of value in the report and the CSV, so the same figures always
/// give the same bytes: invariant culture, no exponent for money, ISO-8601 UTC times.
/// </summary>
/// <remarks>
/// Each form is written as UTF-8 straight into a span (<c>Write…</c>, at most <see cref="MaxLength"/>
/// bytes, no allocation): the report, the equity CSV and the orders log write 100,000s of them. The
/// string forms are the same bytes as text. The forms are pinned by <c>ReportFormatTests</c> against
/// the format strings they were first written with (<c>decimal.ToString("0.####…")</c>,
/// <c>DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss")</c>, <c>double.ToString("G10")</c> then <c>"R"</c>).
/// </remarks>
internal static class ReportFormat
{
    /// <summary>The most bytes any form takes (a decimal: sign, 29 digits and a point; a time: 30).</summary>
    public const int MaxLength = 40;

    private const long NsPerSecond = 1_000_000_000;
    private const long TicksPerSecond = 10_000_000;

    /// <summary>A decimal in plain notation, trailing zeros trimmed ("1234.5", "-0.000001", "0").</summary>
    public static string Decimal(decimal value)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..WriteDecimal(value, text)]);
    }

    /// <summary><see cref="Decimal(decimal)"/> as UTF-8 into <paramref name="destination"/>; the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteDecimal(decimal value, Span<byte> destination)
    {
        if (value == 0m)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        if (bits[2] == 0)
        {
            // A 64-bit mantissa (any money a report holds): its digits with the point put in, trailing zeros trimmed.
            return WriteScaled(Mantissa(bits), Scale(bits), bits[3] < 0, trim: true, destination);
        }

        // The general format of a decimal is plain notation with the value's scale of digits (never an exponent): trim its zeros.
        value.TryFormat(destination, out int length, default, CultureInfo.InvariantCulture);
        return TrimFraction(destination, length);
    }

    /// <summary>
    /// A decimal in its general format, the digits of its scale kept ("1.50"), as UTF-8 into
    /// <paramref name="destination"/>: what <see cref="System.Text.Json.Utf8JsonWriter"/>'s
    /// <c>WriteNumber</c> writes for it; the bytes written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteGeneral(decimal value, Span<byte> destination)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        ulong mantissa = Mantissa(bits);
        if (bits[2] == 0 && mantissa != 0)
        {
            return WriteScaled(mantissa, Scale(bits), bits[3] < 0, trim: false, destination);
        }

        Utf8Formatter.TryFormat(value, destination, out int length); // a zero (its sign and scale) or a mantissa beyond 64 bits
        return length;
    }

    /// <summary>
    /// Fixed-point raw units (<see cref="Core.FixedPoint.Scale"/>) as <see cref="Decimal(decimal)"/> writes
    /// <c>FixedPoint.ToDecimal(raw)</c>, without the decimal: the same bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteFixedPoint(long raw, Span<byte> destination)
    {
        if (raw == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        int length = 0;
        ulong magnitude = (ulong)raw;
        if (raw < 0)
        {
            destination[length++] = (byte)'-';
            magnitude = 0UL - magnitude; // |long.MinValue| too
        }

        (ulong whole, ulong fraction) = Math.DivRem(magnitude, (ulong)Core.FixedPoint.Scale);
        whole.TryFormat(destination[length..], out int digits, default, CultureInfo.InvariantCulture);
        length += digits;
        if (fraction != 0)
        {
            destination[length++] = (byte)'.';
            length = WriteFraction(fraction, Core.FixedPoint.Decimals, destination, length);
        }

        return length;
    }

    /// <summary>A double rounded to 10 significant digits (negative zero made 0); null when not finite.</summary>
    public static double? Round(double value)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        if (value == 0)
        {
            return 0; // and -0
        }

        Span<char> text = stackalloc char[MaxLength];
        value.TryFormat(text, out int length, "G10", CultureInfo.InvariantCulture);
        double rounded = double.Parse(text[..length], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return rounded == 0 ? 0 : rounded;
    }

    /// <summary>A double rounded to 10 significant digits, in its shortest round-trip text; empty when not finite.</summary>
    public static string Double(double value)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..WriteDouble(value, text)]);
    }

    /// <summary><see cref="Double(double)"/> as UTF-8 into <paramref name="destination"/>; the bytes written (0 when not finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteDouble(double value, Span<byte> destination)
    {
        if (Round(value) is not { } rounded)
        {
            return 0;
        }

        rounded.TryFormat(destination, out int length, "R", CultureInfo.InvariantCulture);
        return length;
    }

    /// <summary>
    /// ns since the Unix epoch as ISO-8601 UTC: <c>2024-01-02T14:30:00Z</c>, with a fraction of up
    /// to nine digits (trailing zeros trimmed) when the time is not a whole second.
    /// </summary>
    public static string Timestamp(long tsNs)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(text[..WriteTimestamp(tsNs, text)]);
    }

    /// <summary><see cref="Timestamp(long)"/> as UTF-8 into <paramref name="destination"/>; the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteTimestamp(long tsNs, Span<byte> destination)
    {
        long seconds = Math.DivRem(tsNs, NsPerSecond, out long fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += NsPerSecond;
        }

        // "s" is yyyy-MM-ddTHH:mm:ss, invariant: the sortable form, formatted without parsing a pattern.
        DateTime.UnixEpoch.AddTicks(seconds * TicksPerSecond).TryFormat(destination, out int length, "s", CultureInfo.InvariantCulture);
        if (fraction != 0)
        {
            destination[length++] = (byte)'.';
            length = WriteFraction((ulong)fraction, 9, destination, length);
        }

        destination[length++] = (byte)'Z';
        return length;
    }

    /// <summary>ns since the Unix epoch as a UTC <see cref="DateTime"/> (100 ns resolution).</summary>
    public static DateTime ToDateTime(long tsNs) => DateTime.UnixEpoch.AddTicks(tsNs / 100);

    private static ulong Mantissa(ReadOnlySpan<int> bits) => (uint)bits[0] | ((ulong)(uint)bits[1] << 32);

    private static int Scale(ReadOnlySpan<int> bits) => (bits[3] >> 16) & 0xFF;

    /// <summary>
    /// A non-zero <paramref name="magnitude"/> × 10^−<paramref name="scale"/> in plain notation: the whole
    /// part (at least "0"), then the fraction's <paramref name="scale"/> digits, or with
    /// <paramref name="trim"/> its trailing zeros dropped (and the point with them when none is left).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WriteScaled(ulong magnitude, int scale, bool negative, bool trim, Span<byte> destination)
    {
        int length = 0;
        if (negative)
        {
            destination[length++] = (byte)'-';
        }

        if (trim)
        {
            while (scale > 0 && magnitude % 10 == 0)
            {
                magnitude /= 10;
                scale--;
            }
        }

        // 10^scale fits 64 bits up to 19; past it the magnitude (< 1.9 × 10^19) is all fraction.
        (ulong whole, ulong fraction) = scale == 0 ? (magnitude, 0UL) : scale <= 19 ? Math.DivRem(magnitude, Pow10(scale)) : (0UL, magnitude);
        whole.TryFormat(destination[length..], out int digits, default, CultureInfo.InvariantCulture);
        length += digits;
        if (scale > 0)
        {
            destination[length++] = (byte)'.';
            for (int i = length + scale - 1; i >= length; i--)
            {
                destination[i] = (byte)('0' + (int)(fraction % 10));
                fraction /= 10;
            }

            length += scale;
        }

        return length;
    }

    private static ulong Pow10(int exponent)
    {
        ulong result = 1;
        for (int i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>A non-zero fraction of <paramref name="places"/> digits, zero-padded on the left, trailing zeros dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WriteFraction(ulong fraction, int places, Span<byte> destination, int length)
    {
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            places--;
        }

        for (int i = length + places - 1; i >= length; i--)
        {
            destination[i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        return length + places;
    }

    /// <summary>Drops the trailing zeros of a fraction, and its point when nothing is left after it.</summary>
    private static int TrimFraction(Span<byte> text, int length)
    {
        if (text[..length].IndexOf((byte)'.') < 0)
        {
            return length;
        }

        while (text[length - 1] == (byte)'0')
        {
            length--;
        }

        return text[length - 1] == (byte)'.' ? length - 1 : length;
    }
}
