using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Orchestrator.Engine.Journal;

namespace Orchestrator.Engine.Snapshots;

/// <summary>
/// Snapshot files in the journal directory: <c>snapshot-{coveredSequence:D20}.snap</c>.
/// <code>
/// header = "ORCS" u16 version(=2) u16 reserved(=0) i64 coveredSequence i64 tsEventNs
///          i32 orderCapacity i64 orderIdBase i32 factCount factCount × i32 fact
///          i32 signalBytes i32 riskBytes i32 sizingBytes i32 orderManagerBytes
///          u32 tableLength u32 crc32c(table) table (u32 count, count × (u16 byteLength, UTF-8 name))
/// body   = the four sections (<see cref="SnapshotLayout"/>)
/// u32 crc32c over header and body
/// </code>
/// Written to <c>.tmp</c>, fsynced, renamed over the final name, the directory fsynced; the newest
/// <see cref="Keep"/> are kept. Reading checks the checksum, then the layout against the configuration.
/// </summary>
public static partial class SnapshotFile
{
    /// <summary>Snapshots kept; older ones are deleted after each successful write.</summary>
    public const int Keep = 2;

    /// <summary>The format version.</summary>
    public const ushort Version = 7; // 2: the order id base is an i64 (was an i32 prefix); 3: orders carry source and signal ids, the source names follow the order table; 4: orders carry order-group, exit and amend/cancel-in-flight fields (issue 19); 5: entries carry the engine-held exits' flags (issue 19); 6: risk keeps a trading day, start-of-day equity and daily bucket per exchange day (issue 19); 7: the signal engine keeps the collar reference's trading day per exchange day, risk the paused venues, and order status Held (stops the engine holds) adds a final-state counter (issue 19)

    private const string Pattern = "snapshot-*.snap";

    /// <summary>"ORCS" as a little-endian u32.</summary>
    private const uint Magic = 'O' | ('R' << 8) | ('C' << 16) | ((uint)'S' << 24);

    /// <summary>The file name of the snapshot covering <paramref name="coveredSequence"/>.</summary>
    public static string FileName(long coveredSequence) =>
        string.Create(CultureInfo.InvariantCulture, $"snapshot-{coveredSequence:D20}.snap");

    /// <summary>The snapshot files of <paramref name="directory"/>, newest (highest covered sequence) first.</summary>
    public static string[] List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        string[] files = Directory.GetFiles(directory, Pattern);
        Array.Sort(files, StringComparer.Ordinal);
        Array.Reverse(files);
        return files;
    }

    /// <summary>Writes a snapshot durably; returns its path. Slow path (the snapshot writer's thread, tests, the bench).</summary>
    public static string Write(string directory, SnapshotLayout layout, long coveredSequence, long tsEventNs, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (body.Length != layout.BodyBytes)
        {
            throw new ArgumentException($"A snapshot body is {layout.BodyBytes} bytes for this layout, got {body.Length}.", nameof(body));
        }

        byte[] header = EncodeHeader(layout, coveredSequence, tsEventNs);
        uint crc = Crc32C.Append(Crc32C.Append(0xFFFF_FFFFu, header), body);
        byte[] trailer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, ~crc);

        string path = Path.Combine(directory, FileName(coveredSequence));
        string temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(header);
            file.Write(body);
            file.Write(trailer);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(directory);
        return path;
    }

    /// <summary>Deletes all but the newest <see cref="Keep"/> snapshots, and temp files a crash left.</summary>
    public static void Prune(string directory)
    {
        string[] files = List(directory);
        for (int i = Keep; i < files.Length; i++)
        {
            File.Delete(files[i]);
        }

        foreach (string temp in Directory.GetFiles(directory, Pattern + ".tmp"))
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> and checks it against <paramref name="expected"/>: the body when it
    /// is whole and made with this configuration; otherwise null and the reason (named for an operator).
    /// </summary>
    public static byte[]? TryRead(string path, SnapshotLayout expected, out SnapshotInfo? info, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(expected);
        info = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            reason = "unreadable: " + ex.Message;
            return null;
        }

        if (bytes.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            reason = "not a snapshot file (magic)";
            return null;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)) != stored)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"checksum mismatch over its {bytes.Length} bytes (damaged or cut short)");
            return null;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version != Version)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"format version {version}, this build reads {Version}");
            return null;
        }

        if (!TryDecodeHeader(bytes, out long covered, out long ts, out SnapshotLayout? layout, out int bodyOffset))
        {
            reason = "undecodable header (checksum valid)";
            return null;
        }

        reason = expected.Difference(layout!);
        if (reason is not null)
        {
            return null;
        }

        if (bytes.Length - 4 - bodyOffset != expected.BodyBytes)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"body is {bytes.Length - 4 - bodyOffset} bytes, the layout needs {expected.BodyBytes}");
            return null;
        }

        info = new SnapshotInfo(path, covered, ts);
        return bytes[bodyOffset..^4];
    }

    private static byte[] EncodeHeader(SnapshotLayout layout, long coveredSequence, long tsEventNs)
    {
        byte[] table = JournalCodec.EncodeSymbolTable(layout.Symbols);
        int fixedBytes = 4 + 2 + 2 + 8 + 8 + 4 + 8 + 4 + (layout.Facts.Count * 4) + 16;
        byte[] header = new byte[fixedBytes + table.Length];
        Span<byte> h = header;
        BinaryPrimitives.WriteUInt32LittleEndian(h, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(h[8..], coveredSequence);
        BinaryPrimitives.WriteInt64LittleEndian(h[16..], tsEventNs);
        BinaryPrimitives.WriteInt32LittleEndian(h[24..], layout.OrderCapacity);
        BinaryPrimitives.WriteInt64LittleEndian(h[28..], layout.OrderIdBase);
        BinaryPrimitives.WriteInt32LittleEndian(h[36..], layout.Facts.Count);
        int at = 40;
        foreach (int fact in layout.Facts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(h[at..], fact);
            at += 4;
        }

        foreach (int size in new[] { layout.SignalBytes, layout.RiskBytes, layout.SizingBytes, layout.OrderManagerBytes })
        {
            BinaryPrimitives.WriteInt32LittleEndian(h[at..], size);
            at += 4;
        }

        table.CopyTo(h[at..]);
        return header;
    }

    private static bool TryDecodeHeader(byte[] bytes, out long covered, out long ts, out SnapshotLayout? layout, out int bodyOffset)
    {
        covered = ts = 0;
        layout = null;
        bodyOffset = 0;
        ReadOnlySpan<byte> h = bytes.AsSpan(0, bytes.Length - 4);
        if (h.Length < 40)
        {
            return false;
        }

        covered = BinaryPrimitives.ReadInt64LittleEndian(h[8..]);
        ts = BinaryPrimitives.ReadInt64LittleEndian(h[16..]);
        int capacity = BinaryPrimitives.ReadInt32LittleEndian(h[24..]);
        long idBase = BinaryPrimitives.ReadInt64LittleEndian(h[28..]);
        int factCount = BinaryPrimitives.ReadInt32LittleEndian(h[36..]);
        if (factCount < 0 || factCount > 1024 || h.Length < 40 + (factCount * 4) + 16 + JournalCodec.SymbolTablePrefixBytes)
        {
            return false;
        }

        int at = 40;
        int[] facts = new int[factCount];
        for (int i = 0; i < factCount; i++, at += 4)
        {
            facts[i] = BinaryPrimitives.ReadInt32LittleEndian(h[at..]);
        }

        int[] sizes = new int[4];
        for (int i = 0; i < 4; i++, at += 4)
        {
            sizes[i] = BinaryPrimitives.ReadInt32LittleEndian(h[at..]);
        }

        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(h[at..]);
        uint tableCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[(at + 4)..]);
        at += JournalCodec.SymbolTablePrefixBytes;
        if (tableLength > (uint)(h.Length - at))
        {
            return false;
        }

        ReadOnlySpan<byte> table = h.Slice(at, (int)tableLength);
        string[]? symbols = Crc32C.Compute(table) == tableCrc ? JournalCodec.TryDecodeSymbolTable(table) : null;
        if (symbols is null)
        {
            return false;
        }

        bodyOffset = at + (int)tableLength;
        layout = new SnapshotLayout(symbols, capacity, idBase, facts, sizes[0], sizes[1], sizes[2], sizes[3]);
        return true;
    }

    /// <summary>
    /// fsyncs the directory so the rename survives a power loss (Linux; elsewhere a no-op, as .NET
    /// has no portable call).
    /// </summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = NativeOpen(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (NativeFsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeClose(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int NativeOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int NativeFsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int NativeClose(int fd);
}
