using System.Buffers.Binary;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// Reads a journal directory's segments in sequence order, one record per <see cref="ReadNext"/>,
/// verifying each checksum. A bad tail after the last valid record of the last segment is a torn
/// write (<see cref="TornTail"/>; <see cref="ReadNext"/> returns false); a bad record or header
/// anywhere else is corruption (<see cref="JournalCorruptException"/> naming segment and offset);
/// nothing is skipped.
/// </summary>
/// <remarks>
/// Recovery path (slow path): reading allocates freely. What counts as torn, always in the last
/// segment and after everything valid in it: a segment header cut short whose bytes are the start
/// of a valid header (a crash while the segment was created); a record header cut short; a valid
/// length that runs past the end of the file (only possible within the last
/// <see cref="JournalCodec.MaxRecordBytes"/>); a checksum mismatch on a record followed by nothing
/// or by nothing but zero bytes (a crash mid-write, or pages the OS extended the file with before
/// the data reached them); a zero length followed by nothing but zero bytes. A segment header that
/// is not a header (a zeroed or overwritten segment) is corruption wherever it is: the records it
/// held are gone, and only a person can decide what that means.
/// </remarks>
public sealed class JournalReader : IDisposable
{
    private const string SegmentPattern = "journal-*.orcj";
    private const long NeverTorn = -1;

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

    /// <summary>For a RiskParameters record: the parameters (their allowed-symbols list grows with each RiskAllowedSymbols record that follows).</summary>
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
    /// Reads every record; when the tail is torn, moves the bytes after the last good record aside
    /// into a <c>.torn</c> file next to the segment (<see cref="JournalTornTail.KeptPath"/>) and cuts
    /// the segment there (a segment with nothing good past a torn header is moved aside whole);
    /// returns what was cut, null when the journal was clean. Never deletes journaled bytes. Throws
    /// <see cref="JournalCorruptException"/> on corruption, cutting nothing.
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

        string kept = FreeTornPath(torn.SegmentPath, torn.GoodLength);
        if (torn.GoodLength == 0)
        {
            File.Move(torn.SegmentPath, kept, overwrite: false); // nothing of the segment was valid: keep it whole, aside
            return torn with { KeptPath = kept };
        }

        using (var segment = new FileStream(torn.SegmentPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            using (var aside = new FileStream(kept, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                segment.Position = torn.GoodLength;
                segment.CopyTo(aside);
                aside.Flush(flushToDisk: true);
            }

            segment.SetLength(torn.GoodLength);
            segment.Flush(flushToDisk: true);
        }

        return torn with { KeptPath = kept };
    }

    /// <summary>
    /// <c>{segment}.{offset}.torn</c>, or with a counter when a file of that name exists (a second
    /// crash cut at the same place): a kept tail is never overwritten.
    /// </summary>
    private static string FreeTornPath(string segmentPath, long offset)
    {
        string path = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{segmentPath}.{offset}.torn");
        for (int n = 1; File.Exists(path); n++)
        {
            path = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{segmentPath}.{offset}.{n}.torn");
        }

        return path;
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
                return Bad("record header cut short", tornIfZeroFrom: _fileLength);
            }

            Span<byte> header = stackalloc byte[JournalCodec.RecordHeaderBytes];
            _file!.ReadExactly(header);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < JournalCodec.MinPayloadBytes || length > JournalCodec.MaxPayloadBytes)
            {
                return Bad("impossible record length " + length, tornIfZeroFrom: RecordOffset); // torn only as the start of an all-zero tail
            }

            if (length > remaining - JournalCodec.RecordHeaderBytes)
            {
                return Bad("record length runs past the end of the file", tornIfZeroFrom: remaining <= JournalCodec.MaxRecordBytes ? _fileLength : RecordOffset);
            }

            _payloadLength = (int)length;
            _file.ReadExactly(_payload, 0, _payloadLength);
            _offset += JournalCodec.RecordHeaderBytes + length;
            if (Crc32C.Compute(Payload) != crc)
            {
                return Bad("checksum mismatch", tornIfZeroFrom: _offset); // torn when nothing but zeros follows it (a lost page)
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
            case JournalRecordType.RiskAllowedSymbols:
                // The rest of the list of the RiskParameters record just read: RiskParameters is whole once the next event comes.
                if (!JournalRiskCodec.TryReadContinuation(Payload, out long continued, out string[] names) || RiskParameters is not { } partial || continued != RiskParametersVersion)
                {
                    return false;
                }

                RiskParameters = partial with { Risk = partial.Risk with { AllowedSymbols = [.. partial.Risk.AllowedSymbols, .. names] } };
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
            // Torn only when what is there is the start of a header (a crash while it was written).
            Span<byte> start = header[..(int)_fileLength];
            _file.ReadExactly(start);
            return JournalCodec.IsSegmentHeaderStart(start)
                ? Bad("segment header cut short", tornIfZeroFrom: _fileLength)
                : Bad("bad segment header (magic or version)", tornIfZeroFrom: NeverTorn);
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
            return Bad("bad segment header (magic or version)", tornIfZeroFrom: NeverTorn);
        }

        _offset = JournalCodec.SegmentHeaderBytes;
        if (_fileLength - _offset < JournalCodec.SymbolTablePrefixBytes)
        {
            return Bad("segment header cut short", tornIfZeroFrom: _fileLength);
        }

        Span<byte> prefix = stackalloc byte[JournalCodec.SymbolTablePrefixBytes];
        _file.ReadExactly(prefix);
        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        uint tableCrc = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (tableLength > JournalCodec.MaxSymbolTableBytes)
        {
            return Bad("impossible symbol table length " + tableLength, tornIfZeroFrom: NeverTorn);
        }

        if (tableLength > _fileLength - _offset - JournalCodec.SymbolTablePrefixBytes)
        {
            return Bad("segment header cut short", tornIfZeroFrom: _fileLength);
        }

        byte[] table = new byte[tableLength];
        _file.ReadExactly(table);
        _offset += JournalCodec.SymbolTablePrefixBytes + tableLength;
        string[]? symbols = Crc32C.Compute(table) == tableCrc ? JournalCodec.TryDecodeSymbolTable(table) : null;
        if (symbols is null)
        {
            return Bad("bad symbol table in the segment header", tornIfZeroFrom: NeverTorn);
        }

        SegmentSymbols = symbols;
        _headerLength = _offset;
        return true;
    }

    /// <summary>
    /// A record (or header) at <see cref="RecordOffset"/> is bad: torn when it is in the last
    /// segment and every byte from <paramref name="tornIfZeroFrom"/> to the end of the file is zero
    /// (nothing valid can follow it), corruption otherwise. Returns false (end of reading) or throws.
    /// <see cref="RecordOffset"/> is always past everything valid read so far, so a torn tail never
    /// starts before the last valid record's end.
    /// </summary>
    /// <param name="reason">What was wrong.</param>
    /// <param name="tornIfZeroFrom">The end of the file when the bad bytes run to it by themselves; <see cref="NeverTorn"/> when they cannot be a torn write.</param>
    private bool Bad(string reason, long tornIfZeroFrom)
    {
        bool lastSegment = _segmentIndex == _segments.Length - 1;
        long offset = RecordOffset;
        bool torn = lastSegment && tornIfZeroFrom != NeverTorn && RestIsZero(tornIfZeroFrom);
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
        if (offset >= _fileLength)
        {
            return true;
        }

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
