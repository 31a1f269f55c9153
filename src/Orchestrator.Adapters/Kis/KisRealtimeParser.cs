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
/// <para>H0STASP0 (domestic 10-level quotes) → a <see cref="EventKind.QuoteTick"/> of the best level,
/// 59 fields (65 in KIS's newer layout, which appends KMID_*/NMID_* mid-point fields; both are
/// accepted): 0 MKSC_SHRN_ISCD, 1 BSOP_HOUR HHMMSS (KST; no date in the record, so today's date in
/// Korea by the injected clock), 2 HOUR_CLS_CODE, 3–12 ASKP1–10, 13–22 BIDP1–10, 23–32
/// ASKP_RSQN1–10, 33–42 BIDP_RSQN1–10, 43–58 totals, expected-match fields, STCK_DEAL_CLS_CODE.
/// Read: 3 ASKP1, 13 BIDP1, 23 ASKP_RSQN1, 33 BIDP_RSQN1; the price is the mid when both sides exist.</para>
/// <para>HDFSCNT0 (overseas trades, delayed) → a <see cref="EventKind.TradeTick"/>, 26 fields:
/// 0 RSYM key (e.g. DNASAAPL: D + exchange + ticker), 1 SYMB ticker, 2 ZDIV decimals, 3 TYMD,
/// 4 XYMD, 5 XHMS (exchange local), 6 KYMD, 7 KHMS (Korea), 8 OPEN, 9 HIGH, 10 LOW, 11 LAST,
/// 12 SIGN, 13 DIFF, 14 RATE, 15 PBID, 16 PASK, 17 VBID, 18 VASK, 19 EVOL (trade size), 20 TVOL,
/// 21 TAMT, 22 BIVL, 23 ASVL, 24 STRN, 25 MTYP. Prices are decimal text, read exactly into fixed
/// point; time from KYMD+KHMS. The symbol table is asked for RSYM, then SYMB.</para>
/// <para>Called on the feed's receive thread; one instance per connection.</para>
/// </remarks>
public sealed class KisRealtimeParser(SymbolTable symbols, TimeProvider? time = null)
{
    public const int DomesticTradeFieldCount = 46;
    public const int DomesticQuoteFieldCount = 59;
    public const int DomesticQuoteFieldCountWithMidPoint = 65;
    public const int OverseasTradeFieldCount = 26;
    private const long NsPerSecond = 1_000_000_000;
    private const long NsPerDay = 86_400 * NsPerSecond;
    private const long KstOffsetNs = 9 * 3600 * NsPerSecond;
    private const decimal MaxPrice = 9_000_000_000_000m;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private static ReadOnlySpan<byte> DomesticTrade => "H0STCNT0"u8;

    private static ReadOnlySpan<byte> DomesticQuote => "H0STASP0"u8;

    private static ReadOnlySpan<byte> OverseasTrade => "HDFSCNT0"u8;

    private static ReadOnlySpan<byte> PingPongTr => "PINGPONG"u8;

    private enum Layout
    {
        DomesticTrade,
        DomesticQuote,
        OverseasTrade,
    }

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

        if (KisDataFrame.TrySplit(frame, out bool encrypted, out ReadOnlySpan<byte> trId, out int count, out ReadOnlySpan<byte> payload) is { } reason)
        {
            return Reject(reason);
        }

        if (encrypted)
        {
            Encrypted++;
            return new KisFrameResult(KisFrameKind.Encrypted, 0);
        }

        int fields = payload.Count((byte)'^') + 1;
        Layout layout;
        int width;
        if (trId.SequenceEqual(DomesticTrade))
        {
            (layout, width) = (Layout.DomesticTrade, DomesticTradeFieldCount);
        }
        else if (trId.SequenceEqual(DomesticQuote))
        {
            (layout, width) = (Layout.DomesticQuote, fields == count * DomesticQuoteFieldCountWithMidPoint ? DomesticQuoteFieldCountWithMidPoint : DomesticQuoteFieldCount);
        }
        else if (trId.SequenceEqual(OverseasTrade))
        {
            (layout, width) = (Layout.OverseasTrade, OverseasTradeFieldCount);
        }
        else
        {
            return new KisFrameResult(KisFrameKind.UnknownTr, 0, "tr_id not decoded here");
        }

        if (fields != count * width)
        {
            return Reject("record count and field count disagree");
        }

        int emitted = 0;
        for (int r = 0; r < count; r++)
        {
            MarketTick tick;
            int symbolId;
            bool ok = layout switch
            {
                Layout.DomesticTrade => ParseDomesticTrade(ref payload, out tick, out symbolId),
                Layout.DomesticQuote => ParseDomesticQuote(ref payload, width, out tick, out symbolId),
                _ => ParseOverseasTrade(ref payload, out tick, out symbolId),
            };
            if (!ok)
            {
                return Reject("a field of a record is not a number, price or time");
            }

            if (symbolId < 0)
            {
                UnknownSymbols++; // well formed, not on the watch list
                continue;
            }

            tick.SymbolId = symbolId;
            sink.OnMarketData(tick);
            emitted++;
        }

        Records += emitted;
        return new KisFrameResult(KisFrameKind.Data, emitted);
    }

    /// <summary>Reads one 46-field H0STCNT0 record off the front of <paramref name="payload"/>; symbolId −1 when not watched.</summary>
    private bool ParseDomesticTrade(ref ReadOnlySpan<byte> payload, out MarketTick tick, out int symbolId)
    {
        tick = default;
        symbolId = -1;
        Span<long> numbers = stackalloc long[DomesticTradeFieldCount];
        ReadOnlySpan<byte> symbol = default, time = default, date = default;
        for (int f = 0; f < DomesticTradeFieldCount; f++)
        {
            ReadOnlySpan<byte> field = NextField(ref payload);
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
                    if (!TryWhole(field, out numbers[f]))
                    {
                        return false;
                    }

                    break;
            }
        }

        if (!TryTimestamp(date, time, out long tsNs) || numbers[2] <= 0 || !TryLookup(symbol, out symbolId))
        {
            return false;
        }

        tick.Kind = EventKind.TradeTick;
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

    /// <summary>Reads one H0STASP0 record (<paramref name="width"/> fields) as the best bid and ask.</summary>
    private bool ParseDomesticQuote(ref ReadOnlySpan<byte> payload, int width, out MarketTick tick, out int symbolId)
    {
        tick = default;
        symbolId = -1;
        ReadOnlySpan<byte> symbol = default, time = default;
        long ask = 0, bid = 0, askSize = 0, bidSize = 0;
        bool ok = true;
        for (int f = 0; f < width; f++)
        {
            ReadOnlySpan<byte> field = NextField(ref payload);
            switch (f)
            {
                case 0:
                    symbol = field;
                    break;
                case 1:
                    time = field;
                    break;
                case 3:
                    ok &= TryWhole(field, out ask);
                    break;
                case 13:
                    ok &= TryWhole(field, out bid);
                    break;
                case 23:
                    ok &= TryWhole(field, out askSize);
                    break;
                case 33:
                    ok &= TryWhole(field, out bidSize);
                    break;
            }
        }

        if (!ok || (ask == 0 && bid == 0) || !TryTimeToday(time, out long tsNs) || !TryLookup(symbol, out symbolId))
        {
            return false;
        }

        tick.Kind = EventKind.QuoteTick;
        tick.TsEventNs = tsNs;
        tick.AskRaw = ask * FixedPoint.Scale;
        tick.BidRaw = bid * FixedPoint.Scale;
        tick.AskSize = askSize;
        tick.BidSize = bidSize;
        tick.PriceRaw = ask > 0 && bid > 0 ? (tick.AskRaw + tick.BidRaw) / 2 : 0;
        return true;
    }

    /// <summary>Reads one 26-field HDFSCNT0 record; the symbol is looked up as RSYM, then SYMB.</summary>
    private bool ParseOverseasTrade(ref ReadOnlySpan<byte> payload, out MarketTick tick, out int symbolId)
    {
        tick = default;
        symbolId = -1;
        Span<long> numbers = stackalloc long[OverseasTradeFieldCount];
        ReadOnlySpan<byte> key = default, ticker = default, date = default, time = default;
        for (int f = 0; f < OverseasTradeFieldCount; f++)
        {
            ReadOnlySpan<byte> field = NextField(ref payload);
            switch (f)
            {
                case 0:
                    key = field;
                    break;
                case 1:
                    ticker = field;
                    break;
                case 6:
                    date = field;
                    break;
                case 7:
                    time = field;
                    break;
                case 8 or 9 or 10 or 11 or 15 or 16:
                    if (!TryPriceRaw(field, out numbers[f]))
                    {
                        return false;
                    }

                    break;
                case 17 or 18 or 19:
                    if (!TryWhole(field, out numbers[f]))
                    {
                        return false;
                    }

                    break;
            }
        }

        if (!TryTimestamp(date, time, out long tsNs) || numbers[11] <= 0 || !TryLookup(key, out symbolId))
        {
            return false;
        }

        if (symbolId < 0 && !TryLookup(ticker, out symbolId))
        {
            return false;
        }

        tick.Kind = EventKind.TradeTick;
        tick.TsEventNs = tsNs;
        tick.OpenRaw = numbers[8];
        tick.HighRaw = numbers[9];
        tick.LowRaw = numbers[10];
        tick.PriceRaw = numbers[11];
        tick.BidRaw = numbers[15];
        tick.AskRaw = numbers[16];
        tick.BidSize = numbers[17];
        tick.AskSize = numbers[18];
        tick.Size = numbers[19];
        return true;
    }

    /// <summary>Cuts the next <c>^</c>-separated field off the front of <paramref name="payload"/>.</summary>
    private static ReadOnlySpan<byte> NextField(scoped ref ReadOnlySpan<byte> payload)
    {
        int caret = payload.IndexOf((byte)'^');
        ReadOnlySpan<byte> field = caret < 0 ? payload : payload[..caret];
        payload = caret < 0 ? default : payload[(caret + 1)..];
        return field;
    }

    /// <summary>A non-negative whole number filling the whole field.</summary>
    private static bool TryWhole(ReadOnlySpan<byte> field, out long value) =>
        Utf8Parser.TryParse(field, out value, out int used) && used == field.Length && value >= 0;

    /// <summary>A non-negative decimal price (e.g. <c>190.2500</c>) into fixed point, exactly (no double).</summary>
    private static bool TryPriceRaw(ReadOnlySpan<byte> field, out long raw)
    {
        raw = 0;
        if (!Utf8Parser.TryParse(field, out decimal value, out int used) || used != field.Length || value < 0 || value > MaxPrice)
        {
            return false;
        }

        raw = FixedPoint.FromDecimal(value);
        return true;
    }

    /// <summary>
    /// The watch-list id of an ASCII symbol: true with −1 when well formed but not watched; false
    /// when empty or too long to be a symbol.
    /// </summary>
    private bool TryLookup(ReadOnlySpan<byte> symbol, out int symbolId)
    {
        symbolId = -1;
        if (symbol.IsEmpty || symbol.Length > 16)
        {
            return false;
        }

        Span<char> chars = stackalloc char[symbol.Length];
        for (int i = 0; i < symbol.Length; i++)
        {
            chars[i] = (char)symbol[i];
        }

        if (!symbols.TryGetId(chars, out symbolId))
        {
            symbolId = -1;
        }

        return true;
    }

    /// <summary>YYYYMMDD + HHMMSS in Korea time (UTC+9, no daylight saving) → ns since the Unix epoch.</summary>
    private static bool TryTimestamp(ReadOnlySpan<byte> date, ReadOnlySpan<byte> time, out long tsNs)
    {
        tsNs = 0;
        if (date.Length != 8 || !Utf8Parser.TryParse(date, out int ymd, out int used) || used != 8)
        {
            return false;
        }

        int year = ymd / 10000, month = ymd / 100 % 100, day = ymd % 100;
        if (month is < 1 or > 12 || day < 1 || year < 1970 || year > 9999 || day > DateTime.DaysInMonth(year, month) || !TrySecondOfDay(time, out long second))
        {
            return false;
        }

        long days = new DateOnly(year, month, day).DayNumber - new DateOnly(1970, 1, 1).DayNumber;
        tsNs = (days * NsPerDay) + (second * NsPerSecond) - KstOffsetNs;
        return true;
    }

    /// <summary>
    /// HHMMSS (KST) on today's date in Korea by the clock; a time more than 12 hours ahead of the
    /// clock is yesterday's (a frame from just before midnight read just after).
    /// </summary>
    private bool TryTimeToday(ReadOnlySpan<byte> time, out long tsNs)
    {
        tsNs = 0;
        if (!TrySecondOfDay(time, out long second))
        {
            return false;
        }

        long nowNs = (_time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
        long kstMidnightNs = (nowNs + KstOffsetNs) / NsPerDay * NsPerDay;
        tsNs = kstMidnightNs + (second * NsPerSecond) - KstOffsetNs;
        if (tsNs - nowNs > NsPerDay / 2)
        {
            tsNs -= NsPerDay;
        }

        return true;
    }

    private static bool TrySecondOfDay(ReadOnlySpan<byte> time, out long second)
    {
        second = 0;
        if (time.Length != 6 || !Utf8Parser.TryParse(time, out int hms, out int used) || used != 6)
        {
            return false;
        }

        int hour = hms / 10000, minute = hms / 100 % 100, sec = hms % 100;
        if (hour > 23 || minute > 59 || sec > 59)
        {
            return false;
        }

        second = (hour * 3600) + (minute * 60) + sec;
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
