using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Adapters.MarketData.Catalog;

namespace Orchestrator.Adapters.Tests.MarketData.Catalog;

/// <summary>
/// The importer's output pinned to the byte: the committed sample catalog is what importing the
/// sample CSV writes, and a mixed input (several symbols and days, rows out of order, exact repeats,
/// a conflicting day, a bad line, ticks, a large partition) gives the same files in every
/// compression as the importer of 2026-12-07 wrote (hashes taken before the import was made faster).
/// </summary>
public sealed class CatalogBytesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-catalog-bytes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ImportingTheSampleCsv_WritesTheCommittedSampleCatalog_ByteForByte()
    {
        string csv = Path.Combine(_dir, "bars.csv");
        using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 16))
        {
            new SampleBarGenerator(42, 2025).Write(writer);
        }

        string catalog = Path.Combine(_dir, "catalog");
        CatalogImportResult result = CatalogImporter.Import([csv], catalog, CatalogCompression.Zstd);

        Assert.Empty(result.Errors);
        string committed = Path.Combine(RepoRoot(), "tools", "sample-data", "catalog");
        string[] expected = Files(committed);
        Assert.Equal(expected, Files(catalog));
        Assert.Equal(1976, expected.Length);
        foreach (string file in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(committed, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(catalog, file))), file);
        }
    }

    [Theory]
    [InlineData(CatalogCompression.Lz4, "c55ad6f88a1d2fce01af08f83a1fa0a465ee228faf417b7fdb08418f3e265f33")]
    [InlineData(CatalogCompression.Zstd, "545b6960f5ee55a25792a10b2779dd9c9496f8d0fe1e020e298930c9935802e8")]
    [InlineData(CatalogCompression.None, "7de2422aafcc5812fe9775b233a4a0b39de5b6d85b7ef926b2bd27cf2c5c934d")]
    public void AMixedImport_WritesThePinnedBytes_InEachCompression(CatalogCompression compression, string sha256)
    {
        string catalog = Path.Combine(_dir, "catalog");
        string bars = MixedBars();
        string ticks = MixedTicks();

        CatalogImportResult result = CatalogImporter.Import([bars, ticks], catalog, compression);

        Assert.Equal(1, result.Rejected);
        Assert.Equal(3, result.Duplicates);
        Assert.True(result.OutOfOrder > 0);
        Assert.Single(result.Errors);
        Assert.Equal(sha256, CatalogHash(catalog));

        // Again over itself: the same bytes (each partition replaced by an identical one).
        Assert.Equal(result.RowsWritten, CatalogImporter.Import([bars, ticks], catalog, compression).RowsWritten);
        Assert.Equal(sha256, CatalogHash(catalog));
    }

    /// <summary>Three symbols over four days (one lower case in the file, one with quotes), minutes shuffled within a day, repeats, a conflict, a bad line.</summary>
    private string MixedBars()
    {
        var random = new Random(11);
        var lines = new List<string> { "timestamp,symbol,open,high,low,close,volume" };
        string[] symbols = ["aapl", "\"MSFT\"", "BRK.B"];
        var day0 = new DateTime(2025, 3, 7, 14, 30, 0, DateTimeKind.Utc);
        for (int d = 0; d < 4; d++)
        {
            var day = new List<string>();
            for (int m = 0; m < 390; m++)
            {
                for (int s = 0; s < symbols.Length; s++)
                {
                    decimal close = 100m + (s * 10) + (random.Next(-500, 500) / 100m);
                    DateTime t = day0.AddDays(d).AddMinutes(m);
                    string time = d % 2 == 0
                        ? t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
                        : ((t - DateTime.UnixEpoch).Ticks * 100).ToString(CultureInfo.InvariantCulture);
                    day.Add(string.Create(CultureInfo.InvariantCulture, $"{time},{symbols[s]},{close - 0.1m},{close + 0.55m},{close - 0.5m},{close},{random.Next(1, 100_000)}"));
                }
            }

            if (d == 1)
            {
                for (int i = 0; i < 40; i++)
                {
                    int a = random.Next(day.Count);
                    int b = random.Next(day.Count);
                    (day[a], day[b]) = (day[b], day[a]);
                }

                day.Add(day[7]);
                day.Add(day[100]);
                day.Add(day[100]);
            }

            if (d == 2)
            {
                day.Add(day[5].Replace(",", ",,", StringComparison.Ordinal)); // bad: too many columns
                string[] f = day[9].Split(',');
                f[6] = "123456789";
                day.Add(string.Join(',', f)); // another bar at a minute already held: the day of that symbol is refused
            }

            lines.AddRange(day);
        }

        string path = Path.Combine(_dir, "bars.csv");
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        return path;
    }

    /// <summary>Ticks of two symbols over two days, some sharing a timestamp, some with quotes; one day of 5,000 ticks.</summary>
    private string MixedTicks()
    {
        var random = new Random(5);
        var lines = new List<string>();
        long t0 = (new DateTime(2025, 3, 7, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100;
        for (int i = 0; i < 6_000; i++)
        {
            string symbol = i % 5 == 0 ? "MSFT" : "NVDA";
            long ts = t0 + (i < 5_000 ? i / 3 * 1_000_003L : 86_400_000_000_000L + (i * 7L));
            string quote = i % 4 == 0
                ? string.Create(CultureInfo.InvariantCulture, $",\"bid\":{100 + (i % 13)}.25,\"ask\":\"{101 + (i % 13)}.5\",\"bid_size\":{i % 300},\"ask_size\":7")
                : string.Empty;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"timestamp\":{ts},\"symbol\":\"{symbol}\",\"price\":{100 + random.Next(1000)}.{random.Next(10_000):0000},\"size\":{random.Next(1, 500)}{quote}}}"));
        }

        string path = Path.Combine(_dir, "ticks.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>SHA-256 over every file's relative path and bytes, in ordinal path order.</summary>
    private static string CatalogHash(string catalog)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in Files(catalog))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(catalog, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string[] Files(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Directory.Packages.props")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
