using System.Text;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>The market data v2 parser on recorded frames of every message type.</summary>
public sealed class AlpacaMarketDataParserTests
{
    // 2024-01-02T14:30:00Z in ns since the epoch.
    private const long Jan2At1430Ns = 1_704_205_800_000_000_000;

    private const string Trade =
        """[{"T":"t","S":"AAPL","i":52983525029461,"x":"V","p":175.5,"s":100,"c":["@","I"],"t":"2024-01-02T14:30:00.123456789Z","z":"C"}]""";

    private const string Quote =
        """[{"T":"q","S":"MSFT","bx":"V","bp":374.99,"bs":3,"ax":"V","ap":375.01,"as":2,"c":["R"],"t":"2024-01-02T14:30:00.5Z","z":"C"}]""";

    private const string Bar =
        """[{"T":"b","S":"AAPL","o":175.1,"h":175.9,"l":174.8,"c":175.5,"v":123456,"t":"2024-01-02T14:30:00Z","n":812,"vw":175.4321}]""";

    private static readonly SymbolTable s_table = new(["AAPL", "MSFT"]);

    private sealed class CountingSink : IMarketDataSink
    {
        public long Count;

        public void OnMarketData(in MarketTick tick) => Count++;
    }

    private static (AlpacaFrameResult Result, List<MarketTick> Ticks, AlpacaMarketDataParser Parser) Parse(string frame)
    {
        var parser = new AlpacaMarketDataParser(s_table);
        var sink = new TickSink();
        AlpacaFrameResult result = parser.Parse(Encoding.UTF8.GetBytes(frame), sink);
        return (result, [.. sink.Ticks], parser);
    }

    [Fact]
    public void Trade_BecomesATradeTick_WithExactPriceAndNanosecondTime()
    {
        (AlpacaFrameResult result, List<MarketTick> ticks, _) = Parse(Trade);

        Assert.Equal(new AlpacaFrameResult(AlpacaFrameFlags.Data, 1, 0), result);
        MarketTick tick = Assert.Single(ticks);
        Assert.Equal(EventKind.TradeTick, tick.Kind);
        Assert.Equal(s_table.GetId("AAPL"), tick.SymbolId);
        Assert.Equal(175_500_000, tick.PriceRaw);
        Assert.Equal(100, tick.Size);
        Assert.Equal(Jan2At1430Ns + 123_456_789, tick.TsEventNs);
    }

    [Fact]
    public void Quote_BecomesAQuoteTick_WithTheMid()
    {
        MarketTick tick = Assert.Single(Parse(Quote).Ticks);

        Assert.Equal(EventKind.QuoteTick, tick.Kind);
        Assert.Equal(s_table.GetId("MSFT"), tick.SymbolId);
        Assert.Equal(374_990_000, tick.BidRaw);
        Assert.Equal(375_010_000, tick.AskRaw);
        Assert.Equal(3, tick.BidSize);
        Assert.Equal(2, tick.AskSize);
        Assert.Equal(375_000_000, tick.PriceRaw);
        Assert.Equal(Jan2At1430Ns + 500_000_000, tick.TsEventNs);
    }

    [Fact]
    public void Bar_BecomesABar_WithCloseAsPriceAndVolumeAsSize()
    {
        MarketTick tick = Assert.Single(Parse(Bar).Ticks);

        Assert.Equal(EventKind.Bar, tick.Kind);
        Assert.Equal(175_100_000, tick.OpenRaw);
        Assert.Equal(175_900_000, tick.HighRaw);
        Assert.Equal(174_800_000, tick.LowRaw);
        Assert.Equal(175_500_000, tick.PriceRaw);
        Assert.Equal(123_456, tick.Size);
        Assert.Equal(Jan2At1430Ns, tick.TsEventNs);
    }

    [Fact]
    public void MultiMessageArray_EmitsEveryTickInOrder_AndSkipsUnknownSymbolsAndTypes()
    {
        string frame = "[" + Trade[1..^1] + "," + Quote[1..^1] + ","
            + """{"T":"t","S":"TSLA","p":250.1,"s":5,"t":"2024-01-02T14:30:00Z"},{"T":"s","S":"AAPL","sc":"T","t":"2024-01-02T14:30:00Z"},""" + Bar[1..^1] + "]";

        (AlpacaFrameResult result, List<MarketTick> ticks, AlpacaMarketDataParser parser) = Parse(frame);

        Assert.Equal(3, result.Ticks);
        Assert.Equal([EventKind.TradeTick, EventKind.QuoteTick, EventKind.Bar], ticks.Select(t => t.Kind));
        Assert.Equal(1, parser.UnknownSymbols);
        Assert.Equal(1, parser.Ignored);
        Assert.Equal(5, parser.Messages);
        Assert.Equal(0, parser.Malformed);
    }

    [Theory]
    [InlineData("""[{"T":"success","msg":"connected"}]""", AlpacaFrameFlags.Connected)]
    [InlineData("""[{"T":"success","msg":"authenticated"}]""", AlpacaFrameFlags.Authenticated)]
    [InlineData("""[{"T":"subscription","trades":["AAPL"],"quotes":[],"bars":["AAPL"],"updatedBars":[],"dailyBars":[],"statuses":[],"lulds":[],"corrections":["AAPL"],"cancelErrors":["AAPL"]}]""", AlpacaFrameFlags.Subscription)]
    public void ControlMessages_AreRecognised(string frame, AlpacaFrameFlags expected)
    {
        (AlpacaFrameResult result, List<MarketTick> ticks, AlpacaMarketDataParser parser) = Parse(frame);

        Assert.Equal(expected, result.Flags);
        Assert.Empty(ticks);
        Assert.Equal(0, parser.Malformed);
    }

    [Theory]
    [InlineData(401, false)]
    [InlineData(402, true)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(405, false)]
    [InlineData(406, true)]
    [InlineData(407, false)]
    [InlineData(408, false)]
    [InlineData(409, true)]
    public void Errors_CarryTheirCode_AndOnlyWrongKeysConnectionLimitAndSubscriptionNeedAPerson(int code, bool needsPerson)
    {
        (AlpacaFrameResult result, _, AlpacaMarketDataParser parser) = Parse("[{\"T\":\"error\",\"code\":" + code + ",\"msg\":\"words\"}]");

        Assert.Equal(AlpacaFrameFlags.Error, result.Flags);
        Assert.Equal(code, result.ErrorCode);
        Assert.Equal(1, parser.Errors);
        Assert.Equal(needsPerson, AlpacaStreamErrors.NeedsPerson(code));
        Assert.NotEqual("unknown error code", AlpacaStreamErrors.Describe(code));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("""[{"T":"t","S":""")]
    [InlineData("42")]
    [InlineData("""[17]""")]
    [InlineData("""[{"T":"t","S":"AAPL","p":"175.5","s":100,"t":"2024-01-02T14:30:00Z"}]""")]
    [InlineData("""[{"T":"t","S":"AAPL","p":175.5,"s":100,"t":"yesterday"}]""")]
    [InlineData("""[{"T":"t","S":"AAPL","s":100,"t":"2024-01-02T14:30:00Z"}]""")]
    [InlineData("""[{"T":"q","S":"AAPL","bp":1,"ap":2}]""")]
    [InlineData("""[{"S":"AAPL","p":1,"t":"2024-01-02T14:30:00Z"}]""")]
    [InlineData("""[{"T":"t","S":"AAPL","p":1.5.5,"t":"2024-01-02T14:30:00Z"}]""")]
    public void MalformedFramesAndMessages_AreCountedAndSkipped(string frame)
    {
        (AlpacaFrameResult result, List<MarketTick> ticks, AlpacaMarketDataParser parser) = Parse(frame);

        Assert.True((result.Flags & AlpacaFrameFlags.Malformed) != 0);
        Assert.Empty(ticks);
        Assert.Equal(1, parser.Malformed);
    }

    [Fact]
    public void OneBadMessage_DoesNotCostTheRestOfTheFrame()
    {
        (AlpacaFrameResult result, List<MarketTick> ticks, AlpacaMarketDataParser parser) =
            Parse("[" + """{"T":"t","S":"AAPL","p":-1,"t":"2024-01-02T14:30:00Z"},""" + Trade[1..^1] + "]");

        Assert.Equal(AlpacaFrameFlags.Data | AlpacaFrameFlags.Malformed, result.Flags);
        Assert.Single(ticks);
        Assert.Equal(1, parser.Malformed);
    }

    [Theory]
    [InlineData("175.5", 175_500_000)]
    [InlineData("0.0001", 100)]
    [InlineData("175", 175_000_000)]
    [InlineData("12345.1234565", 12_345_123_457)]
    [InlineData("12345.1234564999", 12_345_123_456)]
    [InlineData("1.5e2", 150_000_000)]
    [InlineData("-2.25", -2_250_000)]
    public void Prices_ParseToFixedPointWithoutDouble(string json, long raw)
    {
        Assert.True(AlpacaMarketDataParser.TryParsePriceRaw(Encoding.ASCII.GetBytes(json), out long parsed));
        Assert.Equal(raw, parsed);
    }

    [Theory]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("-")]
    [InlineData("1234567890123.5")]
    public void ImpossiblePrices_AreRefused(string json) =>
        Assert.False(AlpacaMarketDataParser.TryParsePriceRaw(Encoding.ASCII.GetBytes(json), out _));

    [Fact]
    public void Parsing_AllocatesNothing_AfterWarmUp()
    {
        byte[] frame = Encoding.UTF8.GetBytes("[" + Trade[1..^1] + "," + Quote[1..^1] + "," + Bar[1..^1] + "]");
        var parser = new AlpacaMarketDataParser(s_table);
        var sink = new CountingSink();
        for (int i = 0; i < 100; i++)
        {
            parser.Parse(frame, sink);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            parser.Parse(frame, sink);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(30_300, sink.Count);
    }
}
