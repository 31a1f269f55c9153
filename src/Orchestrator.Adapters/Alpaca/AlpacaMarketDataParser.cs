using System.Buffers.Text;
using System.Text.Json;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// Turns Alpaca market data stream v2 frames into <see cref="MarketTick"/>s without allocating:
/// a <see cref="Utf8JsonReader"/> walks the received bytes, symbols are looked up as spans,
/// prices go straight from the JSON digits to fixed point (never through double) and RFC 3339
/// times with nanoseconds to ns since the epoch.
/// </summary>
/// <remarks>
/// <para>A frame is a JSON array of messages (a lone object is accepted too), each tagged by
/// <c>T</c>: <c>t</c> trade (<c>S p s t</c>), <c>q</c> quote (<c>S bp bs ap as t</c>), <c>b</c>
/// bar (<c>S o h l c v t</c>), <c>success</c> (<c>msg</c> connected/authenticated),
/// <c>subscription</c>, <c>error</c> (<c>code msg</c>). Other tags (daily and updated bars,
/// statuses, corrections…) are counted as ignored. A message that cannot be read is counted and
/// skipped; the rest of its frame still counts. Unknown symbols are counted and skipped.</para>
/// <para>Called on the feed's receive thread; one instance per connection, not thread-safe.</para>
/// </remarks>
public sealed class AlpacaMarketDataParser(SymbolTable symbols)
{
    private const int MaxSymbolLength = 16;
    private const int MaxTimestampLength = 40;

    private enum MessageType : byte
    {
        Missing,
        Trade,
        Quote,
        Bar,
        Success,
        Subscription,
        Error,
        Other,
    }

    public long Frames { get; private set; }

    /// <summary>Messages read (every element of every frame).</summary>
    public long Messages { get; private set; }

    /// <summary>Ticks handed to the sink.</summary>
    public long Ticks { get; private set; }

    /// <summary>Frames or messages that could not be read.</summary>
    public long Malformed { get; private set; }

    public long UnknownSymbols { get; private set; }

    /// <summary><c>T:"error"</c> messages received.</summary>
    public long Errors { get; private set; }

    /// <summary>Well-formed messages of a type this parser does not decode.</summary>
    public long Ignored { get; private set; }

    public AlpacaFrameResult Parse(ReadOnlySpan<byte> frame, IMarketDataSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Frames++;
        var flags = AlpacaFrameFlags.None;
        int ticks = 0;
        int errorCode = 0;
        try
        {
            var reader = new Utf8JsonReader(frame);
            if (!reader.Read())
            {
                return Reject(flags, ticks, errorCode);
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ParseMessage(ref reader, sink, ref flags, ref ticks, ref errorCode);
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ParseMessage(ref reader, sink, ref flags, ref ticks, ref errorCode);
                    }
                    else
                    {
                        Messages++;
                        Malformed++;
                        flags |= AlpacaFrameFlags.Malformed;
                        reader.Skip();
                    }
                }
            }
            else
            {
                return Reject(flags, ticks, errorCode);
            }
        }
        catch (JsonException)
        {
            return Reject(flags, ticks, errorCode); // ticks before the break already went out
        }

        return new AlpacaFrameResult(flags, ticks, errorCode);
    }

    /// <summary>Reads one message object; the reader is on its StartObject and ends on its EndObject.</summary>
    private void ParseMessage(ref Utf8JsonReader reader, IMarketDataSink sink, ref AlpacaFrameFlags flags, ref int ticks, ref int errorCode)
    {
        Messages++;
        MessageType type = MessageType.Missing;
        ReadOnlySpan<byte> symbol = default;
        ReadOnlySpan<byte> time = default;
        bool bad = false;
        bool connected = false, authenticated = false;
        int code = 0;
        long price = 0, size = 0, bid = 0, bidSize = 0, ask = 0, askSize = 0, open = 0, high = 0, low = 0, close = 0, volume = 0;
        int depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            // Property name, then its value.
            ReadOnlySpan<byte> name = reader.ValueSpan;
            bool escapedName = reader.ValueIsEscaped;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip(); // trade conditions "c":["@"], nested objects: not needed
                continue;
            }

            if (escapedName || name.Length > 4)
            {
                continue;
            }

            switch (name.Length)
            {
                case 1:
                    switch (name[0])
                    {
                        case (byte)'T':
                            type = ReadType(ref reader);
                            break;
                        case (byte)'S':
                            symbol = UnescapedString(ref reader);
                            bad |= symbol.IsEmpty;
                            break;
                        case (byte)'t':
                            time = UnescapedString(ref reader);
                            bad |= time.IsEmpty;
                            break;
                        case (byte)'p':
                            bad |= !TryPrice(ref reader, out price);
                            break;
                        case (byte)'s':
                            bad |= !TryWhole(ref reader, out size);
                            break;
                        case (byte)'o':
                            bad |= !TryPrice(ref reader, out open);
                            break;
                        case (byte)'h':
                            bad |= !TryPrice(ref reader, out high);
                            break;
                        case (byte)'l':
                            bad |= !TryPrice(ref reader, out low);
                            break;
                        case (byte)'c':
                            bad |= !TryPrice(ref reader, out close);
                            break;
                        case (byte)'v':
                            bad |= !TryWhole(ref reader, out volume);
                            break;
                    }

                    break;
                case 2:
                    if (name.SequenceEqual("bp"u8))
                    {
                        bad |= !TryPrice(ref reader, out bid);
                    }
                    else if (name.SequenceEqual("ap"u8))
                    {
                        bad |= !TryPrice(ref reader, out ask);
                    }
                    else if (name.SequenceEqual("bs"u8))
                    {
                        bad |= !TryWhole(ref reader, out bidSize);
                    }
                    else if (name.SequenceEqual("as"u8))
                    {
                        bad |= !TryWhole(ref reader, out askSize);
                    }

                    break;
                case 3 when name.SequenceEqual("msg"u8) && reader.TokenType == JsonTokenType.String:
                    connected = reader.ValueTextEquals("connected"u8);
                    authenticated = reader.ValueTextEquals("authenticated"u8);
                    break;
                case 4 when name.SequenceEqual("code"u8):
                    bad |= reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out code);
                    break;
            }
        }

        switch (type)
        {
            case MessageType.Success:
                flags |= connected ? AlpacaFrameFlags.Connected : authenticated ? AlpacaFrameFlags.Authenticated : AlpacaFrameFlags.None;
                return;
            case MessageType.Subscription:
                flags |= AlpacaFrameFlags.Subscription;
                return;
            case MessageType.Error:
                Errors++;
                flags |= AlpacaFrameFlags.Error;
                errorCode = code;
                return;
            case MessageType.Other:
                Ignored++;
                return;
            case MessageType.Missing:
                bad = true;
                break;
        }

        if (bad || symbol.IsEmpty || symbol.Length > MaxSymbolLength || !TryTimestamp(time, out long tsNs))
        {
            Malformed++;
            flags |= AlpacaFrameFlags.Malformed;
            return;
        }

        Span<char> chars = stackalloc char[symbol.Length];
        for (int i = 0; i < symbol.Length; i++)
        {
            chars[i] = (char)symbol[i];
        }

        if (!symbols.TryGetId(chars, out int symbolId))
        {
            UnknownSymbols++;
            return;
        }

        var tick = new MarketTick { SymbolId = symbolId, TsEventNs = tsNs };
        switch (type)
        {
            case MessageType.Trade when price > 0:
                tick.Kind = EventKind.TradeTick;
                tick.PriceRaw = price;
                tick.Size = size;
                break;
            case MessageType.Quote:
                tick.Kind = EventKind.QuoteTick;
                tick.BidRaw = bid;
                tick.AskRaw = ask;
                tick.BidSize = bidSize;
                tick.AskSize = askSize;
                tick.PriceRaw = bid > 0 && ask > 0 ? (bid + ask) / 2 : 0;
                break;
            case MessageType.Bar when close > 0 && low > 0 && high >= low:
                tick.Kind = EventKind.Bar;
                tick.OpenRaw = open;
                tick.HighRaw = high;
                tick.LowRaw = low;
                tick.PriceRaw = close;
                tick.Size = volume;
                break;
            default:
                Malformed++;
                flags |= AlpacaFrameFlags.Malformed;
                return;
        }

        sink.OnMarketData(tick);
        Ticks++;
        ticks++;
        flags |= AlpacaFrameFlags.Data;
    }

    private static MessageType ReadType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return MessageType.Missing;
        }

        return reader.ValueTextEquals("t"u8) ? MessageType.Trade
            : reader.ValueTextEquals("q"u8) ? MessageType.Quote
            : reader.ValueTextEquals("b"u8) ? MessageType.Bar
            : reader.ValueTextEquals("success"u8) ? MessageType.Success
            : reader.ValueTextEquals("subscription"u8) ? MessageType.Subscription
            : reader.ValueTextEquals("error"u8) ? MessageType.Error
            : MessageType.Other;
    }

    /// <summary>An unescaped string's bytes, or empty (symbols and times never need escapes).</summary>
    private static ReadOnlySpan<byte> UnescapedString(scoped ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? reader.ValueSpan : default;

    private static bool TryWhole(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value) && value >= 0;
    }

    private static bool TryPrice(ref Utf8JsonReader reader, out long raw)
    {
        raw = 0;
        return reader.TokenType == JsonTokenType.Number && TryParsePriceRaw(reader.ValueSpan, out raw) && raw >= 0;
    }

    /// <summary>
    /// A JSON number's digits → fixed point (<see cref="FixedPoint.Scale"/>), exact up to six
    /// decimals and rounded half away from zero beyond; exponents go through decimal. No double.
    /// </summary>
    internal static bool TryParsePriceRaw(ReadOnlySpan<byte> digits, out long raw)
    {
        raw = 0;
        if (digits.IndexOfAny((byte)'e', (byte)'E') >= 0)
        {
            if (!Utf8Parser.TryParse(digits, out decimal value, out int used, 'E') || used != digits.Length
                || value > long.MaxValue / FixedPoint.Scale || value < long.MinValue / FixedPoint.Scale)
            {
                return false;
            }

            raw = FixedPoint.FromDecimal(value);
            return true;
        }

        int i = 0;
        bool negative = digits.Length > 0 && digits[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        long whole = 0;
        int wholeDigits = 0;
        for (; i < digits.Length && (uint)(digits[i] - '0') <= 9; i++, wholeDigits++)
        {
            if (wholeDigits == 12)
            {
                return false; // beyond the fixed-point range
            }

            whole = (whole * 10) + (digits[i] - '0');
        }

        if (wholeDigits == 0)
        {
            return false;
        }

        long fraction = 0;
        int fractionDigits = 0;
        bool roundUp = false;
        if (i < digits.Length && digits[i] == (byte)'.')
        {
            for (i++; i < digits.Length && (uint)(digits[i] - '0') <= 9; i++, fractionDigits++)
            {
                if (fractionDigits < FixedPoint.Decimals)
                {
                    fraction = (fraction * 10) + (digits[i] - '0');
                }
                else if (fractionDigits == FixedPoint.Decimals)
                {
                    roundUp = digits[i] >= (byte)'5';
                }
            }

            if (fractionDigits == 0)
            {
                return false;
            }
        }

        if (i != digits.Length)
        {
            return false;
        }

        for (int d = Math.Min(fractionDigits, FixedPoint.Decimals); d < FixedPoint.Decimals; d++)
        {
            fraction *= 10;
        }

        long magnitude = (whole * FixedPoint.Scale) + fraction + (roundUp ? 1 : 0);
        raw = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>RFC 3339 with up to nine fractional digits → ns since the epoch.</summary>
    private static bool TryTimestamp(ReadOnlySpan<byte> text, out long tsNs)
    {
        tsNs = 0;
        if (text.IsEmpty || text.Length > MaxTimestampLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return MarketDataTimestamp.TryParseNs(chars, out tsNs);
    }

    private AlpacaFrameResult Reject(AlpacaFrameFlags flags, int ticks, int errorCode)
    {
        Malformed++;
        return new AlpacaFrameResult(flags | AlpacaFrameFlags.Malformed, ticks, errorCode);
    }
}
