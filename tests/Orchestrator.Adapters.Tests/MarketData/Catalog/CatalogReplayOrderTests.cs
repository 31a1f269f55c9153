using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData.Catalog;

/// <summary>
/// The replay's merge on real files: the stream is every row sorted by (timestamp, symbol, kind, row in its file) —
/// bars sharing minutes, symbols missing minutes, ticks with repeated timestamps and ticks at a bar's time, a range
/// cutting days — with and without the prefetch thread; an unsorted file is refused by name; pulling allocates nothing.
/// </summary>
public sealed class CatalogReplayOrderTests : IDisposable
{
    private static readonly DateOnly s_day0 = new(2025, 1, 6);
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "catalog");

    private static long At(int day, int minute, long extraNs = 0) =>
        CatalogLayout.DayStartNs(s_day0.AddDays(day)) + (14L * 3_600_000_000_000) + (minute * 60_000_000_000L) + extraNs;

    private void Write(CatalogKind kind, string symbol, int day, PartitionRows rows, CatalogCompression compression = CatalogCompression.Lz4) =>
        CatalogFile.Write(CatalogLayout.PartitionPath(Root, kind, symbol, s_day0.AddDays(day)), rows, symbol, s_day0.AddDays(day), compression);

    private static PartitionRows Bars(Random random, Func<int, bool> hasMinute, int day, int minutes)
    {
        var rows = new PartitionRows(CatalogKind.Bars);
        for (int m = 0; m < minutes; m++)
        {
            if (hasMinute(m))
            {
                long p = random.Next(100, 200) * FixedPoint.Scale;
                rows.Add(new MarketTick { TsEventNs = At(day, m), OpenRaw = p, HighRaw = p + 10, LowRaw = p - 10, PriceRaw = p + random.Next(-10, 11), Size = random.Next(1, 1000) });
            }
        }

        return rows;
    }

    private static PartitionRows Ticks(Random random, int day, int count)
    {
        var rows = new PartitionRows(CatalogKind.Ticks);
        long ts = At(day, 0);
        for (int i = 0; i < count; i++)
        {
            // Often the same nanosecond again (several trades at once), often exactly on a bar's minute.
            ts += random.Next(3) switch { 0 => 0, 1 => 60_000_000_000 - (ts % 60_000_000_000), _ => random.NextInt64(1, 20_000_000_000) };
            rows.Add(new MarketTick { TsEventNs = ts, PriceRaw = random.Next(100, 200) * FixedPoint.Scale, Size = i + 1, BidRaw = 1, AskRaw = 2, BidSize = 3, AskSize = i });
        }

        return rows;
    }

    /// <summary>Every file's rows through Arrow's reader, sorted by (timestamp, symbol, kind, day, row): the stream the replay must give.</summary>
    private List<MarketTick> Expected(SymbolTable symbols, long fromNs, long toNs)
    {
        var all = new List<(long Ts, int Cursor, int Day, int Row, MarketTick Tick)>();
        MarketDataCatalog catalog = MarketDataCatalog.Open(Root);
        for (int id = 0; id < symbols.Count; id++)
        {
            foreach (CatalogKind kind in Enum.GetValues<CatalogKind>())
            {
                foreach (CatalogPartition partition in catalog.PartitionsOf(symbols.GetName(id), kind, fromNs, toNs))
                {
                    var rows = new PartitionRows(kind);
                    CatalogFile.ReadWithArrow(partition.Path, rows);
                    for (int r = 0; r < rows.Count; r++)
                    {
                        rows.ToTick(r, id, out MarketTick tick);
                        if (tick.TsEventNs >= fromNs && tick.TsEventNs < toNs)
                        {
                            all.Add((tick.TsEventNs, (2 * id) + (int)kind, partition.Day.DayNumber, r, tick));
                        }
                    }
                }
            }
        }

        return [.. all.OrderBy(x => x.Ts).ThenBy(x => x.Cursor).ThenBy(x => x.Day).ThenBy(x => x.Row).Select(x => x.Tick)];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheStream_IsEveryRowSortedByTimeThenSymbolThenKindThenFileOrder(bool prefetch)
    {
        var random = new Random(11);
        string[] names = ["AAPL", "KO", "MSFT", "NVDA"];
        for (int day = 0; day < 5; day++)
        {
            Write(CatalogKind.Bars, "AAPL", day, Bars(random, _ => true, day, 120));
            Write(CatalogKind.Bars, "MSFT", day, Bars(random, _ => true, day, 120), CatalogCompression.Zstd);
            Write(CatalogKind.Bars, "KO", day, Bars(random, m => m % 7 != 3 && m > 5, day, 110)); // misses minutes, ends early
            if (day != 2)
            {
                Write(CatalogKind.Bars, "NVDA", day, Bars(random, m => random.Next(4) != 0, day, 130), CatalogCompression.None);
            }

            Write(CatalogKind.Ticks, "MSFT", day, Ticks(random, day, 400));
            if (day % 2 == 0)
            {
                Write(CatalogKind.Ticks, "AAPL", day, Ticks(random, day, 300), CatalogCompression.Zstd);
            }
        }

        var symbols = new SymbolTable(names);
        foreach ((long from, long to) in new[] { (long.MinValue, long.MaxValue), (At(1, 30, 7), At(3, 61)) })
        {
            List<MarketTick> expected = Expected(symbols, from, to);
            using var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols, from, to, prefetch);
            List<MarketTick> replayed = CatalogTests.Drain(source);

            Assert.True(expected.Count > 1000, $"{expected.Count} rows expected");
            Assert.Equal(expected.Count, replayed.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].Equals(replayed[i]), $"row {i}: expected {expected[i].SymbolId}/{expected[i].Kind} at {expected[i].TsEventNs}, got {replayed[i].SymbolId}/{replayed[i].Kind} at {replayed[i].TsEventNs}");
            }

            Assert.Equal(expected.Count, source.TicksProduced);
        }
    }

    /// <summary>
    /// Days of more cursors than the merge's pass takes (30 and 34 present: ticks of 24 and 28 symbols whose times seldom line
    /// up, bars of 6) go through its heap; a day of 10 cursors through the pass; the stream is the same sorted order either way.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ManySymbolsOfTicks_MergeInTheSameOrder_AsAFew(bool prefetch)
    {
        var random = new Random(5);
        string[] names = [.. Enumerable.Range(0, 28).Select(i => "T" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture))];
        for (int day = 0; day < 3; day++)
        {
            int tickSymbols = day switch { 0 => 24, 1 => 10, _ => 28 };
            for (int i = 0; i < tickSymbols; i++)
            {
                Write(CatalogKind.Ticks, names[i], day, Ticks(random, day, 60 + random.Next(60)), i % 3 == 0 ? CatalogCompression.Zstd : CatalogCompression.Lz4);
            }

            for (int i = 0; i < 6 && day != 1; i++)
            {
                Write(CatalogKind.Bars, names[i * 4], day, Bars(random, m => random.Next(5) != 0, day, 90));
            }
        }

        var symbols = new SymbolTable(names);
        List<MarketTick> expected = Expected(symbols, long.MinValue, long.MaxValue);
        using var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols, long.MinValue, long.MaxValue, prefetch);
        List<MarketTick> replayed = CatalogTests.Drain(source);

        Assert.True(expected.Count > 5000, $"{expected.Count} rows expected");
        Assert.Equal(expected.Count, replayed.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Equals(replayed[i]), $"row {i}: expected {expected[i].SymbolId}/{expected[i].Kind} at {expected[i].TsEventNs}, got {replayed[i].SymbolId}/{replayed[i].Kind} at {replayed[i].TsEventNs}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFileWhoseTimestampsGoBack_IsRefusedByName_AfterTheDaysBeforeIt(bool prefetch)
    {
        var random = new Random(5);
        for (int day = 0; day < 3; day++)
        {
            Write(CatalogKind.Bars, "AAPL", day, Bars(random, _ => true, day, 30));
        }

        PartitionRows unsorted = Bars(random, _ => true, 2, 30);
        (unsorted.Timestamps[10], unsorted.Timestamps[11]) = (unsorted.Timestamps[11], unsorted.Timestamps[10]);
        Write(CatalogKind.Bars, "MSFT", 2, unsorted);
        string bad = CatalogLayout.PartitionPath(Root, CatalogKind.Bars, "MSFT", s_day0.AddDays(2));

        using var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL", "MSFT"]), prefetch: prefetch);
        int n = 0;
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            while (source.TryGetNext(out _))
            {
                n++;
            }
        });

        Assert.Equal(60, n);
        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
        Assert.Contains("row 12", error.Message, StringComparison.Ordinal);
        Assert.Contains("not sorted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pulling_AllocatesNothingPerRow_AcrossSymbolsAndKinds()
    {
        var random = new Random(9);
        Write(CatalogKind.Bars, "AAPL", 0, Bars(random, _ => true, 0, 400));
        Write(CatalogKind.Bars, "MSFT", 0, Bars(random, m => m % 3 != 0, 0, 400));
        Write(CatalogKind.Ticks, "MSFT", 0, Ticks(random, 0, 500));
        CatalogTests.AssertPullsAllocateNothing(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL", "MSFT"]), prefetch: false), 1000);
    }
}
