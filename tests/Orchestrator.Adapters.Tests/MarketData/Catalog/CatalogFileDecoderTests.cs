using Orchestrator.Adapters.MarketData.Catalog;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData.Catalog;

/// <summary>
/// The day-file fast path against Apache.Arrow's <c>ArrowFileReader</c> (the reference): every file of the committed
/// sample catalog and of random catalogs (LZ4, Zstd, none; bars and ticks; empty, one row, a day, many LZ4 blocks,
/// incompressible columns) gives the same values both ways; corrupted files give what the reference gives — the same
/// values or a refusal naming the file.
/// </summary>
public sealed class CatalogFileDecoderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-decoder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string RepoRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.LowLatency.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Reads with the fast path alone (asserting it took the file) and with Arrow's reader; every value equal.</summary>
    private static void AssertSameBothWays(string path, CatalogKind kind, CatalogFileDecoder decoder)
    {
        var fast = new PartitionRows(kind, capacity: 1);
        var reference = new PartitionRows(kind, capacity: 1);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(decoder.TryDecode(bytes, fast), $"the fast path left {path} to Arrow's reader");
        CatalogFile.ReadWithArrow(path, reference);
        AssertSameRows(reference, fast, path);
    }

    private static void AssertSameRows(PartitionRows expected, PartitionRows actual, string path)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int c = 0; c < expected.ColumnCount; c++)
        {
            Assert.True(expected.Column(c).SequenceEqual(actual.Column(c)), $"{path}: column {c} differs");
        }
    }

    [Fact]
    public void TheCommittedSampleCatalog_DecodesFileForFile_AsArrowReadsIt()
    {
        MarketDataCatalog catalog = MarketDataCatalog.Open(Path.Combine(RepoRoot(), "tools", "sample-data", "catalog"));
        Assert.True(catalog.Partitions.Count > 1000, $"{catalog.Partitions.Count} partitions in the sample catalog");
        using var decoder = new CatalogFileDecoder();
        long rows = 0;
        foreach (CatalogPartition partition in catalog.Partitions)
        {
            AssertSameBothWays(partition.Path, partition.Kind, decoder);
            var through = new PartitionRows(partition.Kind);
            CatalogFile.Read(partition.Path, through, decoder);
            rows += through.Count;
        }

        Assert.Equal(2 * catalog.Partitions.Count, decoder.Decoded); // the comparison's and Read's: never Arrow's
        Assert.Equal(0, decoder.FellBack);
        Assert.True(rows > 100_000, $"{rows} rows");
    }

    public static TheoryData<CatalogCompression, CatalogKind> Layouts() => new()
    {
        { CatalogCompression.Lz4, CatalogKind.Bars },
        { CatalogCompression.Lz4, CatalogKind.Ticks },
        { CatalogCompression.Zstd, CatalogKind.Bars },
        { CatalogCompression.Zstd, CatalogKind.Ticks },
        { CatalogCompression.None, CatalogKind.Bars },
        { CatalogCompression.None, CatalogKind.Ticks },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void RandomFiles_DecodeAsArrowReadsThem(CatalogCompression compression, CatalogKind kind)
    {
        var random = new Random(20 + (int)compression + (10 * (int)kind));
        using var decoder = new CatalogFileDecoder();
        // Empty, one row, a day of minutes, several 64 KB LZ4 blocks per column (linked), and incompressible noise (stored raw).
        int[] counts = [0, 1, 390, 25_000, 3_000];
        for (int i = 0; i < counts.Length; i++)
        {
            PartitionRows rows = RandomRows(random, kind, counts[i], noise: i == counts.Length - 1);
            string path = Path.Combine(_dir, $"{compression}-{kind}-{i}.arrow");
            CatalogFile.Write(path, rows, "SYM", new DateOnly(2025, 3, 14), compression);
            AssertSameBothWays(path, kind, decoder);
            if (counts[i] == 25_000 && compression != CatalogCompression.None)
            {
                // Compressed for real (not stored raw), so the LZ4 frames hold several linked 64 KB blocks.
                Assert.True(new FileInfo(path).Length < 25_000L * 8 * rows.ColumnCount * 3 / 4, $"{path}: {new FileInfo(path).Length} bytes");
            }

            var read = new PartitionRows(kind);
            CatalogFile.Read(path, read);
            AssertSameRows(rows, read, path); // and what was written
        }

        Assert.Equal(0, decoder.FellBack);
    }

    [Theory]
    [InlineData(CatalogCompression.Lz4)]
    [InlineData(CatalogCompression.Zstd)]
    [InlineData(CatalogCompression.None)]
    public void CorruptedFiles_GiveWhatArrowsReaderGives_TheSameValuesOrARefusalNamingTheFile(CatalogCompression compression)
    {
        var random = new Random(7 + (int)compression);
        PartitionRows rows = RandomRows(random, CatalogKind.Bars, 390, noise: false);
        string good = Path.Combine(_dir, "good.arrow");
        CatalogFile.Write(good, rows, "SYM", new DateOnly(2025, 3, 14), compression);
        byte[] bytes = File.ReadAllBytes(good);
        string path = Path.Combine(_dir, "corrupt.arrow");
        int refused = 0, sameValues = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bad = (byte[])bytes.Clone();
            if (trial % 10 == 0)
            {
                bad = bad[..random.Next(bad.Length)]; // truncated
            }
            else
            {
                for (int flips = 1 + random.Next(3); flips > 0; flips--)
                {
                    bad[random.Next(bad.Length)] ^= (byte)(1 << random.Next(8));
                }
            }

            File.WriteAllBytes(path, bad);
            var expected = new PartitionRows(CatalogKind.Bars);
            var actual = new PartitionRows(CatalogKind.Bars);
            InvalidDataException? referenceError = Record.Exception(() => CatalogFile.ReadWithArrow(path, expected)) as InvalidDataException;
            InvalidDataException? error = Record.Exception(() => CatalogFile.Read(path, actual)) as InvalidDataException;
            if (referenceError is not null)
            {
                Assert.NotNull(error);
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
                Assert.Equal(referenceError.Message, error.Message);
                refused++;
            }
            else
            {
                Assert.Null(error);
                AssertSameRows(expected, actual, $"trial {trial}");
                sameValues++;
            }
        }

        Assert.True(refused > 40, $"{refused} corrupted files refused"); // the trial set reaches both outcomes
        Assert.True(sameValues > 40, $"{sameValues} corrupted files read alike");
    }

    [Fact]
    public void AnotherLayout_FallsBackToArrowsReader_WithTheSameValues()
    {
        // Two record batches in one file: valid Arrow, not what the importer writes.
        var rows = RandomRows(new Random(3), CatalogKind.Bars, 100, noise: false);
        string path = Path.Combine(_dir, "two-batches.arrow");
        WriteTwoBatches(path, rows);
        using var decoder = new CatalogFileDecoder();
        var fast = new PartitionRows(CatalogKind.Bars);
        Assert.False(decoder.TryDecode(File.ReadAllBytes(path), fast));
        var read = new PartitionRows(CatalogKind.Bars);
        CatalogFile.Read(path, read, decoder);
        AssertSameRows(rows, read, path);
        Assert.Equal(2, decoder.FellBack);
    }

    private static void WriteTwoBatches(string path, PartitionRows rows)
    {
        IReadOnlyList<string> names = PartitionRows.ColumnNames(rows.Kind);
        var builder = new Apache.Arrow.Schema.Builder();
        foreach (string name in names)
        {
            builder.Field(f => f.Name(name).DataType(Apache.Arrow.Types.Int64Type.Default).Nullable(false));
        }

        Apache.Arrow.Schema schema = builder.Build();
        using var stream = File.Create(path);
        using var writer = new Apache.Arrow.Ipc.ArrowFileWriter(stream, schema);
        int half = rows.Count / 2;
        foreach ((int from, int to) in new[] { (0, half), (half, rows.Count) })
        {
            var arrays = new Apache.Arrow.IArrowArray[names.Count];
            for (int c = 0; c < arrays.Length; c++)
            {
                byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes<long>(rows.Column(c)[from..to]).ToArray();
                arrays[c] = new Apache.Arrow.Int64Array(new Apache.Arrow.ArrowBuffer(bytes), Apache.Arrow.ArrowBuffer.Empty, to - from, 0, 0);
            }

            writer.WriteRecordBatch(new Apache.Arrow.RecordBatch(schema, arrays, to - from));
        }

        writer.WriteEnd();
    }

    /// <summary>Sorted timestamps inside one day and price-like columns (a random walk); <paramref name="noise"/>: every value random (incompressible).</summary>
    private static PartitionRows RandomRows(Random random, CatalogKind kind, int count, bool noise)
    {
        var rows = new PartitionRows(kind);
        long ts = CatalogLayout.DayStartNs(new DateOnly(2025, 3, 14)) + (13L * 3_600_000_000_000);
        long price = 150 * FixedPoint.Scale;
        for (int i = 0; i < count; i++)
        {
            ts += kind == CatalogKind.Bars ? 60_000_000_000 : random.Next(0, 3) * (long)random.Next(1, 1_000_000);
            price = Math.Max(FixedPoint.Scale, price + (random.Next(-50, 51) * 100));
            long Value(long typical) => noise ? random.NextInt64() : typical;
            rows.Add(kind == CatalogKind.Bars
                ? new MarketTick { TsEventNs = ts, OpenRaw = Value(price), HighRaw = Value(price + 500), LowRaw = Value(price - 500), PriceRaw = Value(price + 100), Size = Value(random.Next(1, 5000)) }
                : new MarketTick { TsEventNs = ts, PriceRaw = Value(price), Size = Value(random.Next(1, 500)), BidRaw = Value(price - 100), AskRaw = Value(price + 100), BidSize = Value(random.Next(0, 900)), AskSize = Value(random.Next(0, 900)) });
        }

        return rows;
    }
}
