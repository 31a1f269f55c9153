using System.Globalization;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData.Catalog;

/// <summary>The catalog on real files: import, replay, re-import, sorting, duplicates, verify, ranges, allocation.</summary>
public sealed class CatalogTests : IDisposable
{
    private static readonly DateTime s_day0 = new(2025, 1, 6, 14, 30, 0, DateTimeKind.Utc); // a Monday
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-catalog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Root => Path.Combine(_dir, "catalog");

    private string WriteCsv(string name, IEnumerable<string> rows, string header = "timestamp,symbol,open,high,low,close,volume")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, header + "\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    /// <summary>Bars for the symbols, minute by minute, in time order (symbols in the given order at each minute).</summary>
    private static List<string> Bars(string[] symbols, int days, int minutes, decimal shift = 0m)
    {
        var rows = new List<string>();
        for (int d = 0; d < days; d++)
        {
            for (int m = 0; m < minutes; m++)
            {
                for (int s = 0; s < symbols.Length; s++)
                {
                    decimal close = 100m + s + (m % 7) * 0.25m + d + shift;
                    DateTime t = s_day0.AddDays(d).AddMinutes(m);
                    rows.Add(string.Create(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbols[s]},{close - 0.1m},{close + 0.5m},{close - 0.5m},{close},{1000 + m}"));
                }
            }
        }

        return rows;
    }

    private CatalogImportResult Import(params string[] files) => CatalogImporter.Import(files, Root);

    /// <summary>Every tick the replay gives, in order.</summary>
    internal static List<MarketTick> Drain(CatalogMarketDataSource source)
    {
        var ticks = new List<MarketTick>();
        while (source.TryGetNext(out MarketTick tick))
        {
            ticks.Add(tick);
        }

        return ticks;
    }

    [Fact]
    public void Import_ThenReplay_GivesTheFileReadersTicks_MergedByTime()
    {
        string csv = WriteCsv("bars.csv", Bars(["AAPL", "MSFT", "NVDA"], days: 3, minutes: 50));
        CatalogImportResult result = Import(csv);

        Assert.Empty(result.Errors);
        Assert.Equal(9, result.PartitionsWritten);
        Assert.Equal(450, result.RowsWritten);
        var symbols = new SymbolTable(["AAPL", "MSFT", "NVDA"]);
        List<MarketTick> expected = MarketDataFileReader.ReadAll(csv, symbols);
        var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols);
        Assert.Equal(expected, Drain(source));
        Assert.Equal(9, source.PartitionsRead);
        Assert.True(File.Exists(Path.Combine(Root, "bars", "MSFT", "2025-01-07.arrow")));
    }

    [Fact]
    public void Ticks_RoundTrip_WithQuotesAndSharedTimestamps()
    {
        string csv = WriteCsv("ticks.csv",
        [
            "2025-01-06T14:30:00.000000001Z,AAPL,100.5,10,100.4,100.6,300,200",
            "2025-01-06T14:30:00.000000001Z,AAPL,100.5,10,100.4,100.6,300,200",
            "2025-01-06T14:30:01Z,MSFT,400.25,5,,,,",
        ], "timestamp,symbol,price,size,bid,ask,bid_size,ask_size");
        CatalogImportResult result = Import(csv);

        Assert.Empty(result.Errors);
        Assert.Equal(0, result.Duplicates); // two trades at one time are both kept
        var symbols = new SymbolTable(["AAPL", "MSFT"]);
        List<MarketTick> replayed = Drain(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols));
        Assert.Equal(MarketDataFileReader.ReadAll(csv, symbols), replayed);
        Assert.Equal(3, replayed.Count);
        Assert.All(replayed, t => Assert.Equal(EventKind.TradeTick, t.Kind));
    }

    [Fact]
    public void JsonLines_ImportLikeCsv_AndImportingTheSameFileAgainChangesNoByte()
    {
        string csv = WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 2, minutes: 20));
        string jsonl = Path.Combine(_dir, "bars.jsonl");
        File.WriteAllLines(jsonl, File.ReadLines(csv).Skip(1).Select(l => l.Split(','))
            .Select(f => $"{{\"timestamp\":\"{f[0]}\",\"symbol\":\"{f[1]}\",\"open\":{f[2]},\"high\":{f[3]},\"low\":{f[4]},\"close\":{f[5]},\"volume\":{f[6]}}}"));
        Assert.Empty(CatalogImporter.Import([jsonl], Root).Errors);
        string[] files = [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        byte[][] first = [.. files.Select(File.ReadAllBytes)];

        Assert.Equal(4, files.Length);
        Assert.Empty(Import(csv).Errors); // the same bars from CSV
        Assert.Equal(first, files.Select(File.ReadAllBytes));
        Assert.Equal(files, Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ImportingADayAgain_ReplacesIt_AndLeavesOtherDaysUntouched()
    {
        Import(WriteCsv("first.csv", Bars(["AAPL"], days: 2, minutes: 30)));
        string day0 = Path.Combine(Root, "bars", "AAPL", "2025-01-06.arrow");
        byte[] day0Before = File.ReadAllBytes(day0);
        DateTime day0Written = File.GetLastWriteTimeUtc(day0);

        // The second day again: fewer rows, other prices.
        List<string> again = [.. Bars(["AAPL"], days: 2, minutes: 10, shift: 50m).Skip(10)];
        CatalogImportResult result = Import(WriteCsv("again.csv", again));

        Assert.Equal(1, result.PartitionsWritten);
        Assert.Equal(day0Before, File.ReadAllBytes(day0));
        Assert.Equal(day0Written, File.GetLastWriteTimeUtc(day0));
        var symbols = new SymbolTable(["AAPL"]);
        List<MarketTick> ticks = Drain(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols));
        Assert.Equal(40, ticks.Count);
        Assert.Equal(FixedPoint.FromDecimal(151m), ticks[30].PriceRaw);
        Assert.Empty(MarketDataCatalog.Open(Root).StrayFiles); // the temporary file was renamed, not left
    }

    [Fact]
    public void UnsortedRows_AreSortedPerDay_AndCounted()
    {
        List<string> rows = Bars(["AAPL"], days: 1, minutes: 20);
        (rows[3], rows[15]) = (rows[15], rows[3]);
        CatalogImportResult result = Import(WriteCsv("unsorted.csv", rows));

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.OutOfOrder); // minutes 0,1,2,15,4..14,3,16..: time goes back twice
        List<MarketTick> ticks = Drain(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL"])));
        Assert.Equal(20, ticks.Count);
        Assert.True(ticks.Zip(ticks.Skip(1)).All(p => p.First.TsEventNs < p.Second.TsEventNs));
        Assert.Empty(CatalogVerifier.Verify(MarketDataCatalog.Open(Root), out _, out _));
    }

    [Fact]
    public void ExactDuplicateBars_AreDroppedAndCounted_DifferentBarsAtOneTime_RefuseTheDay()
    {
        List<string> rows = Bars(["AAPL", "MSFT"], days: 1, minutes: 10);
        rows.Add(rows[4]);
        rows.Add(rows[4]);
        string conflicting = rows[5].Replace(",1002", ",9999", StringComparison.Ordinal); // MSFT's minute 2, another volume
        Assert.NotEqual(rows[5], conflicting);
        rows.Add(conflicting);
        CatalogImportResult result = Import(WriteCsv("dups.csv", rows));

        Assert.Equal(2, result.Duplicates);
        string error = Assert.Single(result.Errors);
        Assert.Contains("bars MSFT 2025-01-06", error, StringComparison.Ordinal);
        Assert.Contains("2025-01-06T14:32:00", error, StringComparison.Ordinal);
        Assert.Equal(10, result.RowsWritten); // AAPL's day, its duplicates dropped
        Assert.False(File.Exists(Path.Combine(Root, "bars", "MSFT", "2025-01-06.arrow")));
    }

    [Fact]
    public void Verify_NamesACorruptedFile_AndAnUnsortedOne_AndPassesASoundCatalog()
    {
        Import(WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 2, minutes: 30)));
        Assert.Empty(CatalogVerifier.Verify(MarketDataCatalog.Open(Root), out int checkedFiles, out long rows));
        Assert.Equal(4, checkedFiles);
        Assert.Equal(120, rows);

        string corrupt = Path.Combine(Root, "bars", "MSFT", "2025-01-07.arrow");
        byte[] bytes = File.ReadAllBytes(corrupt);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
        var unsorted = new PartitionRows(CatalogKind.Bars);
        long t0 = CatalogLayout.DayStartNs(new DateOnly(2025, 1, 6)) + 1_000;
        unsorted.Add(new MarketTick { TsEventNs = t0 + 60, OpenRaw = 10, HighRaw = 10, LowRaw = 10, PriceRaw = 10, Size = 1 });
        unsorted.Add(new MarketTick { TsEventNs = t0, OpenRaw = 10, HighRaw = 10, LowRaw = 10, PriceRaw = 10, Size = 1 });
        string unsortedPath = Path.Combine(Root, "bars", "AAPL", "2025-01-06.arrow");
        CatalogFile.Write(unsortedPath, unsorted, "AAPL", new DateOnly(2025, 1, 6), CatalogCompression.Zstd);

        IReadOnlyList<string> problems = CatalogVerifier.Verify(MarketDataCatalog.Open(Root), out _, out _);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains(unsortedPath, StringComparison.Ordinal) && p.Contains("not sorted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains(corrupt, StringComparison.Ordinal));
    }

    [Fact]
    public void ARange_OpensOnlyTheDaysItNeeds_AndCutsItsEdges()
    {
        Import(WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 5, minutes: 20)));
        long from = new DateTimeOffset(s_day0.AddDays(1).AddMinutes(5)).ToUnixTimeMilliseconds() * 1_000_000;
        long to = new DateTimeOffset(s_day0.AddDays(3).Date, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000; // day 3 excluded: it starts at 'to'
        var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL", "MSFT"]), from, to);
        List<MarketTick> ticks = Drain(source);

        Assert.Equal(4, source.PartitionsRead); // days 1 and 2 of two symbols; days 0, 3 and 4 never opened
        Assert.Equal((15 + 20) * 2, ticks.Count);
        Assert.All(ticks, t => Assert.InRange(t.TsEventNs, from, to - 1));
    }

    [Fact]
    public void Prefetch_GivesTheSameStream_AsReadingOnTheCallersThread_WithGapsAndMoreDaysThanSlots()
    {
        // NVDA holds only days 0 and 9: the merge waits on it across 8 days the prefetch thread decodes ahead.
        string nvdaDays = s_day0.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "|" + s_day0.AddDays(9).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Import(
            WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 10, minutes: 30)),
            WriteCsv("nvda.csv", Bars(["NVDA"], days: 10, minutes: 30, shift: 0.05m).Where(r => nvdaDays.Contains(r[..10], StringComparison.Ordinal))));
        var symbols = new SymbolTable(["AAPL", "MSFT", "NVDA"]);

        using var prefetched = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols, prefetch: true);
        List<MarketTick> ahead = Drain(prefetched);
        List<MarketTick> inline = Drain(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), symbols, prefetch: false));

        Assert.Equal((10 * 30 * 2) + (2 * 30), ahead.Count);
        Assert.Equal(inline, ahead);
        Assert.Equal(22, prefetched.PartitionsRead);
        Assert.True(ahead.Zip(ahead.Skip(1)).All(p => p.First.TsEventNs < p.Second.TsEventNs || (p.First.TsEventNs == p.Second.TsEventNs && p.First.SymbolId < p.Second.SymbolId)));
    }

    [Fact]
    public async Task Pulling_AfterDispose_Throws_InsteadOfWaitingForDaysNobodyReads()
    {
        Import(WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 10, minutes: 30)));
        var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL", "MSFT"]), prefetch: true);
        Assert.True(source.TryGetNext(out _));
        source.Dispose();

        // The hang guard only bounds a failure (the pull either throws or would wait for ever); the queued days may come first.
        Task pulling = Task.Run(() =>
        {
            while (source.TryGetNext(out _))
            {
            }
        });

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pulling.WaitAsync(TimeSpan.FromMinutes(2)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABadFileInTheMiddle_IsNamed_AfterEveryTickOfTheDaysBeforeIt(bool prefetch)
    {
        Import(WriteCsv("bars.csv", Bars(["AAPL", "MSFT"], days: 5, minutes: 20)));
        string bad = Path.Combine(Root, "bars", "MSFT", s_day0.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".arrow");
        File.WriteAllText(bad, "not an arrow file");
        using var source = new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL", "MSFT"]), prefetch: prefetch);
        int n = 0;
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            while (source.TryGetNext(out _))
            {
                n++;
            }
        });

        Assert.Equal(2 * 2 * 20, n);
        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_AllocatesNothingPerRow_WithinAPartition()
    {
        Import(WriteCsv("bars.csv", Bars(["AAPL"], days: 1, minutes: 500)));
        AssertPullsAllocateNothing(new CatalogMarketDataSource(MarketDataCatalog.Open(Root), new SymbolTable(["AAPL"])), 498);
    }

    /// <summary>After a first pull (which reads the day), <paramref name="pulls"/> more ticks come out and allocate nothing.</summary>
    internal static void AssertPullsAllocateNothing(CatalogMarketDataSource source, int pulls)
    {
        Assert.True(source.TryGetNext(out _));
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = 0;
        while (n < pulls && source.TryGetNext(out _))
        {
            n++;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(pulls, n);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ASymbolThatCannotNameAFolder_IsRefused_Named()
    {
        CatalogImportResult result = Import(WriteCsv("bad.csv", ["2025-01-06T14:30:00Z,../X,1,1,1,1,1", "2025-01-06T14:30:00Z,AAPL,1,1,1,1,1"]));
        Assert.Contains(result.Errors, e => e.Contains("../X", StringComparison.Ordinal));
        Assert.Equal(1, result.PartitionsWritten);
        Assert.False(Directory.Exists(Path.Combine(_dir, "X")));
    }
}
