using System.Buffers.Text;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Engine.Audit;

/// <summary>
/// A reused UTF-8 byte buffer that one slow thread renders log lines into without allocating:
/// <see cref="Clear"/>, append the parts, read <see cref="Written"/>. It grows (doubling) only when a
/// line is longer than any before it, so steady state allocates nothing. Not thread-safe.
/// </summary>
public sealed class Utf8LineBuffer(int initialBytes = 4096)
{
    private byte[] _bytes = new byte[Math.Max(initialBytes, 64)];
    private int _length;
    private byte[] _escapeScratch = [];

    /// <summary>The bytes appended since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public int Length => _length;

    public void Clear() => _length = 0;

    public void Append(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        _length += utf8.Length;
    }

    public void Append(byte ascii)
    {
        Reserve(1)[0] = ascii;
        _length++;
    }

    /// <summary>Text encoded as UTF-8 (invalid surrogates become U+FFFD, as the encoder does).</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        int written = Encoding.UTF8.GetBytes(text, Reserve(Encoding.UTF8.GetMaxByteCount(text.Length)));
        _length += written;
    }

    /// <summary>A quantity in units of 10^−<paramref name="decimals"/> share, as shares ("0.5", "12"; <see cref="Quantities.TryFormat"/>).</summary>
    public void AppendQuantity(long quantity, int decimals)
    {
        Quantities.TryFormat(quantity, decimals, Reserve(32), out int written);
        _length += written;
    }

    public void Append(long value)
    {
        Utf8Formatter.TryFormat(value, Reserve(20), out int written);
        _length += written;
    }

    /// <summary>
    /// Agent-supplied text fit for one line: each <see cref="SignalLimits.IsUnsafeTextChar"/> character
    /// as <c>\uXXXX</c>, the rest as UTF-8 — the bytes of <see cref="SignalLimits.EscapeUnsafe"/>, without the string.
    /// </summary>
    public void AppendEscapedUnsafe(ReadOnlySpan<char> text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (SignalLimits.IsUnsafeTextChar(text[i]))
            {
                Append(text[start..i]);
                Append("\\u"u8);
                Utf8Formatter.TryFormat(text[i], Reserve(4), out int written, new System.Buffers.StandardFormat('X', 4));
                _length += written;
                start = i + 1;
            }
        }

        Append(text[start..]);
    }

    /// <summary>
    /// <paramref name="utf8"/> as the inside of a JSON string, escaped as NLog's JSON layout does:
    /// <c>"</c> and <c>\</c> with a backslash, control characters as <c>\n</c>, <c>\r</c>, <c>\t</c>,
    /// <c>\b</c>, <c>\f</c> or <c>\u00XX</c>; everything else (non-ASCII too) as it is.
    /// </summary>
    public void AppendJsonEscaped(ReadOnlySpan<byte> utf8)
    {
        int start = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                continue;
            }

            Append(utf8[start..i]);
            switch (b)
            {
                case (byte)'"': Append("\\\""u8); break;
                case (byte)'\\': Append("\\\\"u8); break;
                case (byte)'\n': Append("\\n"u8); break;
                case (byte)'\r': Append("\\r"u8); break;
                case (byte)'\t': Append("\\t"u8); break;
                case (byte)'\b': Append("\\b"u8); break;
                case (byte)'\f': Append("\\f"u8); break;
                default:
                    Append("\\u00"u8);
                    Utf8Formatter.TryFormat(b, Reserve(2), out int written, new System.Buffers.StandardFormat('x', 2));
                    _length += written;
                    break;
            }

            start = i + 1;
        }

        Append(utf8[start..]);
    }

    /// <summary>Text as the inside of a JSON string (see <see cref="AppendJsonEscaped(ReadOnlySpan{byte})"/>).</summary>
    public void AppendJsonEscaped(ReadOnlySpan<char> text)
    {
        int start = _length;
        Append(text);
        int end = _length;
        bool plain = true;
        for (int i = start; i < end; i++)
        {
            byte b = _bytes[i];
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            return;
        }

        // Rare (symbols and enum names never need it; an agent's name may): escape a copy, kept in a
        // scratch array that only grows, so steady state allocates nothing.
        int length = end - start;
        if (_escapeScratch.Length < length)
        {
            _escapeScratch = new byte[Math.Max(length, 256)];
        }

        _bytes.AsSpan(start, length).CopyTo(_escapeScratch);
        _length = start;
        AppendJsonEscaped(_escapeScratch.AsSpan(0, length));
    }

    /// <summary>
    /// <paramref name="value"/> as <c>value.ToString(format, InvariantCulture)</c> writes it, without
    /// the string (decimal formats into UTF-8 directly).
    /// </summary>
    public void Append(decimal value, ReadOnlySpan<char> format)
    {
        int size = 64;
        int written;
        while (!value.TryFormat(Reserve(size)[..size], out written, format, System.Globalization.CultureInfo.InvariantCulture))
        {
            size *= 2;
        }

        _length += written;
    }

    private Span<byte> Reserve(int count)
    {
        if (_bytes.Length - _length < count)
        {
            Grow(count);
        }

        return _bytes.AsSpan(_length);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Grow(int count)
    {
        int size = _bytes.Length * 2;
        while (size - _length < count)
        {
            size *= 2;
        }

        Array.Resize(ref _bytes, size);
    }
}
