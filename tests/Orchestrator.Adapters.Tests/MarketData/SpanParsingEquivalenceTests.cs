using System.Globalization;
using System.Text;
using NLog;
using NLog.Config;
using NLog.Targets;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>
/// Issue 20: the span-based reader must give exactly what the string-and-decimal reader gave:
/// the same ticks, counters and log lines on randomized files, and the same fixed-point values
/// for randomized number texts; and it must allocate nothing per line.
/// </summary>
public sealed class SpanParsingEquivalenceTests
{
    private static readonly decimal s_maxValue = decimal.Truncate(FixedPoint.ToDecimal(long.MaxValue));
    private static readonly SymbolTable s_symbols = new(["AAPL", "MSFT", "005930"]);

    [Fact]
    public void FixedPointText_Price_AgreesWithDecimalTryParse_OnRandomTexts()
    {
        var random = new Random(20);
        int fast = 0;
        for (int i = 0; i < 200_000; i++)
        {
            string text = RandomNumber(random);
            bool oldOk = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) && value <= s_maxValue && value >= -s_maxValue;
            if (FixedPointText.TryParsePrice(text, out long raw))
            {
                fast++;
                Assert.True(oldOk, $"'{text}' parsed by the fast path only");
                Assert.Equal(FixedPoint.FromDecimal(value), raw);
            }
        }

        Assert.True(fast > 50_000, $"only {fast} texts took the fast path"); // the generator does exercise it
    }

    [Theory]
    [InlineData("0.0000005", 1)]
    [InlineData("-0.0000005", -1)]
    [InlineData("0.00000049999999999", 0)]
    [InlineData("101.0000015", 101_000_002)]
    [InlineData("999999999999.9999995", 1_000_000_000_000_000_000)]
    [InlineData("007.5", 7_500_000)]
    [InlineData("-0", 0)]
    public void FixedPointText_Price_RoundsHalfAwayFromZeroAtTheSeventhDecimal(string text, long expected)
    {
        Assert.True(FixedPointText.TryParsePrice(text, out long raw));
        Assert.Equal(expected, raw);
        Assert.Equal(FixedPoint.FromDecimal(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)), raw);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("+5")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData(" 5")]
    [InlineData("1234567890123")]
    [InlineData("1.23456789012345678901234567890")]
    [InlineData("")]
    [InlineData("-")]
    public void FixedPointText_Price_LeavesUnusualFormsToTheDecimalParser(string text) =>
        Assert.False(FixedPointText.TryParsePrice(text, out _));

    [Fact]
    public void FixedPointText_Whole_AgreesWithDecimalTryParse_OnRandomTexts()
    {
        var random = new Random(21);
        int fast = 0;
        for (int i = 0; i < 100_000; i++)
        {
            string text = RandomNumber(random);
            if (FixedPointText.TryParseWhole(text, out long size))
            {
                fast++;
                Assert.True(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value), text);
                Assert.Equal(value, size);
            }
        }

        Assert.True(fast > 5_000, $"only {fast} texts took the fast path");
    }

    [Theory]
    [InlineData(1, "\n")]
    [InlineData(2, "\r\n")]
    [InlineData(3, "\r")]
    [InlineData(4, "mixed")]
    public void Csv_RandomFiles_GiveTheSameTicksCountersAndLogLinesAsTheStringReader(int seed, string newline)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        text.Append(random.Next(2) == 0 ? "timestamp,symbol,open,high,low,close,volume" : "\"Timestamp\", symbol ,close,open,extra,high,low,VOLUME");
        bool reordered = text[0] == '"';
        for (int i = 0; i < 6_000; i++)
        {
            text.Append(newline == "mixed" ? random.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" } : newline);
            text.Append(RandomCsvLine(random, reordered));
        }

        if (random.Next(2) == 0)
        {
            text.Append(newline == "mixed" ? "\n" : newline);
        }

        using var file = new TempMarketDataFile(".csv", text.ToString());
        AssertSameAsLegacy(file.Path);
    }

    [Fact]
    public void Csv_RandomTickFiles_GiveTheSameTicksCountersAndLogLinesAsTheStringReader()
    {
        var random = new Random(5);
        var text = new StringBuilder("timestamp,symbol,price,size,bid,ask,bid_size,ask_size\n");
        for (int i = 0; i < 6_000; i++)
        {
            text.Append(RandomTimestamp(random)).Append(',').Append(RandomSymbol(random));
            for (int f = 0; f < 6; f++)
            {
                string good = f is 1 or 4 or 5 ? random.Next(10_000).ToString(CultureInfo.InvariantCulture) : PlainPrice(random);
                text.Append(',').Append(random.Next(30) == 0 ? string.Empty : random.Next(15) == 0 ? RandomNumber(random) : good);
            }

            text.Append('\n');
        }

        using var file = new TempMarketDataFile(".csv", text.ToString());
        AssertSameAsLegacy(file.Path);
    }

    [Fact]
    public void JsonLines_RandomFiles_GiveTheSameTicksCountersAndLogLinesAsTheStringReader()
    {
        var random = new Random(6);
        var text = new StringBuilder();
        string[] names = ["timestamp", "symbol", "open", "high", "low", "close", "volume", "price", "size", "bid", "Ask", "other"];
        for (int i = 0; i < 4_000; i++)
        {
            if (random.Next(25) == 0)
            {
                text.Append(random.Next(2) == 0 ? "{not json" : "[1,2]").Append('\n');
                continue;
            }

            bool tick = random.Next(2) == 0;
            var fields = new List<string> { $"\"timestamp\":\"{RandomTimestamp(random)}\"", $"\"symbol\":\"{RandomSymbol(random).Trim('"')}\"" };
            foreach (string name in tick ? names[7..11] : names[2..7])
            {
                if (random.Next(40) == 0)
                {
                    continue;
                }

                string value = random.Next(40) switch
                {
                    0 => "null",
                    1 => "true",
                    2 => "\"" + RandomNumber(random).Replace("\"", string.Empty, StringComparison.Ordinal) + "\"",
                    3 => "\" " + PlainPrice(random) + " \"",
                    _ => PlainPrice(random),
                };
                fields.Add($"\"{name}\":{value}");
            }

            if (random.Next(5) == 0)
            {
                fields.Add("\"other\":{\"nested\":[1,2,3]}");
            }

            text.Append('{').Append(string.Join(',', fields)).Append("}\n");
        }

        using var file = new TempMarketDataFile(".jsonl", text.ToString());
        AssertSameAsLegacy(file.Path);
    }

    [Fact]
    public void Csv_SteadyState_AllocatesNothingPerLine()
    {
        var random = new Random(7);
        var text = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        long ts = 1_735_828_200_000_000_000;
        for (int i = 0; i < 40_000; i++)
        {
            ts += 60_000_000_000;
            string iso = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(ts / 100).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string symbol = (i % 3) switch { 0 => "AAPL", 1 => "\"msft\"", _ => " 005930 " };
            text.Append(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? iso : ts.ToString(CultureInfo.InvariantCulture))},{symbol},100.25,101.5,99.125,100.5,{random.Next(1, 5000)}\n");
        }

        using var file = new TempMarketDataFile(".csv", text.ToString());
        using var reader = new MarketDataFileReader(file.Path, s_symbols, LogManager.CreateNullLogger());
        for (int i = 0; i < 5_000; i++)
        {
            Assert.True(reader.TryGetNext(out _)); // warm up: JIT, tiering
        }

        long[] allocated = AllocationWindows.Measure(5, 6_000, 0, _ => Assert.True(reader.TryGetNext(out MarketTick _)));

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(0, reader.Rejected);
    }

    [Fact]
    public void JsonLines_SteadyState_AllocatesNothingPerLine()
    {
        var text = new StringBuilder();
        long ts = 1_735_828_200_000_000_000;
        for (int i = 0; i < 30_000; i++)
        {
            ts += 60_000_000_000;
            text.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":{ts},\"symbol\":\"{(i % 2 == 0 ? "aapl" : "MSFT")}\",\"open\":100.25,\"high\":\"101.5\",\"low\":99.125,\"close\":100.5,\"volume\":{i},\"extra\":{{\"a\":[1]}}}}\n");
        }

        using var file = new TempMarketDataFile(".jsonl", text.ToString());
        using var reader = new MarketDataFileReader(file.Path, s_symbols, LogManager.CreateNullLogger());
        for (int i = 0; i < 5_000; i++)
        {
            Assert.True(reader.TryGetNext(out _));
        }

        long[] allocated = AllocationWindows.Measure(5, 5_000, 0, _ => Assert.True(reader.TryGetNext(out MarketTick _)));

        Assert.True(AllocationWindows.AtMostOneWindowAllocated(allocated), AllocationWindows.Describe(allocated));
        Assert.Equal(0, reader.Rejected);
    }

    [Fact]
    public void DiscoveredSymbols_TakeEverySymbolOfAGoodLine_InOrderOfFirstAppearance_UpperCase()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,open,high,low,close,volume
            2025-01-02T14:30:00Z,msft,400,401,399,400.5,10
            2025-01-02T14:30:00Z,BAD,x,401,399,400.5,10
            2025-01-02T14:30:00Z,"aapl",100,101,99,100.5,10
            2025-01-02T14:31:00Z,MSFT,400,401,399,400.5,10
            """);
        var symbols = new DiscoveredSymbols();
        using var reader = new MarketDataFileReader(file.Path, symbols, LogManager.CreateNullLogger());
        var ticks = new List<MarketTick>();
        while (reader.TryGetNext(out MarketTick tick))
        {
            ticks.Add(tick);
        }

        Assert.Equal(["MSFT", "AAPL"], symbols.Names); // BAD's only line was rejected
        Assert.Equal([0, 1, 0], ticks.Select(t => t.SymbolId));
        Assert.Equal(1, reader.Rejected);
        Assert.Equal(0, reader.UnknownSymbol);
    }

    private static void AssertSameAsLegacy(string path)
    {
        (Logger newLogger, MemoryTarget newLog) = MemoryLogger();
        (Logger oldLogger, MemoryTarget oldLog) = MemoryLogger();
        using var reader = new MarketDataFileReader(path, s_symbols, newLogger);
        using var legacy = new LegacyMarketDataFileReader(path, s_symbols, oldLogger);
        int count = 0;
        while (true)
        {
            bool more = reader.TryGetNext(out MarketTick tick);
            bool oldMore = legacy.TryGetNext(out MarketTick oldTick);
            Assert.Equal(oldMore, more);
            if (!more)
            {
                break;
            }

            Assert.Equal(oldTick, tick);
            count++;
        }

        Assert.True(count > 100, $"only {count} good lines: the generator must make mostly good ones");
        Assert.True(reader.Rejected > 10, "the generator must make bad lines too");
        Assert.Equal(legacy.LinesRead, reader.LinesRead);
        Assert.Equal(legacy.TicksProduced, reader.TicksProduced);
        Assert.Equal(legacy.Rejected, reader.Rejected);
        Assert.Equal(legacy.UnknownSymbol, reader.UnknownSymbol);
        Assert.Equal(legacy.OutOfOrder, reader.OutOfOrder);
        for (int i = 0; i < Math.Min(oldLog.Logs.Count, newLog.Logs.Count); i++)
        {
            Assert.Equal(oldLog.Logs[i], newLog.Logs[i]);
        }

        Assert.Equal(oldLog.Logs.Count, newLog.Logs.Count);
    }

    private static (Logger Logger, MemoryTarget Target) MemoryLogger()
    {
        var target = new MemoryTarget("memory") { Layout = "${level} ${message}" };
        var config = new LoggingConfiguration();
        config.AddRuleForAllLevels(target);
        var factory = new LogFactory { Configuration = config };
        return (factory.GetLogger("equivalence"), target);
    }

    private static string RandomCsvLine(Random random, bool reordered)
    {
        if (random.Next(30) == 0)
        {
            return random.Next(2) == 0 ? string.Empty : "  \t ";
        }

        string ts = RandomTimestamp(random);
        string symbol = RandomSymbol(random);
        string[] prices = [PlainPrice(random), PlainPrice(random), PlainPrice(random), PlainPrice(random)];
        Array.Sort(prices, (a, b) => decimal.Parse(a, CultureInfo.InvariantCulture).CompareTo(decimal.Parse(b, CultureInfo.InvariantCulture)));
        string low = prices[0], open = prices[1], close = prices[2], high = prices[3];
        if (random.Next(6) == 0)
        {
            string odd = RandomNumber(random).Replace(",", string.Empty, StringComparison.Ordinal);
            switch (random.Next(4))
            {
                case 0: open = odd; break;
                case 1: close = odd; break;
                case 2: low = odd; break;
                default: high = odd; break;
            }
        }

        string volume = random.Next(8) switch
        {
            0 => RandomNumber(random).Replace(",", string.Empty, StringComparison.Ordinal),
            1 => "\"" + random.Next(1000).ToString(CultureInfo.InvariantCulture) + "\"",
            2 => random.Next(1000).ToString(CultureInfo.InvariantCulture) + ".0",
            _ => random.Next(100_000).ToString(CultureInfo.InvariantCulture),
        };
        if (random.Next(8) == 0)
        {
            open = "\u00A0" + open + " ";
        }

        string line = reordered
            ? $"{ts},{symbol},{close},{open},x,{high},{low},{volume}"
            : $"{ts},{symbol},{open},{high},{low},{close},{volume}";
        return random.Next(40) switch
        {
            0 => line + ",extra",
            1 => line[..line.LastIndexOf(',')],
            _ => line,
        };
    }

    private static string RandomSymbol(Random random) => random.Next(12) switch
    {
        0 => "aapl",
        1 => " MSFT ",
        2 => "\"msft\"",
        3 => "ZZZ",
        4 => string.Empty,
        5 => "zzz",
        6 => "005930",
        _ => random.Next(2) == 0 ? "AAPL" : "MSFT",
    };

    private static string RandomTimestamp(Random random)
    {
        long ns = 1_735_828_200_000_000_000 + (random.NextInt64(0, 86_400) * 1_000_000_000) + (random.Next(4) == 0 ? random.Next(1_000_000_000) : 0);
        DateTime time = DateTime.UnixEpoch.AddTicks(ns / 100);
        return random.Next(8) switch
        {
            0 => ns.ToString(CultureInfo.InvariantCulture),
            1 => time.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
            2 => time.AddHours(9).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "+09:00",
            3 => "not a time",
            4 => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
    }

    private static string PlainPrice(Random random)
    {
        long whole = random.Next(4) == 0 ? random.Next(10) : random.Next(1, 500_000);
        int decimals = random.Next(0, 9);
        string fraction = string.Concat(Enumerable.Range(0, decimals).Select(_ => (char)('0' + random.Next(10))));
        return decimals == 0 ? whole.ToString(CultureInfo.InvariantCulture) : whole.ToString(CultureInfo.InvariantCulture) + "." + fraction;
    }

    /// <summary>Texts near and far from the fast path: signs, leading zeros, long fractions, exponents, spaces, junk.</summary>
    private static string RandomNumber(Random random)
    {
        var text = new StringBuilder();
        if (random.Next(10) == 0)
        {
            text.Append(' ');
        }

        switch (random.Next(10))
        {
            case 0: text.Append('-'); break;
            case 1: text.Append('+'); break;
        }

        int wholeDigits = random.Next(8) switch { 0 => 0, 1 => random.Next(11, 16), _ => random.Next(1, 7) };
        for (int i = 0; i < wholeDigits; i++)
        {
            text.Append((char)('0' + random.Next(10)));
        }

        if (random.Next(3) != 0)
        {
            text.Append('.');
            int fractionDigits = random.Next(6) switch { 0 => 0, 1 => random.Next(20, 32), 2 => 7, _ => random.Next(1, 10) };
            for (int i = 0; i < fractionDigits; i++)
            {
                text.Append(random.Next(3) == 0 ? (char)('0' + (random.Next(2) == 0 ? 5 : 9)) : (char)('0' + random.Next(10)));
            }
        }

        switch (random.Next(25))
        {
            case 0: text.Append('e').Append(random.Next(-8, 9)); break;
            case 1: text.Append('x'); break;
            case 2: text.Append(' '); break;
            case 3: text.Insert(0, "--"); break;
        }

        return text.ToString();
    }
}
