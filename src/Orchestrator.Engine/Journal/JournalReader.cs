using System.Buffers.Binary;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// Reads a journal directory's segments in sequence order, one record per <see cref="ReadNext"/>,
/// verifying each checksum. A bad record at the very end of the last segment is a torn write
/// (<see cref="TornTail"/>; <see cref="ReadNext"/> returns false); a bad record anywhere else is
/// corruption (<see cref="JournalCorruptException"/> naming segment and offset); nothing is skipped.
/// </summary>
/// <remarks>
/// Recovery path (slow path): reading allocates freely. What counts as torn: the last segment
/// shorter than its header; a record header cut short; a valid length that runs past the end of
/// the file (only possible within the last <see cref="JournalCodec.MaxRecordBytes"/>); a checksum
/// mismatch on the record that ends exactly at the end of the file; or a bad record followed by
/// nothing but zero bytes (a file the OS extended before the data reached it).
/// </remarks>
public sealed class JournalReader : IDisposable
{
    private const string SegmentPattern = "journal-*.orcj";

    private readonly string[] _segments;
    private readonly byte[] _payload = new byte[JournalCodec.MaxPayloadBytes];
    private readonly Dictionary<int, string> _sources = [];
    private readonly Dictionary<int, string> _reasons = [];
    private int _segmentIndex = -1;
    private FileStream? _file;
    private long _fileLength;
    private long _offset;
    private int _payloadLength;

    private long _headerLength;

    /// <summary>Opens the journal in <paramref name="directory"/> (no segments: an empty journal).</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="skipThroughSequence">
    /// Leave out, without opening them, the leading segments whose records are all at or below this
    /// sequence (a segment is covered when the next one's first sequence, from its name, is at most
    /// one past it): recovery from a snapshot does not read the journal it covers. The last segment
    /// is always read. −1 = read every segment.
    /// </param>
    public JournalReader(string directory, long skipThroughSequence = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string[] segments = ListSegments(directory);
        int skip = 0;
        while (skip + 1 < segments.Length && TryParseFirstSequence(segments[skip + 1], out long nextFirst) && nextFirst <= skipThroughSequence + 1)
        {
            skip++;
        }

        SegmentsSkipped = skip;
        _segments = segments[skip..];
    }

    /// <summary>Leading segments left out because a snapshot covers them.</summary>
    public int SegmentsSkipped { get; }

    /// <summary>Index of the current segment in <see cref="Segments"/>; changes when the reader moves to the next one.</summary>
    public int SegmentIndex => _segmentIndex;

    /// <summary>The symbol table of the current segment (names in id order), from its header.</summary>
    public IReadOnlyList<string> SegmentSymbols { get; private set; } = [];

    /// <summary>For a RiskParameters record: the version the live engine staged them as.</summary>
    public long RiskParametersVersion { get; private set; }

    /// <summary>For a RiskParameters record: the parameters.</summary>
    public Options.RiskParameters? RiskParameters { get; private set; }

    /// <summary>The first sequence a segment's file name carries (<c>journal-{first:D20}.orcj</c>).</summary>
    public static bool TryParseFirstSequence(string segmentPath, out long firstSequence)
    {
        string name = Path.GetFileNameWithoutExtension(segmentPath);
        firstSequence = 0;
        return name.StartsWith("journal-", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(8), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out firstSequence);
    }

    /// <summary>The segment files in order (their names sort by first sequence).</summary>
    public IReadOnlyList<string> Segments => _segments;

    /// <summary>Type of the current record.</summary>
    public JournalRecordType RecordType { get; private set; }

    /// <summary>Sequence of the current record (a text record carries the sequence of the event that introduced it).</summary>
    public long Sequence { get; private set; } = -1;

    /// <summary>Sequence of the last EngineEvent record read; -1 before any.</summary>
    public long LastEventSequence { get; private set; } = -1;

    /// <summary>Segment of the current record.</summary>
    public string SegmentPath => _segmentIndex >= 0 && _segmentIndex < _segments.Length ? _segments[_segmentIndex] : string.Empty;

    /// <summary>Offset of the current record's length field in its segment.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The current record's payload (type, sequence, body), valid until the next read.</summary>
    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, _payloadLength);

    /// <summary>For a TextInterned record: its table, id and text.</summary>
    public JournalTextTable TextTable { get; private set; }

    /// <summary>For a TextInterned record: the interned id.</summary>
    public int TextId { get; private set; }

    /// <summary>For a TextInterned record: the text.</summary>
    public string Text { get; private set; } = string.Empty;

    /// <summary>Set when reading stopped at a torn last record; null while reading or after a clean end.</summary>
    public JournalTornTail? TornTail { get; private set; }

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The segment files of <paramref name="directory"/> in order; empty when it does not exist.</summary>
    public static string[] ListSegments(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        string[] files = Directory.GetFiles(directory, SegmentPattern);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Reads every record; when the tail is torn, cuts the last segment at its last good record
    /// (deleting it when nothing good is left past its header) and returns what was cut; null when
    /// the journal was clean. Throws <see cref="JournalCorruptException"/> on corruption, cutting nothing.
    /// </summary>
    public static JournalTornTail? TruncateTornTail(string directory, long skipThroughSequence = -1)
    {
        JournalTornTail? torn;
        using (var reader = new JournalReader(directory, skipThroughSequence))
        {
            while (reader.ReadNext())
            {
            }

            torn = reader.TornTail;
        }

        if (torn is null)
        {
            return null;
        }

        if (torn.GoodLength <= torn.HeaderLength)
        {
            File.Delete(torn.SegmentPath);
            return torn;
        }

        using (var file = new FileStream(torn.SegmentPath, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            file.SetLength(torn.GoodLength);
            file.Flush(flushToDisk: true);
        }

        return torn;
    }

    /// <summary>
    /// The journal sequence a writer should continue at after a restart: one past the last event
    /// (0 for an empty journal). Reads the whole journal; call after <see cref="TruncateTornTail"/>.
    /// </summary>
    public static long NextSequence(string directory)
    {
        using var reader = new JournalReader(directory);
        while (reader.ReadNext())
        {
        }

        return reader.LastEventSequence + 1;
    }

    /// <summary>
    /// Moves to the next record. False at the end of the journal, or at a torn tail (then
    /// <see cref="TornTail"/> says where). Throws <see cref="JournalCorruptException"/> on corruption.
    /// </summary>
    public bool ReadNext()
    {
        while (true)
        {
            if (_file is null && !OpenNextSegment())
            {
                return false;
            }

            long remaining = _fileLength - _offset;
            if (remaining == 0)
            {
                CloseSegment();
                continue;
            }

            RecordOffset = _offset;
            if (remaining < JournalCodec.RecordHeaderBytes)
            {
                return Bad("record header cut short", tailIsRecord: true);
            }

            Span<byte> header = stackalloc byte[JournalCodec.RecordHeaderBytes];
            _file!.ReadExactly(header);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < JournalCodec.MinPayloadBytes || length > JournalCodec.MaxPayloadBytes)
            {
                return Bad("impossible record length " + length, tailIsRecord: false);
            }

            if (length > remaining - JournalCodec.RecordHeaderBytes)
            {
                return Bad("record length runs past the end of the file", tailIsRecord: true);
            }

            _payloadLength = (int)length;
            _file.ReadExactly(_payload, 0, _payloadLength);
            _offset += JournalCodec.RecordHeaderBytes + length;
            if (Crc32C.Compute(Payload) != crc)
            {
                return Bad("checksum mismatch", tailIsRecord: _offset == _fileLength);
            }

            if (!Decode())
            {
                throw new JournalCorruptException(SegmentPath, RecordOffset, "undecodable payload (checksum valid)");
            }

            RecordsRead++;
            return true;
        }
    }

    /// <summary>Decodes the current EngineEvent record into <paramref name="e"/> (all derived fields reset).</summary>
    public void ReadEvent(ref EngineEvent e)
    {
        if (RecordType != JournalRecordType.EngineEvent)
        {
            throw new InvalidOperationException("The current record is not an EngineEvent.");
        }

        JournalCodec.TryReadEvent(Payload, ref e);
    }

    /// <summary>
    /// The text a journaled id stood for, from the TextInterned records read so far (empty for id 0
    /// or an unknown id). Replay interns it again in a fresh <see cref="TextInterner"/>: the new id
    /// may differ, so a replayer maps journaled ids through this.
    /// </summary>
    public string GetText(JournalTextTable table, int id)
    {
        Dictionary<int, string> texts = table == JournalTextTable.Sources ? _sources : _reasons;
        return texts.TryGetValue(id, out string? text) ? text : string.Empty;
    }

    public void Dispose() => CloseSegment();

    private bool Decode()
    {
        JournalRecordType type = JournalCodec.ReadPrefix(Payload, out long sequence);
        RecordType = type;
        Sequence = sequence;
        switch (type)
        {
            case JournalRecordType.EngineEvent:
                EngineEvent scratch = default;
                if (!JournalCodec.TryReadEvent(Payload, ref scratch))
                {
                    return false;
                }

                LastEventSequence = sequence;
                return true;
            case JournalRecordType.RiskParameters:
                if (!JournalRiskCodec.TryRead(Payload, out long version, out Options.RiskParameters? parameters))
                {
                    return false;
                }

                RiskParametersVersion = version;
                RiskParameters = parameters;
                return true;
            case JournalRecordType.TextInterned:
                if (!JournalCodec.TryReadText(Payload, out JournalTextTable table, out int id, out ReadOnlySpan<byte> utf8))
                {
                    return false;
                }

                TextTable = table;
                TextId = id;
                Text = Encoding.UTF8.GetString(utf8);
                (table == JournalTextTable.Sources ? _sources : _reasons)[id] = Text;
                return true;
            default:
                return false;
        }
    }

    private bool OpenNextSegment()
    {
        if (_segmentIndex + 1 >= _segments.Length)
        {
            _segmentIndex = _segments.Length;
            return false;
        }

        _segmentIndex++;
        _file = new FileStream(_segments[_segmentIndex], FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
        _fileLength = _file.Length;
        _offset = 0;
        _headerLength = 0;
        RecordOffset = 0;
        Span<byte> header = stackalloc byte[JournalCodec.SegmentHeaderBytes];
        if (_fileLength < JournalCodec.SegmentHeaderBytes)
        {
            return Bad("segment header cut short", tailIsRecord: true);
        }

        _file.ReadExactly(header);
        int version = JournalCodec.ReadSegmentVersion(header);
        if (version >= 0 && version != JournalCodec.Version)
        {
            string path = SegmentPath;
            CloseSegment();
            throw new InvalidDataException($"Journal segment '{path}' has format version {version}; this build reads version {JournalCodec.Version} only (version 2 added the symbol table and the contents of live risk changes). Replay it with the build that wrote it, or move the journal aside to start a new one.");
        }

        if (!JournalCodec.TryReadSegmentHeader(header, out _))
        {
            return Bad("bad segment header (magic or version)", tailIsRecord: false);
        }

        _offset = JournalCodec.SegmentHeaderBytes;
        if (_fileLength - _offset < JournalCodec.SymbolTablePrefixBytes)
        {
            return Bad("segment header cut short", tailIsRecord: true);
        }

        Span<byte> prefix = stackalloc byte[JournalCodec.SymbolTablePrefixBytes];
        _file.ReadExactly(prefix);
        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        uint tableCrc = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (tableLength > JournalCodec.MaxSymbolTableBytes)
        {
            return Bad("impossible symbol table length " + tableLength, tailIsRecord: false);
        }

        if (tableLength > _fileLength - _offset - JournalCodec.SymbolTablePrefixBytes)
        {
            return Bad("segment header cut short", tailIsRecord: true);
        }

        byte[] table = new byte[tableLength];
        _file.ReadExactly(table);
        _offset += JournalCodec.SymbolTablePrefixBytes + tableLength;
        string[]? symbols = Crc32C.Compute(table) == tableCrc ? JournalCodec.TryDecodeSymbolTable(table) : null;
        if (symbols is null)
        {
            return Bad("bad symbol table in the segment header", tailIsRecord: false);
        }

        SegmentSymbols = symbols;
        _headerLength = _offset;
        return true;
    }

    /// <summary>
    /// A record (or header) at <see cref="RecordOffset"/> is bad: torn when it is the tail of the
    /// last segment, corruption otherwise. Returns false (end of reading) or throws.
    /// <paramref name="tailIsRecord"/> is true when the bad bytes run to the end of the file by themselves.
    /// </summary>
    private bool Bad(string reason, bool tailIsRecord)
    {
        bool lastSegment = _segmentIndex == _segments.Length - 1;
        long offset = RecordOffset;
        bool torn = lastSegment && ((tailIsRecord && _fileLength - offset <= JournalCodec.MaxRecordBytes) || RestIsZero(offset));
        if (!torn)
        {
            string path = SegmentPath;
            CloseSegment();
            throw new JournalCorruptException(path, offset, reason);
        }

        TornTail = new JournalTornTail(SegmentPath, offset, _fileLength, reason) { HeaderLength = _headerLength };
        CloseSegment();
        _segmentIndex = _segments.Length;
        return false;
    }

    private bool RestIsZero(long offset)
    {
        FileStream file = _file!;
        file.Position = offset;
        byte[] chunk = new byte[64 * 1024];
        int read;
        while ((read = file.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }

    private void CloseSegment()
    {
        _file?.Dispose();
        _file = null;
    }
}
