using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class MarketDataFileReaderTests
{
    private const long Open = 1_735_828_200_000_000_000; // 2025-01-02T14:30:00Z
    private const long Minute = 60_000_000_000;

    private static readonly SymbolTable s_symbols = new(["AAPL", "MSFT"]);

    private static MarketDataFileReader OpenReader(TempMarketDataFile file) => new(file.Path, s_symbols);

    private static List<MarketTick> Drain(MarketDataFileReader reader)
    {
        var ticks = new List<MarketTick>();
        while (reader.TryGetNext(out MarketTick tick))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    private static void AssertBar(MarketTick tick, int symbolId, long tsEventNs, long open, long high, long low, long close, long volume)
    {
        Assert.Equal(EventKind.Bar, tick.Kind);
        Assert.Equal(symbolId, tick.SymbolId);
        Assert.Equal(tsEventNs, tick.TsEventNs);
        Assert.Equal(open, tick.OpenRaw);
        Assert.Equal(high, tick.HighRaw);
        Assert.Equal(low, tick.LowRaw);
        Assert.Equal(close, tick.PriceRaw);
        Assert.Equal(volume, tick.Size);
        Assert.Equal(0, tick.BidRaw);
        Assert.Equal(0, tick.AskRaw);
    }

    private static void AssertTrade(MarketTick tick, int symbolId, long tsEventNs, long price, long size, long bid, long ask, long bidSize, long askSize)
    {
        Assert.Equal(EventKind.TradeTick, tick.Kind);
        Assert.Equal(symbolId, tick.SymbolId);
        Assert.Equal(tsEventNs, tick.TsEventNs);
        Assert.Equal(price, tick.PriceRaw);
        Assert.Equal(size, tick.Size);
        Assert.Equal(bid, tick.BidRaw);
        Assert.Equal(ask, tick.AskRaw);
        Assert.Equal(bidSize, tick.BidSize);
        Assert.Equal(askSize, tick.AskSize);
    }

    [Fact]
    public void Csv_Bars_ParseToExactRawValues()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,open,high,low,close,volume
            2025-01-02T14:30:00Z,AAPL,100.5,101.25,99.75,101.000001,12345
            2025-01-02T14:31:00+00:00,msft,400,401,399,400.5,0

            1735828320000000000,AAPL,"101",101.5,100.9,101.1,7
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal(3, ticks.Count);
        AssertBar(ticks[0], 0, Open, 100_500_000, 101_250_000, 99_750_000, 101_000_001, 12_345);
        AssertBar(ticks[1], 1, Open + Minute, 400_000_000, 401_000_000, 399_000_000, 400_500_000, 0);
        AssertBar(ticks[2], 0, Open + (2 * Minute), 101_000_000, 101_500_000, 100_900_000, 101_100_000, 7);
        Assert.Equal(MarketDataFileFormat.Csv, reader.Format);
        Assert.Equal(3, reader.LinesRead);
        Assert.Equal(3, reader.TicksProduced);
        Assert.Equal(0, reader.Rejected);
    }

    [Fact]
    public void Csv_Ticks_ParseToExactRawValues_WithOptionalQuoteColumns()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,price,size,bid,ask,bid_size,ask_size
            2025-01-02T14:30:00.000000001Z,AAPL,187.25,100,187.24,187.26,300,400
            2025-01-02T23:30:00.5+09:00,MSFT,420.123456,5,,,,
            """);

        List<MarketTick> ticks = MarketDataFileReader.ReadAll(file.Path, s_symbols);

        Assert.Equal(2, ticks.Count);
        AssertTrade(ticks[0], 0, Open + 1, 187_250_000, 100, 187_240_000, 187_260_000, 300, 400);
        AssertTrade(ticks[1], 1, Open + 500_000_000, 420_123_456, 5, 0, 0, 0, 0);
    }

    [Fact]
    public void Csv_TicksWithoutQuoteColumns_ParseWithZeroQuote()
    {
        using var file = new TempMarketDataFile(".csv", "timestamp,symbol,price,size\n1735828200000000000,AAPL,1.5,10\n");

        MarketTick tick = Assert.Single(MarketDataFileReader.ReadAll(file.Path, s_symbols));

        AssertTrade(tick, 0, Open, 1_500_000, 10, 0, 0, 0, 0);
    }

    [Fact]
    public void Csv_ColumnsInAnotherOrderWithAnExtraColumnAndMixedCaseHeader_ParseTheSame()
    {
        using var file = new TempMarketDataFile(".csv", """
            Volume,CLOSE,exchange,Low,High,Open,Symbol,TimeStamp
            12345,101.000001,XNAS,99.75,101.25,100.5,AAPL,2025-01-02T14:30:00Z
            """);

        MarketTick tick = Assert.Single(MarketDataFileReader.ReadAll(file.Path, s_symbols));

        AssertBar(tick, 0, Open, 100_500_000, 101_250_000, 99_750_000, 101_000_001, 12_345);
    }

    [Theory]
    [InlineData(".jsonl")]
    [InlineData(".ndjson")]
    public void JsonLines_BarsAndTicks_ParseToExactRawValues_FromNumbersOrNumericStrings(string extension)
    {
        using var file = new TempMarketDataFile(extension, """
            {"timestamp":"2025-01-02T14:30:00Z","symbol":"AAPL","open":100.5,"high":"101.25","low":99.75,"close":101.000001,"volume":12345}
            {"Symbol":"msft","Price":"420.123456","Size":5,"Timestamp":1735828200500000000,"bid":420.12,"ask":null,"venue":"X"}

            {"timestamp":"2025-01-02T14:31:00Z","symbol":"AAPL","price":187.25,"size":100,"bid":187.24,"ask":187.26,"bid_size":300,"ask_size":"400"}
            """);

        using var reader = new MarketDataFileReader(file.Path, s_symbols);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal(MarketDataFileFormat.JsonLines, reader.Format);
        Assert.Equal(3, ticks.Count);
        AssertBar(ticks[0], 0, Open, 100_500_000, 101_250_000, 99_750_000, 101_000_001, 12_345);
        AssertTrade(ticks[1], 1, Open + 500_000_000, 420_123_456, 5, 420_120_000, 0, 0, 0);
        AssertTrade(ticks[2], 0, Open + Minute, 187_250_000, 100, 187_240_000, 187_260_000, 300, 400);
    }

    [Fact]
    public void Csv_MalformedLines_AreCountedAndSkipped_WhileGoodLinesStillComeThrough()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,price,size
            2025-01-02T14:30:00Z,AAPL,100,1
            2025-01-02T14:30:01Z,AAPL,100
            2025-01-02T14:30:02Z,AAPL,abc,1
            2025-01-02T14:30:03Z,AAPL,-1,1
            2025-01-02T14:30:04Z,AAPL,100,-1
            2025-01-02T14:30:05Z,AAPL,100,1.5
            not-a-time,AAPL,100,1
            2025-01-02T14:30:06Z,AAPL,100,1,extra
            2025-01-02T14:30:07Z,AAPL,0,1
            2025-01-02T14:30:08Z,,100,1
            2025-01-02T14:30:09Z,MSFT,200,2
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal([0, 1], ticks.Select(t => t.SymbolId));
        Assert.Equal([100_000_000L, 200_000_000L], ticks.Select(t => t.PriceRaw));
        Assert.Equal(11, reader.LinesRead);
        Assert.Equal(2, reader.TicksProduced);
        Assert.Equal(9, reader.Rejected);
        Assert.Equal(0, reader.UnknownSymbol);
    }

    [Fact]
    public void Csv_BarWithHighBelowLowOrCloseOutsideRange_IsRejected()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,open,high,low,close,volume
            2025-01-02T14:30:00Z,AAPL,100,99,101,100,10
            2025-01-02T14:31:00Z,AAPL,100,101,99,102,10
            2025-01-02T14:32:00Z,AAPL,100,101,99,100,10
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal(Open + (2 * Minute), Assert.Single(ticks).TsEventNs);
        Assert.Equal(2, reader.Rejected);
    }

    [Fact]
    public void JsonLines_BadJsonAndBadValues_AreCountedAndSkipped()
    {
        using var file = new TempMarketDataFile(".jsonl", """
            {"timestamp":"2025-01-02T14:30:00Z","symbol":"AAPL","price":100,"size":1}
            {"timestamp":"2025-01-02T14:30:01Z","symbol":"AAPL","price":100,
            [1,2,3]
            {"timestamp":"2025-01-02T14:30:02Z","symbol":"AAPL","price":true,"size":1}
            {"timestamp":"2025-01-02T14:30:03Z","symbol":"AAPL","size":1}
            {"timestamp":"2025-01-02T14:30:04Z","symbol":"AAPL","price":100}
            {"timestamp":"2025-01-02T14:30:05Z","symbol":"AAPL","price":100,"size":2}
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal([1L, 2L], ticks.Select(t => t.Size));
        Assert.Equal(5, reader.Rejected);
        Assert.Equal(7, reader.LinesRead);
    }

    [Fact]
    public void UnknownSymbol_IsSkippedAndCounted_NotRejected()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,price,size
            2025-01-02T14:30:00Z,TSLA,250,1
            2025-01-02T14:30:01Z,AAPL,100,1
            2025-01-02T14:30:02Z,TSLA,251,1
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Single(ticks);
        Assert.Equal(2, reader.UnknownSymbol);
        Assert.Equal(0, reader.Rejected);
        Assert.Equal(reader.LinesRead, reader.TicksProduced + reader.Rejected + reader.UnknownSymbol);
    }

    [Fact]
    public void OutOfOrderTimestamps_AreCountedAndStillEmitted()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,price,size
            2025-01-02T14:30:02Z,AAPL,100,1
            2025-01-02T14:30:01Z,AAPL,101,1
            2025-01-02T14:30:03Z,AAPL,102,1
            2025-01-02T14:30:00Z,AAPL,103,1
            """);

        using MarketDataFileReader reader = OpenReader(file);
        List<MarketTick> ticks = Drain(reader);

        Assert.Equal(4, ticks.Count);
        Assert.Equal(2, reader.OutOfOrder);
        Assert.Equal(0, reader.Rejected);
    }

    [Theory]
    [InlineData("timestamp,symbol,price", "size")]
    [InlineData("timestamp,symbol,open,high,low,volume", "close")]
    [InlineData("time,symbol,price,size", "timestamp")]
    [InlineData("timestamp,symbol,last,qty", "price, size")]
    public void Csv_HeaderMissingARequiredColumn_ThrowsAtOpenNamingFileAndColumn(string header, string missing)
    {
        using var file = new TempMarketDataFile(".csv", header + "\n2025-01-02T14:30:00Z,AAPL,1,1\n");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => new MarketDataFileReader(file.Path, s_symbols));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing required column(s) " + missing + ".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_EmptyFile_ThrowsAtOpenBecauseTheHeaderIsRequired()
    {
        using var file = new TempMarketDataFile(".csv", "\n");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => new MarketDataFileReader(file.Path, s_symbols));

        Assert.Contains(file.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_ThrowsAtOpenNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "md-missing-" + Guid.NewGuid().ToString("N") + ".csv");

        FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => new MarketDataFileReader(path, s_symbols));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedExtension_ThrowsNamingTheFile()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => MarketDataFileReader.DetectFormat("/data/ticks.parquet"));

        Assert.Contains("/data/ticks.parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryGetNext_AfterTheEnd_KeepsReturningFalse()
    {
        using var file = new TempMarketDataFile(".csv", "timestamp,symbol,price,size\n2025-01-02T14:30:00Z,AAPL,100,1\n");
        using MarketDataFileReader reader = OpenReader(file);

        Assert.True(reader.TryGetNext(out _));
        Assert.False(reader.TryGetNext(out _));
        Assert.False(reader.TryGetNext(out _));
    }

    [Fact]
    public void DiscoveredSymbols_AreUpperCasedInvariantly_AsciiOrNot_ShortOrLong()
    {
        string longName = new('q', 70); // longer than the reader's stack buffer
        using var file = new TempMarketDataFile(".csv",
            "timestamp,symbol,price,size\n"
            + $"{Open},BRK.B,1,1\n{Open},brk.b,1,1\n{Open}, \"straße\" ,1,1\n{Open},ÄPFEL,1,1\n{Open},äpfel,1,1\n{Open},{longName},1,1\n{Open},{longName.ToUpperInvariant()},1,1\n");
        var symbols = new DiscoveredSymbols();
        using var reader = new MarketDataFileReader(file.Path, symbols);

        List<MarketTick> ticks = Drain(reader);

        Assert.Equal(["BRK.B", "STRAßE", "ÄPFEL", longName.ToUpperInvariant()], symbols.Names);
        Assert.Equal([0, 0, 1, 2, 2, 3, 3], ticks.Select(t => t.SymbolId));
    }
}
