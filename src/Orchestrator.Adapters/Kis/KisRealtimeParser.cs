using System.Buffers.Text;
using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// Turns KIS real-time WebSocket frames into market data without allocating per message.
/// Data frames are <c>flag|tr_id|count|record^record…</c>: flag 0 plain, 1 encrypted; count is
/// three digits; each record is a fixed number of <c>^</c>-separated fields, several records per
/// frame. Control frames are JSON (subscribe acks, <c>PINGPONG</c> keep-alives). Anything else is
/// rejected with a reason and counted — a bad frame never throws and never stops the feed.
/// </summary>
/// <remarks>
/// <para>H0STCNT0 (domestic stock trades) record layout, 46 fields; the ones read here:
/// 0 MKSC_SHRN_ISCD symbol, 1 STCK_CNTG_HOUR HHMMSS (KST), 2 STCK_PRPR price, 7 STCK_OPRC open,
/// 8 STCK_HGPR high, 9 STCK_LWPR low, 10 ASKP1 best ask, 11 BIDP1 best bid, 12 CNTG_VOL trade
/// size, 33 BSOP_DATE YYYYMMDD (business day), 36 ASKP_RSQN1 ask size, 37 BIDP_RSQN1 bid size.</para>
/// <para>Called on the feed's receive thread; one instance per connection.</para>
/// </remarks>
public sealed class KisRealtimeParser(SymbolTable symbols)
{
    public const int DomesticTradeFieldCount = 46;
    private const long NsPerSecond = 1_000_000_000;
    private const long KstOffsetNs = 9 * 3600 * NsPerSecond;

    private static ReadOnlySpan<byte> DomesticTrade => "H0STCNT0"u8;

    private static ReadOnlySpan<byte> PingPongTr => "PINGPONG"u8;

    public long Frames { get; private set; }

    public long Records { get; private set; }

    public long Malformed { get; private set; }

    public long UnknownSymbols { get; private set; }

    public long Encrypted { get; private set; }

    public KisFrameResult Parse(ReadOnlySpan<byte> frame, IMarketDataSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Frames++;
        if (frame.IsEmpty)
        {
            return Reject("empty frame");
        }

        if (frame[0] == (byte)'{')
        {
            return ParseControl(frame);
        }

        if (frame[0] is not ((byte)'0' or (byte)'1') || frame.Length < 2 || frame[1] != (byte)'|')
        {
            return Reject("not a KIS frame: it starts with neither 0|, 1| nor {");
        }

        ReadOnlySpan<byte> rest = frame[2..];
        int bar = rest.IndexOf((byte)'|');
        if (bar <= 0)
        {
            return Reject("data frame without a TR id");
        }

        ReadOnlySpan<byte> trId = rest[..bar];
        rest = rest[(bar + 1)..];
        bar = rest.IndexOf((byte)'|');
        if (bar != 3 || !Utf8Parser.TryParse(rest[..3], out int count, out int used) || used != 3 || count <= 0)
        {
            return Reject("data frame without a three-digit record count");
        }

        ReadOnlySpan<byte> payload = rest[4..];
        if (frame[0] == (byte)'1')
        {
            Encrypted++;
            return new KisFrameResult(KisFrameKind.Encrypted, 0);
        }

        if (!trId.SequenceEqual(DomesticTrade))
        {
            return new KisFrameResult(KisFrameKind.UnknownTr, 0, "tr_id not decoded here");
        }

        int fields = payload.Count((byte)'^') + 1;
        if (fields != count * DomesticTradeFieldCount)
        {
            return Reject("record count and field count disagree");
        }

        int emitted = 0;
        for (int r = 0; r < count; r++)
        {
            if (ParseDomesticTrade(ref payload, out MarketTick tick, out bool known))
            {
                if (known)
                {
                    sink.OnMarketData(tick);
                    emitted++;
                }
                else
                {
                    UnknownSymbols++;
                }
            }
            else
            {
                return Reject("a field of an H0STCNT0 record is not a number or time");
            }
        }

        Records += emitted;
        return new KisFrameResult(KisFrameKind.Data, emitted);
    }

    /// <summary>Reads one 46-field record off the front of <paramref name="payload"/>.</summary>
    private bool ParseDomesticTrade(ref ReadOnlySpan<byte> payload, out MarketTick tick, out bool known)
    {
        tick = default;
        known = false;
        Span<long> numbers = stackalloc long[DomesticTradeFieldCount];
        ReadOnlySpan<byte> symbol = default;
        ReadOnlySpan<byte> time = default;
        ReadOnlySpan<byte> date = default;
        for (int f = 0; f < DomesticTradeFieldCount; f++)
        {
            int caret = payload.IndexOf((byte)'^');
            ReadOnlySpan<byte> field = caret < 0 ? payload : payload[..caret];
            payload = caret < 0 ? default : payload[(caret + 1)..];
            switch (f)
            {
                case 0:
                    symbol = field;
                    break;
                case 1:
                    time = field;
                    break;
                case 33:
                    date = field;
                    break;
                case 2 or 7 or 8 or 9 or 10 or 11 or 12 or 36 or 37:
                    if (!Utf8Parser.TryParse(field, out long value, out int used) || used != field.Length || value < 0)
                    {
                        return false;
                    }

                    numbers[f] = value;
                    break;
            }
        }

        if (symbol.IsEmpty || symbol.Length > 12 || !TryTimestamp(date, time, out long tsNs) || numbers[2] <= 0)
        {
            return false;
        }

        Span<char> chars = stackalloc char[symbol.Length];
        for (int i = 0; i < symbol.Length; i++)
        {
            chars[i] = (char)symbol[i];
        }

        if (!symbols.TryGetId(chars, out int symbolId))
        {
            return true; // well formed, not on the watch list
        }

        known = true;
        tick.Kind = EventKind.TradeTick;
        tick.SymbolId = symbolId;
        tick.TsEventNs = tsNs;
        tick.PriceRaw = numbers[2] * FixedPoint.Scale; // KRW: whole won
        tick.Size = numbers[12];
        tick.OpenRaw = numbers[7] * FixedPoint.Scale;
        tick.HighRaw = numbers[8] * FixedPoint.Scale;
        tick.LowRaw = numbers[9] * FixedPoint.Scale;
        tick.AskRaw = numbers[10] * FixedPoint.Scale;
        tick.BidRaw = numbers[11] * FixedPoint.Scale;
        tick.AskSize = numbers[36];
        tick.BidSize = numbers[37];
        return true;
    }

    /// <summary>YYYYMMDD + HHMMSS in Korea time (UTC+9, no daylight saving) → ns since the Unix epoch.</summary>
    private static bool TryTimestamp(ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, out long tsNs)
    {
        tsNs = 0;
        if (date.Length != 8 || time.Length != 6
            || !Utf8Parser.TryParse(date, out int ymd, out int u1) || u1 != 8
            || !Utf8Parser.TryParse(time, out int hms, out int u2) || u2 != 6)
        {
            return false;
        }

        int year = ymd / 10000, month = ymd / 100 % 100, day = ymd % 100;
        int hour = hms / 10000, minute = hms / 100 % 100, second = hms % 100;
        if (month is < 1 or > 12 || day < 1 || year < 1970 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long days = new DateOnly(year, month, day).DayNumber - new DateOnly(1970, 1, 1).DayNumber;
        tsNs = (((days * 86_400) + (hour * 3600) + (minute * 60) + second) * NsPerSecond) - KstOffsetNs;
        return true;
    }

    /// <summary>JSON control frames: <c>header.tr_id</c> PINGPONG is a keep-alive; otherwise an ack with <c>body.rt_cd</c>.</summary>
    private KisFrameResult ParseControl(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            int depth = 0;
            bool inHeader = false, inBody = false, sawRtCd = false, success = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        inHeader = inHeader && depth >= 2;
                        inBody = inBody && depth >= 2;
                        break;
                    case JsonTokenType.PropertyName when depth == 1:
                        inHeader = reader.ValueTextEquals("header"u8);
                        inBody = reader.ValueTextEquals("body"u8);
                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inHeader && reader.ValueTextEquals("tr_id"u8):
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(PingPongTr))
                        {
                            return new KisFrameResult(KisFrameKind.PingPong, 0);
                        }

                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inBody && reader.ValueTextEquals("rt_cd"u8):
                        reader.Read();
                        sawRtCd = true;
                        success = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("0"u8);
                        break;
                }
            }

            if (!sawRtCd)
            {
                return Reject("JSON frame is neither a PINGPONG nor an ack with body.rt_cd");
            }

            return success
                ? new KisFrameResult(KisFrameKind.SubscribeAck, 0)
                : new KisFrameResult(KisFrameKind.SubscribeAck, 0, "subscription refused (rt_cd != 0)");
        }
        catch (JsonException)
        {
            return Reject("malformed JSON control frame");
        }
    }

    private KisFrameResult Reject(string reason)
    {
        Malformed++;
        return new KisFrameResult(KisFrameKind.Malformed, 0, reason);
    }
}
