using System.Globalization;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Microsoft.Win32.SafeHandles;
using Orchestrator.Core;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// The write side of <see cref="CatalogFile"/>: a partition encoded as an Arrow IPC file into a
/// temporary file beside its final path (<see cref="WriteTemp"/>), then renamed over it
/// (<see cref="Commit"/>), so a reader sees the old partition or the new one, never half of one.
/// Thread-safe: the importer encodes on two threads.
/// </summary>
/// <remarks>
/// Not fsynced: a catalog is derived data (after a power loss, import the day again); the rename
/// still keeps readers and an interrupted import from a half-written file under the final name.
/// </remarks>
internal static class CatalogFileWriter
{
    private static readonly CompressionCodecFactory s_codecs = new();
    private static readonly IpcOptions s_plain = new();
    private static readonly IpcOptions s_lz4 = new() { CompressionCodec = CompressionCodecType.Lz4Frame, CompressionCodecFactory = s_codecs };
    private static readonly IpcOptions s_zstd = new() { CompressionCodec = CompressionCodecType.Zstd, CompressionCodecFactory = s_codecs };

    // The encoded file, reused per thread: written to disk in one call, no FileStream buffer per file.
    [ThreadStatic]
    private static MemoryStream? t_encoded;

    // The columns' bytes handed to Arrow, reused per thread (Arrow only reads them while encoding).
    [ThreadStatic]
    private static byte[][]? t_columns;

    /// <summary>
    /// Encodes the rows and writes them to a new temporary file in <paramref name="path"/>'s folder
    /// (created if missing, unless <paramref name="folderExists"/>); returns the temporary file's
    /// path. Nothing is left behind on failure.
    /// </summary>
    public static string WriteTemp(string path, PartitionRows rows, string symbol, DateOnly day, CatalogCompression compression, bool folderExists = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(rows);
        MemoryStream encoded = t_encoded ??= new MemoryStream(1 << 16);
        encoded.SetLength(0);
        Encode(encoded, rows, symbol, day, compression);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!folderExists)
        {
            Directory.CreateDirectory(directory);
        }

        string temp = Path.Combine(directory, CatalogLayout.TempPrefix + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N"));
        try
        {
            using SafeFileHandle handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, encoded.GetBuffer().AsSpan(0, (int)encoded.Length), 0);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return temp;
    }

    /// <summary>Renames a file from <see cref="WriteTemp"/> over <paramref name="path"/> (deleting the temporary file if that fails).</summary>
    public static void Commit(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void Encode(Stream stream, PartitionRows rows, string symbol, DateOnly day, CatalogCompression compression)
    {
        IReadOnlyList<string> names = PartitionRows.ColumnNames(rows.Kind);
        var builder = new Schema.Builder();
        foreach (string name in names)
        {
            builder.Field(f => f.Name(name).DataType(Int64Type.Default).Nullable(false));
        }

        builder.Metadata(CatalogFile.KindKey, CatalogLayout.Folder(rows.Kind))
            .Metadata(CatalogFile.SymbolKey, symbol)
            .Metadata(CatalogFile.DayKey, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Metadata(CatalogFile.ScaleKey, FixedPoint.Scale.ToString(CultureInfo.InvariantCulture))
            .Metadata(CatalogFile.RowsKey, rows.Count.ToString(CultureInfo.InvariantCulture));
        Schema schema = builder.Build();
        var arrays = new IArrowArray[names.Count];
        byte[][] columns = t_columns ??= new byte[8][];
        for (int c = 0; c < arrays.Length; c++)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes<long>(rows.Column(c));
            if (columns[c] is null || columns[c].Length < bytes.Length)
            {
                columns[c] = new byte[Math.Max(bytes.Length, 1 << 12)];
            }

            bytes.CopyTo(columns[c]);
            arrays[c] = new Int64Array(new ArrowBuffer(columns[c].AsMemory(0, bytes.Length)), ArrowBuffer.Empty, rows.Count, 0, 0);
        }

        IpcOptions options = compression switch
        {
            CatalogCompression.None => s_plain,
            CatalogCompression.Zstd => s_zstd,
            _ => s_lz4,
        };
        using var batch = new RecordBatch(schema, arrays, rows.Count);
        using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true, options);
        writer.WriteRecordBatch(batch);
        writer.WriteEnd();
    }
}
