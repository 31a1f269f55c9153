namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Checks on the raw (still escaped) content of a JSON string that <see cref="System.Text.Json.Utf8JsonReader"/>
/// accepts as syntax but cannot decode: a <c>\uD800</c>–<c>\uDFFF</c> escape that is not one half of
/// a high-low pair. The reader's <c>CopyString</c>/<c>GetString</c>/<c>ValueTextEquals</c> throw
/// <see cref="InvalidOperationException"/> on such text, so every string is checked before it is decoded.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>Whether <paramref name="raw"/> (a string token's escaped content) holds an unpaired surrogate escape.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        int i = raw.IndexOf((byte)'\\');
        while ((uint)i < (uint)raw.Length)
        {
            if (i + 1 >= raw.Length)
            {
                return false; // cannot happen in a token the reader accepted
            }

            if (raw[i + 1] != (byte)'u')
            {
                i = Next(raw, i + 2);
                continue;
            }

            int unit = Hex4(raw, i + 2);
            if (unit is < 0xD800 or > 0xDFFF)
            {
                i = Next(raw, i + 6);
                continue;
            }

            if (unit >= 0xDC00)
            {
                return true; // a low half with no high half before it
            }

            int low = i + 6 + 1 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u' ? Hex4(raw, i + 8) : -1;
            if (low is < 0xDC00 or > 0xDFFF)
            {
                return true; // a high half not followed by a low half
            }

            i = Next(raw, i + 12);
        }

        return false;
    }

    private static int Next(ReadOnlySpan<byte> raw, int from)
    {
        if (from >= raw.Length)
        {
            return -1;
        }

        int at = raw[from..].IndexOf((byte)'\\');
        return at < 0 ? -1 : from + at;
    }

    /// <summary>The four hex digits at <paramref name="at"/> as a number; -1 when there are not four.</summary>
    private static int Hex4(ReadOnlySpan<byte> raw, int at)
    {
        if (at + 4 > raw.Length)
        {
            return -1;
        }

        int value = 0;
        for (int k = at; k < at + 4; k++)
        {
            int digit = HexDigit(raw[k]);
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
