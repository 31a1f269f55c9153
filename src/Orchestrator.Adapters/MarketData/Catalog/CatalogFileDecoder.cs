using System.Buffers.Binary;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;
using K4os.Hash.xxHash;
using ZstdSharp;

namespace Orchestrator.Adapters.MarketData.Catalog;

/// <summary>
/// The fast path for the day files <see cref="CatalogFile.Write"/> produces: reads the Arrow IPC
/// file's footer and its one record batch's metadata straight from the flatbuffers and decodes
/// each column (LZ4 frame, Zstd or raw) directly into the rows' reused <c>long[]</c> buffers. No
/// Arrow objects, no allocation in steady state.
/// </summary>
/// <remarks>
/// Strict on purpose: anything it does not expect — another schema, several record batches,
/// dictionaries, nulls, a checksum flag, a size that does not add up, any bound out of range, a
/// codec error — makes <see cref="TryDecode"/> return false, and the caller reads the file with
/// Apache.Arrow's <c>ArrowFileReader</c> instead, which either gives the same values or refuses
/// the file. It mirrors what that reader does (schema from the footer, body right after the
/// message, the 8-byte uncompressed-length prefix of compressed buffers, -1 = stored raw, the LZ4
/// frame header checksum, reading a frame only up to the length announced). One decoder per
/// thread: the Zstd context is reused. Not thread-safe.
/// </remarks>
internal sealed class CatalogFileDecoder : IDisposable
{
    private const uint Lz4Magic = 0x184D2204;
    private const int Lz4Window = 64 * 1024;
    private static readonly byte[] s_magic = "ARROW1"u8.ToArray();
    private static readonly byte[] s_scaleKey = System.Text.Encoding.UTF8.GetBytes(CatalogFile.ScaleKey);
    private static readonly byte[] s_scaleValue = System.Text.Encoding.UTF8.GetBytes(Orchestrator.Core.FixedPoint.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private static readonly byte[][] s_barNames = Utf8(PartitionRows.ColumnNames(CatalogKind.Bars));
    private static readonly byte[][] s_tickNames = Utf8(PartitionRows.ColumnNames(CatalogKind.Ticks));

    private Decompressor? _zstd;

    /// <summary>Files decoded by the fast path.</summary>
    public long Decoded { get; private set; }

    /// <summary>Files the fast path left to Arrow's reader.</summary>
    public long FellBack { get; private set; }

    /// <summary>Decodes <paramref name="file"/> (a whole partition file) into <paramref name="rows"/>; false = not the layout expected (rows are then unspecified: read the file another way).</summary>
    public bool TryDecode(ReadOnlySpan<byte> file, PartitionRows rows)
    {
        bool ok;
        try
        {
            ok = BitConverter.IsLittleEndian && Decode(file, rows);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bound the checks below did not foresee, or a codec that refused its input (ZstdException): Arrow's reader decides.
            ok = false;
        }

        if (ok)
        {
            Decoded++;
        }
        else
        {
            FellBack++;
        }

        return ok;
    }

    public void Dispose()
    {
        _zstd?.Dispose();
        _zstd = null;
    }

    private bool Decode(ReadOnlySpan<byte> file, PartitionRows rows)
    {
        // Magic at both ends, then the footer: int32 length before the trailing magic.
        if (file.Length < 6 + 2 + 4 + 6 || !file[..6].SequenceEqual(s_magic) || !file[^6..].SequenceEqual(s_magic))
        {
            return false;
        }

        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(file[^10..]);
        int footerStart = file.Length - 10 - footerLength;
        if (footerLength <= 0 || footerStart < 8)
        {
            return false;
        }

        var footer = new FlatBuffer(file.Slice(footerStart, footerLength));
        if (!footer.Root(out int footerTable)
            || !footer.Table(footerTable, 1, out int schema) || !SchemaIsOurs(footer, schema, rows.Kind)
            || footer.VectorLength(footerTable, 2) is not 0 // dictionaries: none
            || footer.Vector(footerTable, 3, 24, out int blocks) != 1) // record batches: exactly one
        {
            return false;
        }

        // The record batch's message: continuation marker, metadata length, the Message flatbuffer, then the body.
        long blockOffset = footer.Int64(blocks);
        if (blockOffset < 8 || blockOffset > file.Length - 8 || BinaryPrimitives.ReadInt32LittleEndian(file[(int)blockOffset..]) != -1)
        {
            return false;
        }

        int messageLength = BinaryPrimitives.ReadInt32LittleEndian(file[((int)blockOffset + 4)..]);
        long bodyStart = blockOffset + 8 + (long)messageLength;
        if (messageLength <= 0 || bodyStart > file.Length)
        {
            return false;
        }

        var message = new FlatBuffer(file.Slice((int)blockOffset + 8, messageLength));
        if (!message.Root(out int messageTable) || message.UInt8(messageTable, 1, 0) != 3 /* RecordBatch */ || !message.Table(messageTable, 2, out int batch))
        {
            return false;
        }

        long bodyLength = message.Int64(messageTable, 3, 0);
        if (bodyLength < 0 || bodyLength > file.Length - bodyStart)
        {
            return false;
        }

        ReadOnlySpan<byte> body = file.Slice((int)bodyStart, (int)bodyLength);
        long length = message.Int64(batch, 0, 0);
        int columns = rows.ColumnCount;
        if (length < 0 || length > int.MaxValue / 8
            || message.Vector(batch, 1, 16, out int nodes) != columns
            || message.Vector(batch, 2, 16, out int buffers) != 2 * columns
            || message.VectorLength(batch, 4) is not 0) // variadic buffer counts: none
        {
            return false;
        }

        int codec = -1; // none
        if (message.Table(batch, 3, out int compression))
        {
            codec = message.UInt8(compression, 0, 0);
            if (codec > 1 || message.UInt8(compression, 1, 0) != 0) // LZ4_FRAME = 0, ZSTD = 1; BUFFER method only
            {
                return false;
            }
        }

        int count = (int)length;
        rows.Reset(count);
        for (int c = 0; c < columns; c++)
        {
            int node = nodes + (16 * c);
            if (message.Int64(node) != count || message.Int64(node + 8) != 0) // length, null count
            {
                return false;
            }

            if (!Buffer(message, buffers + (32 * c), body, out ReadOnlySpan<byte> validity) || !ValidityIsEmpty(validity, codec)
                || !Buffer(message, buffers + (32 * c) + 16, body, out ReadOnlySpan<byte> values)
                || !Values(values, codec, MemoryMarshal.AsBytes(rows.Column(c))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Our schema, as Arrow's reader would see it: the kind's column names in order, each int64 (signed, 64 bits), no dictionary, no children, no field metadata, little-endian; the price scale (when recorded, last value wins) this build's.</summary>
    private static bool SchemaIsOurs(FlatBuffer fb, int schema, CatalogKind kind)
    {
        byte[][] names = kind == CatalogKind.Bars ? s_barNames : s_tickNames;
        if (fb.Int16(schema, 0, 0) != 0 || fb.Vector(schema, 1, 4, out int fields) != names.Length)
        {
            return false;
        }

        for (int c = 0; c < names.Length; c++)
        {
            int field = fb.Indirect(fields + (4 * c));
            if (!fb.String(field, 0, out ReadOnlySpan<byte> name) || !name.SequenceEqual(names[c])
                || fb.UInt8(field, 2, 0) != 2 /* Int */ || !fb.Table(field, 3, out int type)
                || fb.Int32(type, 0, 0) != 64 || fb.UInt8(type, 1, 0) != 1
                || fb.Has(field, 4) || fb.VectorLength(field, 5) is not 0 || fb.VectorLength(field, 6) is not 0)
            {
                return false;
            }
        }

        int pairs = fb.Vector(schema, 2, 4, out int metadata);
        if (pairs < 0)
        {
            return pairs == -1; // absent is fine, malformed is not
        }

        bool scaleOk = true;
        for (int i = 0; i < pairs; i++)
        {
            int pair = fb.Indirect(metadata + (4 * i));
            if (!fb.String(pair, 0, out ReadOnlySpan<byte> key) || !fb.String(pair, 1, out ReadOnlySpan<byte> value))
            {
                return false;
            }

            if (key.SequenceEqual(s_scaleKey))
            {
                scaleOk = value.SequenceEqual(s_scaleValue);
            }
        }

        return scaleOk;
    }

    /// <summary>A Buffer struct (offset, length in the body) as a span of the body; an empty buffer is empty.</summary>
    private static bool Buffer(FlatBuffer fb, int at, ReadOnlySpan<byte> body, out ReadOnlySpan<byte> buffer)
    {
        long offset = fb.Int64(at), length = fb.Int64(at + 8);
        buffer = default;
        if (length <= 0)
        {
            return true; // Arrow: an empty buffer
        }

        if (offset < 0 || offset > body.Length || length > body.Length - offset)
        {
            return false;
        }

        buffer = body.Slice((int)offset, (int)length);
        return true;
    }

    /// <summary>The validity bitmap of a column without nulls: absent, or (compressed) just a prefix announcing 0 or -1 and nothing after it.</summary>
    private static bool ValidityIsEmpty(ReadOnlySpan<byte> validity, int codec) =>
        validity.IsEmpty || (codec >= 0 && validity.Length == 8 && BinaryPrimitives.ReadInt64LittleEndian(validity) is 0 or -1);

    /// <summary>Decodes a values buffer into exactly <paramref name="target"/>'s bytes (the rows' column).</summary>
    private bool Values(ReadOnlySpan<byte> source, int codec, Span<byte> target)
    {
        if (codec < 0)
        {
            if (source.Length < target.Length)
            {
                return false;
            }

            source[..target.Length].CopyTo(target);
            return true;
        }

        if (source.IsEmpty)
        {
            return target.IsEmpty;
        }

        if (source.Length < 8)
        {
            return false;
        }

        long announced = BinaryPrimitives.ReadInt64LittleEndian(source);
        source = source[8..];
        if (announced == -1)
        {
            if (source.Length < target.Length)
            {
                return false;
            }

            source[..target.Length].CopyTo(target);
            return true;
        }

        if (announced != target.Length)
        {
            return false; // Arrow would take another size and slice it: leave such files to it
        }

        if (source.IsEmpty)
        {
            return target.IsEmpty; // no rows: the writer leaves the frame out
        }

        return codec == 0 ? Lz4Frame(source, target) : (_zstd ??= new Decompressor()).Unwrap(source, target) == target.Length;
    }

    /// <summary>
    /// One LZ4 frame into exactly <paramref name="target"/>, as K4os' frame reader (Arrow's codec) reads it: the header
    /// checksum verified, blocks no larger than the frame's block size, linked blocks decoded against the 64 KB before them,
    /// reading stops once the target is full. Block or content checksums and dictionaries are left to that reader.
    /// </summary>
    private static bool Lz4Frame(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (source.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(source) != Lz4Magic)
        {
            return false;
        }

        byte flags = source[4], descriptor = source[5];
        int sizeCode = (descriptor >> 4) & 7;
        // Version 01, no block checksum (bit 4), no content checksum (bit 2), reserved bit 1 clear, no dictionary id (bit 0).
        if ((flags >> 6) != 1 || (flags & 0b0001_0111) != 0 || (descriptor & 0b1000_1111) != 0 || sizeCode < 4)
        {
            return false;
        }

        bool linked = (flags & 0b0010_0000) == 0;
        int headerLength = (flags & 0b0000_1000) != 0 ? 10 : 2; // FLG, BD [, content size]
        int maxBlock = 1 << (8 + (2 * sizeCode)); // 4: 64 KB, 5: 256 KB, 6: 1 MB, 7: 4 MB
        if (source.Length < 4 + headerLength + 1 || (byte)(XXH32.DigestOf(source.Slice(4, headerLength)) >> 8) != source[4 + headerLength])
        {
            return false;
        }

        int at = 4 + headerLength + 1;
        int written = 0;
        while (written < target.Length)
        {
            if (source.Length - at < 4)
            {
                return false;
            }

            uint word = BinaryPrimitives.ReadUInt32LittleEndian(source[at..]);
            at += 4;
            int size = (int)(word & 0x7FFF_FFFF);
            if (size == 0 || size > maxBlock || size > source.Length - at)
            {
                return false; // the end mark before the announced length, or a block out of bounds
            }

            Span<byte> into = target.Slice(written, Math.Min(target.Length - written, maxBlock));
            ReadOnlySpan<byte> block = source.Slice(at, size);
            int decoded;
            if ((word & 0x8000_0000) != 0)
            {
                if (size > into.Length)
                {
                    return false;
                }

                block.CopyTo(into);
                decoded = size;
            }
            else
            {
                decoded = linked && written > 0
                    ? LZ4Codec.Decode(block, into, target.Slice(Math.Max(0, written - Lz4Window), Math.Min(written, Lz4Window)))
                    : LZ4Codec.Decode(block, into);
            }

            if (decoded <= 0)
            {
                return false; // a codec error, or an empty block (K4os' reader stops there)
            }

            written += decoded;
            at += size;
        }

        return true;
    }

    private static byte[][] Utf8(IReadOnlyList<string> names)
    {
        var bytes = new byte[names.Count][];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = System.Text.Encoding.UTF8.GetBytes(names[i]);
        }

        return bytes;
    }

    /// <summary>
    /// Bounds-checked reads of one flatbuffer (a footer or a message): tables through their vtables, fields by index,
    /// absent fields as their default. Every position is checked against the buffer; a bad one reads as "absent" or
    /// makes the caller give up (never reads outside).
    /// </summary>
    private readonly ref struct FlatBuffer(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public bool Root(out int table)
        {
            table = _bytes.Length >= 4 ? Indirect(0) : -1;
            return Valid(table, 4);
        }

        public bool Has(int table, int field) => FieldAt(table, field) > 0;

        public short Int16(int table, int field, short absent) => FieldAt(table, field) is var at and > 0 && Valid(at, 2) ? BinaryPrimitives.ReadInt16LittleEndian(_bytes[at..]) : absent;

        public int Int32(int table, int field, int absent) => FieldAt(table, field) is var at and > 0 && Valid(at, 4) ? BinaryPrimitives.ReadInt32LittleEndian(_bytes[at..]) : absent;

        public long Int64(int table, int field, long absent) => FieldAt(table, field) is var at and > 0 && Valid(at, 8) ? BinaryPrimitives.ReadInt64LittleEndian(_bytes[at..]) : absent;

        public byte UInt8(int table, int field, byte absent) => FieldAt(table, field) is var at and > 0 && Valid(at, 1) ? _bytes[at] : absent;

        /// <summary>A long inside a struct (the caller checked the struct's bounds through <see cref="Vector"/>).</summary>
        public long Int64(int at) => BinaryPrimitives.ReadInt64LittleEndian(_bytes.Slice(at, 8));

        /// <summary>The position an offset stored at <paramref name="at"/> points to (-1 when out of bounds).</summary>
        public int Indirect(int at)
        {
            if (!Valid(at, 4))
            {
                return -1;
            }

            long target = at + (long)BinaryPrimitives.ReadUInt32LittleEndian(_bytes[at..]);
            return target < _bytes.Length ? (int)target : -1;
        }

        public bool Table(int table, int field, out int target)
        {
            target = FieldAt(table, field) is var at and > 0 ? Indirect(at) : -1;
            return Valid(target, 4);
        }

        public bool String(int table, int field, out ReadOnlySpan<byte> value)
        {
            value = default;
            int at = FieldAt(table, field) is var f and > 0 ? Indirect(f) : -1;
            if (!Valid(at, 4))
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[at..]);
            if (length > _bytes.Length - at - 4)
            {
                return false;
            }

            value = _bytes.Slice(at + 4, (int)length);
            return true;
        }

        /// <summary>A vector's element count (-1 absent, -2 out of bounds); <paramref name="elements"/> is its first element.</summary>
        public int Vector(int table, int field, int elementSize, out int elements)
        {
            elements = -1;
            int at = FieldAt(table, field);
            if (at <= 0)
            {
                return -1;
            }

            int vector = Indirect(at);
            if (!Valid(vector, 4))
            {
                return -2;
            }

            uint count = BinaryPrimitives.ReadUInt32LittleEndian(_bytes[vector..]);
            if (count > (uint)(_bytes.Length - vector - 4) / (uint)elementSize)
            {
                return -2;
            }

            elements = vector + 4;
            return (int)count;
        }

        /// <summary>Element count of a vector field, 0 when absent (-2 out of bounds).</summary>
        public int VectorLength(int table, int field) => Vector(table, field, 1, out _) is var n && n == -1 ? 0 : n;

        /// <summary>Position of a table's field (0 = absent), through its vtable.</summary>
        private int FieldAt(int table, int field)
        {
            if (!Valid(table, 4))
            {
                return 0;
            }

            long vtable = table - (long)BinaryPrimitives.ReadInt32LittleEndian(_bytes[table..]);
            if (vtable < 0 || vtable > _bytes.Length - 4)
            {
                return 0;
            }

            int vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[(int)vtable..]);
            int entry = 4 + (2 * field);
            if (entry + 2 > vtableLength || vtable + entry + 2 > _bytes.Length)
            {
                return 0;
            }

            int offset = BinaryPrimitives.ReadUInt16LittleEndian(_bytes[((int)vtable + entry)..]);
            return offset == 0 ? 0 : table + offset;
        }

        private bool Valid(int at, int size) => at >= 0 && at <= _bytes.Length - size;
    }
}
