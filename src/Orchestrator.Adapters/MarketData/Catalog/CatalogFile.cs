using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Microsoft.Win32.SafeHandles;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// Reads and writes one partition: an Arrow IPC file (the "Feather v2" file format) of one record
/// batch of non-null Int64 columns, prices raw fixed point (<see cref="FixedPoint.Scale"/> recorded
/// in the schema's metadata), compressed per <see cref="CatalogCompression"/>.
/// </summary>
/// <remarks>Any Arrow reader (pyarrow <c>pa.ipc.open_file</c>, DuckDB, Polars) opens the files.</remarks>
public static class CatalogFile
{
    /// <summary>Schema metadata: the kind (bars or ticks).</summary>
    public const string KindKey = "orchestrator.kind";

    /// <summary>Schema metadata: the symbol.</summary>
    public const string SymbolKey = "orchestrator.symbol";

    /// <summary>Schema metadata: the UTC day (yyyy-MM-dd).</summary>
    public const string DayKey = "orchestrator.day";

    /// <summary>Schema metadata: the fixed-point scale of the price columns.</summary>
    public const string ScaleKey = "orchestrator.price_scale";

    /// <summary>Schema metadata: the row count written.</summary>
    public const string RowsKey = "orchestrator.rows";

    private static readonly CompressionCodecFactory s_codecs = new();

    /// <summary>
    /// Writes the rows as <paramref name="path"/> atomically: into a temporary file beside it, then
    /// renamed over it, so a reader sees the old partition or the new one, never half of one (not
    /// fsynced: after a power loss, import the day again).
    /// </summary>
    public static void Write(string path, PartitionRows rows, string symbol, DateOnly day, CatalogCompression compression) =>
        CatalogFileWriter.Commit(CatalogFileWriter.WriteTemp(path, rows, symbol, day, compression), path);

    /// <summary>
    /// Reads a partition of <paramref name="rows"/>' kind into <paramref name="rows"/> (its buffers reused).
    /// </summary>
    /// <exception cref="InvalidDataException">Not an Arrow file of this kind's columns (the message names the file and why).</exception>
    public static void Read(string path, PartitionRows rows)
    {
        using var decoder = new CatalogFileDecoder();
        Read(path, rows, decoder);
    }

    /// <summary>
    /// <see cref="Read(string, PartitionRows)"/> through <paramref name="decoder"/>'s fast path (the files this class
    /// writes), Apache.Arrow's reader for anything else; the same values either way.
    /// </summary>
    internal static void Read(string path, PartitionRows rows, CatalogFileDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int length = Load(path, rows);
        if (!decoder.TryDecode(rows.FileBuffer(length).AsSpan(0, length), rows))
        {
            ReadWithArrow(path, rows, length, out _);
        }
    }

    /// <summary><see cref="Read(string, PartitionRows)"/> through Apache.Arrow's reader alone, also returning the schema's metadata (for verify and list).</summary>
    public static void Read(string path, PartitionRows rows, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ReadWithArrow(path, rows, Load(path, rows), out metadata);
    }

    /// <summary>
    /// The whole file in one read into the rows' reused buffer (a day is tens of KB): one system call,
    /// no FileStream buffer per file. Returns its length.
    /// </summary>
    private static int Load(string path, PartitionRows rows)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long size = RandomAccess.GetLength(handle);
            if (size > int.MaxValue)
            {
                throw Bad(path, $"{size} bytes is too large for one day");
            }

            byte[] buffer = rows.FileBuffer((int)size);
            int length = 0;
            while (length < size && RandomAccess.Read(handle, buffer.AsSpan(length, (int)size - length), length) is var n and > 0)
            {
                length += n;
            }

            return length;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !ex.Message.StartsWith(Prefix(path), StringComparison.Ordinal))
        {
            throw Bad(path, ex.Message);
        }
    }

    /// <summary>The reference reader: the file's first <paramref name="length"/> bytes (in the rows' buffer) through Apache.Arrow's <see cref="ArrowFileReader"/>.</summary>
    private static void ReadWithArrow(string path, PartitionRows rows, int length, out IReadOnlyDictionary<string, string> metadata)
    {
        IReadOnlyList<string> names = PartitionRows.ColumnNames(rows.Kind);
        try
        {
            using var stream = new MemoryStream(rows.FileBuffer(length), 0, length, writable: false);
            using var reader = new ArrowFileReader(stream, s_codecs);
            Schema schema = reader.Schema;
            metadata = schema.Metadata ?? new Dictionary<string, string>();
            if (schema.FieldsList.Count != names.Count)
            {
                throw Bad(path, $"{schema.FieldsList.Count} columns, expected {names.Count} ({string.Join(", ", names)})");
            }

            for (int c = 0; c < names.Count; c++)
            {
                if (schema.FieldsList[c].Name != names[c] || schema.FieldsList[c].DataType.TypeId != ArrowTypeId.Int64)
                {
                    throw Bad(path, $"column {c + 1} is '{schema.FieldsList[c].Name}' ({schema.FieldsList[c].DataType.Name}), expected '{names[c]}' (int64)");
                }
            }

            if (metadata.TryGetValue(ScaleKey, out string? scale) && scale != FixedPoint.Scale.ToString(CultureInfo.InvariantCulture))
            {
                throw Bad(path, $"prices at scale {scale}, this build reads {FixedPoint.Scale}");
            }

            int count = 0;
            rows.Reset(0);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    int n = batch.Length;
                    CopyBatch(path, batch, rows, count, n);
                    count += n;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !ex.Message.StartsWith(Prefix(path), StringComparison.Ordinal))
        {
            throw Bad(path, ex.Message);
        }
    }

    /// <summary>For tests: the file through Apache.Arrow's reader only (the reference the fast path is compared with).</summary>
    internal static void ReadWithArrow(string path, PartitionRows rows) => ReadWithArrow(path, rows, Load(path, rows), out _);

    private static void CopyBatch(string path, RecordBatch batch, PartitionRows rows, int offset, int n)
    {
        // Grow keeping the rows already copied (several batches in one file).
        if (offset > 0)
        {
            long[][] kept = new long[rows.ColumnCount][];
            for (int c = 0; c < kept.Length; c++)
            {
                kept[c] = rows.Column(c).ToArray();
            }

            rows.Reset(offset + n);
            for (int c = 0; c < kept.Length; c++)
            {
                kept[c].CopyTo(rows.Column(c));
            }
        }
        else
        {
            rows.Reset(n);
        }

        for (int c = 0; c < rows.ColumnCount; c++)
        {
            var column = (Int64Array)batch.Column(c);
            if (column.NullCount != 0)
            {
                throw Bad(path, $"column '{PartitionRows.ColumnNames(rows.Kind)[c]}' holds {column.NullCount} null(s)");
            }

            column.Values.CopyTo(rows.Column(c)[offset..]);
        }
    }

    private static InvalidDataException Bad(string path, string why) => new(Prefix(path) + why);

    private static string Prefix(string path) => $"Catalog file '{path}': ";
}
