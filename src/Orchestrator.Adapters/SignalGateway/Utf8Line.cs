using System.Buffers.Text;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The byte writers the gateway's line formats share (<see cref="GatewayAnswerFormat"/>,
/// <see cref="AgentFeedFormat"/>): each writes at position <c>n</c> of a span the caller sized for
/// the whole line and returns the position after it. Nothing allocates; numbers are formatted in
/// place, fixed-point amounts as invariant decimal text, never through double. A <c>key</c> is the
/// literal before the value (e.g. <c>,"price":</c>).
/// </summary>
internal static class Utf8Line
{
    public static int Put(Span<byte> span, int n, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[n..]);
        return n + bytes.Length;
    }

    public static int PutNumber(Span<byte> span, int n, long value)
    {
        Utf8Formatter.TryFormat(value, span[n..], out int written);
        return n + written;
    }

    public static int PutNumber(Span<byte> span, int n, ReadOnlySpan<byte> key, long value) => PutNumber(span, Put(span, n, key), value);

    /// <summary>A string value: the key (ending in the opening quote), the value's bytes, the closing quote.</summary>
    public static int PutString(Span<byte> span, int n, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        n = Put(span, Put(span, n, key), value);
        span[n] = (byte)'"';
        return n + 1;
    }

    /// <summary>A quantity in the symbol's unit (issue 19) written in shares: "0.5", "12" (whole shares: the integer, as before).</summary>
    public static int PutQuantity(Span<byte> span, int n, ReadOnlySpan<byte> key, long quantity, int decimals)
    {
        n = Put(span, n, key);
        Quantities.TryFormat(quantity, decimals, span[n..], out int written);
        return n + written;
    }

    public static int PutFixedPoint(Span<byte> span, int n, ReadOnlySpan<byte> key, long raw) => PutFixedPoint(span, Put(span, n, key), raw);

    /// <summary>An optional amount: the key and the value, or nothing when it is 0 (not given).</summary>
    public static int PutFixedPointIfSet(Span<byte> span, int n, ReadOnlySpan<byte> key, long raw) => raw == 0 ? n : PutFixedPoint(span, n, key, raw);

    /// <summary>A fixed-point amount (<see cref="FixedPoint.Scale"/>) as invariant decimal text: sign, integer part, up to 6 decimals without trailing zeros.</summary>
    public static int PutFixedPoint(Span<byte> span, int n, long raw)
    {
        ulong magnitude;
        if (raw < 0)
        {
            span[n++] = (byte)'-';
            magnitude = raw == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)-raw;
        }
        else
        {
            magnitude = (ulong)raw;
        }

        ulong whole = magnitude / FixedPoint.Scale;
        ulong fraction = magnitude % FixedPoint.Scale;
        Utf8Formatter.TryFormat(whole, span[n..], out int written);
        n += written;
        if (fraction == 0)
        {
            return n;
        }

        span[n++] = (byte)'.';
        int digits = FixedPoint.Decimals;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        for (int i = digits - 1; i >= 0; i--)
        {
            span[n + i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        return n + digits;
    }
}
