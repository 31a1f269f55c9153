using System.Globalization;
using NLog;
using NLog.Targets;
using Orchestrator.Adapters.MarketData.Catalog;

namespace Orchestrator.Adapters.Tests.MarketData.Catalog;

/// <summary>
/// The import's two threads (a partition written early once the reader moves past its day, renamed
/// at its turn): rows that come for a day after it was handed over, a day spread over two files,
/// and a failure while storing leave exactly what the single-threaded import left.
/// </summary>
public sealed class CatalogImportPipelineTests : IDisposable
{
    private static readonly DateTime s_day0 = new(2025, 1, 6, 14, 30, 0, DateTimeKind.Utc); // a Monday
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-import-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Minute bars of AAPL and MSFT on a day, minutes [from, to).</summary>
    private static IEnumerable<string> Minutes(int day, int from, int to)
    {
        for (int m = from; m < to; m++)
        {
            foreach (string symbol in (string[])["AAPL", "MSFT"])
            {
                decimal close = 100m + (m % 11) + day + (symbol == "MSFT" ? 300m : 0m);
                DateTime t = s_day0.AddDays(day).AddMinutes(m);
                yield return string.Create(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbol},{close - 0.25m},{close + 1m},{close - 1m},{close},{500 + m}");
            }
        }
    }

    private string Csv(string name, params IEnumerable<string>[] parts)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, ["timestamp,symbol,open,high,low,close,volume", .. parts.SelectMany(p => p)]);
        return path;
    }

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    private static void AssertSameCatalog(string expected, string actual)
    {
        Dictionary<string, byte[]> want = Files(expected);
        Dictionary<string, byte[]> got = Files(actual);
        Assert.Equal(want.Keys.Order(StringComparer.Ordinal), got.Keys.Order(StringComparer.Ordinal));
        Assert.All(want, f => Assert.True(f.Value.AsSpan().SequenceEqual(got[f.Key]), f.Key));
    }

    [Theory]
    [InlineData(false, 0)] // the day's second half after the next day: already in time order once joined
    [InlineData(true, 2)]  // the second half first: time goes back once per symbol when the first half comes
    public void RowsForADay_AfterTheNextDayBegan_GiveTheFilesOfTheSortedInput(bool secondHalfFirst, long outOfOrder)
    {
        CatalogImportResult sorted = CatalogImporter.Import([Csv("sorted.csv", Minutes(0, 0, 390), Minutes(1, 0, 390))], Path.Combine(_dir, "sorted"));
        IEnumerable<string> first = Minutes(0, 0, 200);
        IEnumerable<string> second = Minutes(0, 200, 390);
        string late = Csv("late.csv", secondHalfFirst ? second : first, Minutes(1, 0, 390), secondHalfFirst ? first : second);

        CatalogImportResult result = CatalogImporter.Import([late], Path.Combine(_dir, "late"));

        Assert.Empty(result.Errors);
        Assert.Equal(outOfOrder, result.OutOfOrder);
        Assert.Equal((sorted.PartitionsWritten, sorted.RowsWritten), (result.PartitionsWritten, result.RowsWritten));
        AssertSameCatalog(Path.Combine(_dir, "sorted"), Path.Combine(_dir, "late"));
        Assert.Empty(MarketDataCatalog.Open(Path.Combine(_dir, "late")).StrayFiles); // the early file of the reopened day was removed
    }

    [Fact]
    public void ADaySpreadOverTwoFiles_IsJoined_AsOneFileOfItWouldBe()
    {
        CatalogImporter.Import([Csv("one.csv", Minutes(0, 0, 390), Minutes(1, 0, 390))], Path.Combine(_dir, "one"));
        string a = Csv("a.csv", Minutes(0, 0, 100), Minutes(1, 0, 390)); // the first day handed over when the second begins
        string b = Csv("b.csv", Minutes(0, 100, 390)); // the rest of the first day

        CatalogImportResult result = CatalogImporter.Import([a, b], Path.Combine(_dir, "two"));

        Assert.Empty(result.Errors);
        Assert.Equal(0, result.OutOfOrder);
        Assert.Equal(4, result.PartitionsWritten);
        AssertSameCatalog(Path.Combine(_dir, "one"), Path.Combine(_dir, "two"));
    }

    [Fact]
    public void AFailureWhileStoring_LeavesTheDaysBeforeIt_AndNoTemporaryFile()
    {
        string root = Path.Combine(_dir, "catalog");
        string blocked = Path.Combine(root, "bars", "MSFT", "2025-01-06.arrow");
        Directory.CreateDirectory(blocked); // a folder where a day file goes: renaming over it fails
        string csv = Csv("bars.csv", Minutes(0, 0, 390), Minutes(1, 0, 390), Minutes(2, 0, 390));

        Assert.ThrowsAny<IOException>(() => CatalogImporter.Import([csv], root));

        // Stored in (kind, symbol, day) order: AAPL's three days before the failing MSFT day, nothing after it.
        string[] files = [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];
        Assert.Equal([Path.Combine("bars", "AAPL", "2025-01-06.arrow"), Path.Combine("bars", "AAPL", "2025-01-07.arrow"), Path.Combine("bars", "AAPL", "2025-01-08.arrow")], files);
        Assert.True(Directory.Exists(blocked));
    }

    [Fact]
    public void AFailureWhileReading_LeavesNoFileAndNoFolder_EvenWithDaysAlreadyWrittenEarly()
    {
        // A logger that fails (a full disk under the log, say) makes the reader throw at the bad last line,
        // after ten days were handed to the writer.
        using var logs = new LogFactory { ThrowExceptions = true };
        logs.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(new MethodCallTarget("fails", (_, _) => throw new IOException("log disk full"))));
        string root = Path.Combine(_dir, "catalog");
        string csv = Csv("bars.csv", [.. Enumerable.Range(0, 11).SelectMany(d => Minutes(d, 0, 390)), "2025-01-20T14:30:00Z,AAPL,not a price,1,1,1,1"]);

        Assert.Throws<IOException>(() => CatalogImporter.Import([csv], root, logger: logs.GetLogger("test")));

        Assert.False(Directory.Exists(root), string.Join(", ", Directory.Exists(root) ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories) : []));
    }
}
