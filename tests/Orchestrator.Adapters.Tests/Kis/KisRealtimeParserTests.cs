using System.Text;
using Orchestrator.Adapters.Kis;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

public sealed class KisRealtimeParserTests
{
    private sealed class ListSink : IMarketDataSink
    {
        public List<MarketTick> Ticks { get; } = [];

        public void OnMarketData(in MarketTick tick) => Ticks.Add(tick);
    }

    private sealed class CountingSink : IMarketDataSink
    {
        public long Count;

        public void OnMarketData(in MarketTick tick) => Count++;
    }

    private static readonly SymbolTable s_symbols = new(["005930", "000660"]);

    /// <summary>One H0STCNT0 record as KIS sends it: 46 fields in the documented order.</summary>
    private static string Record(string symbol, string time, long price, long size, string date = "20250102")
    {
        string[] f = new string[KisRealtimeParser.DomesticTradeFieldCount];
        Array.Fill(f, "0");
        f[0] = symbol;
        f[1] = time;
        f[2] = price.ToString(System.Globalization.CultureInfo.InvariantCulture);
        f[3] = "2";
        f[5] = "1.25";     // a rate with decimals: not read, must not upset the parser
        f[7] = "72900";
        f[8] = "73300";
        f[9] = "72800";
        f[10] = "73200";
        f[11] = "73100";
        f[12] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        f[21] = "1";
        f[33] = date;
        f[34] = "20";
        f[35] = "N";
        f[36] = "1500";
        f[37] = "2500";
        f[43] = "0";
        return string.Join('^', f);
    }

    private static byte[] Frame(params string[] records) =>
        Encoding.ASCII.GetBytes($"0|H0STCNT0|{records.Length:000}|{string.Join('^', records)}");

    [Fact]
    public void DataFrame_BecomesTradeTicks_WithFixedPointPricesAndUtcTime()
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        KisFrameResult result = parser.Parse(Frame(Record("005930", "090000", 73100, 25)), sink);

        Assert.Equal(new KisFrameResult(KisFrameKind.Data, 1), result);
        MarketTick tick = Assert.Single(sink.Ticks);
        Assert.Equal(EventKind.TradeTick, tick.Kind);
        Assert.Equal(0, tick.SymbolId);
        Assert.Equal(73_100 * FixedPoint.Scale, tick.PriceRaw);
        Assert.Equal(25, tick.Size);
        Assert.Equal(73_200 * FixedPoint.Scale, tick.AskRaw);
        Assert.Equal(73_100 * FixedPoint.Scale, tick.BidRaw);
        Assert.Equal(1500, tick.AskSize);
        Assert.Equal(2500, tick.BidSize);
        Assert.Equal(72_900 * FixedPoint.Scale, tick.OpenRaw);
        // 09:00:00 in Seoul is midnight UTC.
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000, tick.TsEventNs);
    }

    [Fact]
    public void FrameWithSeveralRecords_EmitsEachInOrder_AndCountsUnknownSymbols()
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        KisFrameResult result = parser.Parse(Frame(
            Record("005930", "090001", 73100, 1),
            Record("035720", "090001", 41000, 2),
            Record("000660", "090002", 180500, 3)), sink);

        Assert.Equal(KisFrameKind.Data, result.Kind);
        Assert.Equal(2, result.Records);
        Assert.Equal([0, 1], sink.Ticks.Select(t => t.SymbolId));
        Assert.Equal(1, parser.UnknownSymbols);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("0|H0STCNT0")]
    [InlineData("0|H0STCNT0|1|005930")]
    [InlineData("0|H0STCNT0|002|005930^090000^73100")]
    [InlineData("{\"header\": {\"tr_id\": \"H0STCNT0\"")]
    [InlineData("{\"header\": {\"tr_id\": \"H0STCNT0\"}}")]
    public void MalformedFrames_AreRejectedWithAReason_NeverThrown(string text)
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        KisFrameResult result = parser.Parse(Encoding.UTF8.GetBytes(text), sink);
        Assert.Equal(KisFrameKind.Malformed, result.Kind);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.Empty(sink.Ticks);
        Assert.Equal(1, parser.Malformed);
    }

    [Theory]
    [InlineData("12345X", "20250102")] // a time that is not HHMMSS
    [InlineData("090000", "20251302")] // month 13
    [InlineData("250000", "20250102")] // hour 25
    public void RecordWithABadField_RejectsTheFrame(string time, string date)
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(Frame(Record("005930", time, 73100, 1, date)), sink).Kind);
        Assert.Empty(sink.Ticks);
    }

    [Fact]
    public void ControlFrames_PingPongAndAcks_AreRecognised()
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        Assert.Equal(KisFrameKind.PingPong, parser.Parse("{\"header\":{\"tr_id\":\"PINGPONG\",\"datetime\":\"20250102090000\"}}"u8, sink).Kind);

        KisFrameResult ok = parser.Parse("{\"header\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\",\"encrypt\":\"N\"},\"body\":{\"rt_cd\":\"0\",\"msg_cd\":\"OPSP0000\",\"msg1\":\"SUBSCRIBE SUCCESS\",\"output\":{\"iv\":\"0123456789abcdef\",\"key\":\"abcdefghijklmnopabcdefghijklmnop\"}}}"u8, sink);
        Assert.Equal(new KisFrameResult(KisFrameKind.SubscribeAck, 0), ok);

        KisFrameResult refused = parser.Parse("{\"header\":{\"tr_id\":\"H0STCNT0\"},\"body\":{\"rt_cd\":\"1\",\"msg_cd\":\"OPSP0011\",\"msg1\":\"invalid approval\"}}"u8, sink);
        Assert.Equal(KisFrameKind.SubscribeAck, refused.Kind);
        Assert.NotNull(refused.Reason);
        Assert.Equal(0, parser.Malformed);
    }

    [Fact]
    public void EncryptedAndOtherTrFrames_AreCountedNotDecoded()
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new ListSink();
        Assert.Equal(KisFrameKind.Encrypted, parser.Parse("1|H0STCNI0|001|c2VjcmV0"u8, sink).Kind);
        Assert.Equal(KisFrameKind.UnknownTr, parser.Parse("0|H0STMKO0|001|005930^090000"u8, sink).Kind);
        Assert.Equal(1, parser.Encrypted);
        Assert.Empty(sink.Ticks);
    }

    [Fact]
    public void Parsing_AllocatesNothingPerFrame()
    {
        var parser = new KisRealtimeParser(s_symbols);
        var sink = new CountingSink();
        byte[] frame = Frame(Record("005930", "090000", 73100, 5), Record("000660", "090000", 180500, 7));
        for (int i = 0; i < 1_000; i++)
        {
            parser.Parse(frame, sink);
        }

        long[] allocated = AllocationWindows.Measure(5, 20_000, 0, _ => parser.Parse(frame, sink));

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(202_000, sink.Count);
    }

    /// <summary>An H0STASP0 frame, 59 fields: 10 ask and bid levels with sizes, totals, expected-match fields.</summary>
    private const string QuoteFrame = "0|H0STASP0|001|005930^093015^0^71100^71200^71300^71400^71500^71600^71700^71800^71900^72000^71000^70900^70800^70700^70600^70500^70400^70300^70200^70100^12034^5402^8811^7120^3301^9050^4410^2210^6607^1203^20511^8822^10433^6012^7714^5520^3302^9981^4400^2100^65148^77805^0^0^0^0^0^0^3^0.00^8123456^-120^340^0^0^0";

    /// <summary>An HDFSCNT0 frame, 26 fields: DNASAAPL at 243.85 USD, 120 shares, 23:30:15 in Seoul.</summary>
    private const string OverseasFrame = "0|HDFSCNT0|001|DNASAAPL^AAPL^4^20250102^20250102^093015^20250102^233015^243.3600^244.1800^241.8900^243.8500^2^0.4900^0.20^243.8400^243.8600^300^500^120^1523344^371234567^704120^819224^115.35^1";

    /// <summary>A clock fixed at 2025-01-02 10:00 in Seoul.</summary>
    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2025, 1, 2, 1, 0, 0, TimeSpan.Zero);
    }

    private static long UtcNs(int year, int month, int day, int hour, int minute, int second) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public void H0STASP0_BecomesAQuoteTickOfTheBestLevel_DatedTodayInSeoul()
    {
        var parser = new KisRealtimeParser(new SymbolTable(["005930"]), new FixedClock());
        var sink = new ListSink();

        Assert.Equal(new KisFrameResult(KisFrameKind.Data, 1), parser.Parse(Encoding.ASCII.GetBytes(QuoteFrame), sink));

        MarketTick tick = Assert.Single(sink.Ticks);
        Assert.Equal(EventKind.QuoteTick, tick.Kind);
        Assert.Equal((71_100 * FixedPoint.Scale, 71_000 * FixedPoint.Scale), (tick.AskRaw, tick.BidRaw));
        Assert.Equal((12_034L, 20_511L), (tick.AskSize, tick.BidSize));
        Assert.Equal(71_050 * FixedPoint.Scale, tick.PriceRaw);
        Assert.Equal(UtcNs(2025, 1, 2, 0, 30, 15), tick.TsEventNs); // 09:30:15 Seoul
    }

    [Fact]
    public void HDFSCNT0_BecomesATradeTick_WithExactDecimalPrices_ByItsRsymKey()
    {
        var parser = new KisRealtimeParser(new SymbolTable(["005930", "DNASAAPL"]));
        var sink = new ListSink();

        Assert.Equal(new KisFrameResult(KisFrameKind.Data, 1), parser.Parse(Encoding.ASCII.GetBytes(OverseasFrame), sink));

        MarketTick tick = Assert.Single(sink.Ticks);
        Assert.Equal((EventKind.TradeTick, 1), (tick.Kind, tick.SymbolId));
        Assert.Equal(243_850_000L, tick.PriceRaw);
        Assert.Equal((243_840_000L, 243_860_000L, 300L, 500L), (tick.BidRaw, tick.AskRaw, tick.BidSize, tick.AskSize));
        Assert.Equal((243_360_000L, 244_180_000L, 241_890_000L), (tick.OpenRaw, tick.HighRaw, tick.LowRaw));
        Assert.Equal(120, tick.Size);
        Assert.Equal(UtcNs(2025, 1, 2, 14, 30, 15), tick.TsEventNs); // 23:30:15 Seoul

        var byTicker = new KisRealtimeParser(new SymbolTable(["AAPL"]));
        Assert.Equal(1, byTicker.Parse(Encoding.ASCII.GetBytes(OverseasFrame), sink).Records);
    }

    [Theory]
    [InlineData("0|HDFSCNT0|001|DNASAAPL^AAPL^4^20250102^20250102^093015^20250102^233015^243.36^244.18^241.89^12x.5^2^0.49^0.20^243.84^243.86^300^500^120^1^1^1^1^1^1")]
    [InlineData("0|HDFSCNT0|001|DNASAAPL^AAPL^4^20250102")]
    [InlineData("0|H0STASP0|001|005930^093015^0^71100")]
    [InlineData("0|H0STASP0|001|005930^996015^0^71100^71200^71300^71400^71500^71600^71700^71800^71900^72000^71000^70900^70800^70700^70600^70500^70400^70300^70200^70100^12034^5402^8811^7120^3301^9050^4410^2210^6607^1203^20511^8822^10433^6012^7714^5520^3302^9981^4400^2100^65148^77805^0^0^0^0^0^0^3^0.00^8123456^-120^340^0^0^0")]
    public void BadQuoteOrOverseasFrames_AreRejectedAndCounted(string frame)
    {
        var parser = new KisRealtimeParser(new SymbolTable(["005930", "DNASAAPL"]));
        var sink = new ListSink();
        Assert.Equal(KisFrameKind.Malformed, parser.Parse(Encoding.ASCII.GetBytes(frame), sink).Kind);
        Assert.Empty(sink.Ticks);
        Assert.Equal(1, parser.Malformed);
    }

    [Fact]
    public void ParsingQuotesAndOverseasTrades_AllocatesNothingPerFrame()
    {
        var parser = new KisRealtimeParser(new SymbolTable(["005930", "DNASAAPL"]));
        var sink = new CountingSink();
        byte[] quote = Encoding.ASCII.GetBytes(QuoteFrame);
        byte[] overseas = Encoding.ASCII.GetBytes(OverseasFrame);
        for (int i = 0; i < 1_000; i++)
        {
            parser.Parse(quote, sink);
            parser.Parse(overseas, sink);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50_000; i++)
        {
            parser.Parse(quote, sink);
            parser.Parse(overseas, sink);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(102_000, sink.Count);
    }
}
