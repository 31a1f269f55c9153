using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;
using Orchestrator.Core.Calendars;

namespace Orchestrator.Adapters.Tests.MarketData;

/// <summary>The sample data set: reproducible to the byte, bars only inside each exchange's sessions, readable by the backtest's reader.</summary>
public sealed class SampleBarGeneratorTests
{
    private static readonly SampleSymbol[] s_two =
    [
        new("AAPL", "XNAS", 185.00m, 0.25, 60_000),
        new("005930", "XKRX", 72_000m, 0.28, 25_000),
    ];

    private static string Generate(ulong seed, int year = 2025, IReadOnlyList<SampleSymbol>? symbols = null)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new SampleBarGenerator(seed, year, symbols ?? s_two).Write(writer);
        return writer.ToString();
    }

    private static IEnumerable<(long TsNs, string Symbol, long Open, long High, long Low, long Close, long Volume)> Rows(string csv)
    {
        foreach (string line in csv.Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            string[] f = line.Split(',');
            var ts = DateTime.ParseExact(f[0], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            yield return ((ts - DateTime.UnixEpoch).Ticks * 100, f[1],
                FixedPoint.FromDecimal(decimal.Parse(f[2], CultureInfo.InvariantCulture)), FixedPoint.FromDecimal(decimal.Parse(f[3], CultureInfo.InvariantCulture)),
                FixedPoint.FromDecimal(decimal.Parse(f[4], CultureInfo.InvariantCulture)), FixedPoint.FromDecimal(decimal.Parse(f[5], CultureInfo.InvariantCulture)),
                long.Parse(f[6], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void SameSeed_GivesTheSameBytes_AnotherSeedOtherPrices()
    {
        string a = Generate(42);

        Assert.Equal(a, Generate(42));
        string other = Generate(43);
        Assert.NotEqual(a, other);
        Assert.Equal(a.Split('\n').Select(l => l.Split(',')[0]), other.Split('\n').Select(l => l.Split(',')[0])); // same times, other prices
    }

    [Fact]
    public void DefaultSet_2025_Seed42_IsPinnedToTheByte()
    {
        // The committed sample catalog is built from these bytes (tools/sample-data/generate.sh); only IEEE-exact
        // arithmetic is used, so every machine must produce them. A change to the generator changes this hash: regenerate the catalog.
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            Assert.Equal(767_760, new SampleBarGenerator(42, 2025).Write(writer));
        }

        Assert.Equal("f1ceeadda74fdb671ce8a624f817737b403f78764954eb6c43f8a3d7395697c4", Convert.ToHexStringLower(SHA256.HashData(stream.ToArray())));
    }

    [Fact]
    public void EveryBar_IsInsideItsExchangesRegularSession_InTimeOrder_WithConsistentPrices()
    {
        var rows = Rows(Generate(7)).ToList();
        ExchangeCalendar nyse = ExchangeCalendars.ForExchange("XNAS");
        ExchangeCalendar krx = ExchangeCalendars.ForExchange("XKRX");

        Assert.Equal(2, rows.Select(r => r.Symbol).Distinct().Count());
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            ExchangeCalendar calendar = r.Symbol == "AAPL" ? nyse : krx;
            Assert.Equal(SessionKind.Regular, calendar.SessionAt(r.TsNs));
            Assert.True(i == 0 || rows[i - 1].TsNs <= r.TsNs, "row " + i + " out of time order");
            Assert.True(r.Low > 0 && r.Low <= Math.Min(r.Open, r.Close) && r.High >= Math.Max(r.Open, r.Close), "row " + i + " OHLC");
            Assert.True(r.Volume > 0);
            if (r.Symbol == "005930")
            {
                Assert.Equal(0, r.Close % FixedPoint.FromDecimal(r.Close < FixedPoint.FromDecimal(50_000m) ? 50m : 100m)); // KRX tick bands
            }
            else
            {
                Assert.Equal(0, r.Close % FixedPoint.FromDecimal(0.01m));
            }
        }
    }

    [Fact]
    public void Sessions_FollowTheCalendars_HolidaysHalfDaysDaylightSavingLateOpens()
    {
        var perDay = Rows(Generate(7))
            .GroupBy(r => (r.Symbol, Date: DateOnly.FromDateTime(DateTime.UnixEpoch.AddTicks(r.TsNs / 100))))
            .ToDictionary(g => g.Key, g => (Count: g.Count(), First: g.Min(r => r.TsNs)));
        DateTime Utc(int month, int day, int hour, int minute) => new(2025, month, day, hour, minute, 0, DateTimeKind.Utc);
        long Ns(DateTime t) => (t - DateTime.UnixEpoch).Ticks * 100;

        Assert.Equal(390, perDay[("AAPL", new DateOnly(2025, 3, 7))].Count);
        Assert.Equal(Ns(Utc(3, 7, 14, 30)), perDay[("AAPL", new DateOnly(2025, 3, 7))].First); // 09:30 EST
        Assert.Equal(Ns(Utc(3, 10, 13, 30)), perDay[("AAPL", new DateOnly(2025, 3, 10))].First); // 09:30 EDT
        Assert.Equal(210, perDay[("AAPL", new DateOnly(2025, 7, 3))].Count); // early close 13:00
        Assert.False(perDay.ContainsKey(("AAPL", new DateOnly(2025, 1, 20)))); // Martin Luther King Jr. Day
        Assert.False(perDay.ContainsKey(("AAPL", new DateOnly(2025, 1, 4)))); // Saturday
        Assert.False(perDay.ContainsKey(("005930", new DateOnly(2025, 1, 28)))); // Seollal
        Assert.Equal(Ns(Utc(1, 2, 1, 0)), perDay[("005930", new DateOnly(2025, 1, 2))].First); // 10:00 KST: the year's late open
        Assert.Equal(330, perDay[("005930", new DateOnly(2025, 1, 2))].Count);
        Assert.Equal(390, perDay[("005930", new DateOnly(2025, 1, 3))].Count);
        int tradingDays = Enumerable.Range(0, 365).Count(d => ExchangeCalendars.ForExchange("XNYS").IsTradingDay(new DateOnly(2025, 1, 1).AddDays(d)));
        Assert.Equal(tradingDays, perDay.Keys.Count(k => k.Symbol == "AAPL"));
    }

    [Fact]
    public void TheBacktestsReader_ReadsEveryBar()
    {
        string path = Path.Combine(Path.GetTempPath(), "sample-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            long bars = new SampleBarGenerator(42, 2024, s_two).WriteFile(path);
            var symbols = new SymbolTable(["AAPL", "005930"]);
            using var reader = new MarketDataFileReader(path, symbols);
            long read = 0;
            while (reader.TryGetNext(out MarketTick tick))
            {
                read++;
                Assert.True(tick.OpenRaw > 0 && tick.HighRaw >= tick.LowRaw);
            }

            Assert.Equal(bars, read);
            Assert.Equal(0, reader.Rejected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AYearOutsideTheCalendars_IsRefusedNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SampleBarGenerator(42, 2031));

        Assert.Contains("2031", ex.Message, StringComparison.Ordinal);
    }
}
