using System.Diagnostics;
using System.Globalization;
using Orchestrator.Core;

namespace Orchestrator.Engine.Journal;

/// <summary>
/// Appends records to rolling segment files <c>journal-{firstSequence:D20}.orcj</c> in one
/// directory. Records gather in a pre-allocated buffer; <see cref="Flush"/> (called by the
/// handler at the end of each batch) writes them with one write call and syncs per the
/// <see cref="JournalFsync"/> policy. Never overwrites: a segment is created new, so a restart
/// must continue at a sequence past the existing ones (<see cref="JournalReader.NextSequence"/>).
/// </summary>
/// <remarks>
/// Single-threaded: one writer thread (the journal handler's). Steady state allocates nothing:
/// the buffer and file are reused, and a roll (one new file per segment) is the only allocation.
/// </remarks>
public sealed class JournalWriter : IDisposable
{
    private readonly string _directory;
    private readonly long _segmentSizeBytes;
    private readonly JournalFsync _fsync;
    private readonly long _fsyncIntervalTicks;
    private readonly byte[] _buffer;
    private readonly byte[] _header; // fixed header + symbol table, first sequence patched per segment
    private FileStream? _segment;
    private int _buffered;
    private long _segmentBytes;    // header + records written or buffered in the current segment
    private bool _segmentHasRecords;
    private bool _unsynced;
    private long _lastSyncTimestamp;

    /// <param name="directory">The journal directory (created if missing).</param>
    /// <param name="options">Segment size, buffer, fsync policy.</param>
    /// <param name="symbols">The symbol table (names in id order) written at the start of every segment, so each segment can be checked on its own against a configuration; null = none recorded.</param>
    public JournalWriter(string directory, JournalOptions options, IReadOnlyList<string>? symbols = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _directory = directory;
        _segmentSizeBytes = options.SegmentSizeBytes;
        _fsync = options.Fsync;
        _fsyncIntervalTicks = (long)options.Fsync.IntervalMilliseconds * Stopwatch.Frequency / 1000;
        _buffer = GC.AllocateUninitializedArray<byte>(options.BufferSizeBytes, pinned: true);
        byte[] table = JournalCodec.EncodeSymbolTable(symbols ?? []);
        if (table.Length > JournalCodec.MaxSymbolTableBytes || JournalCodec.SegmentHeaderBytes + table.Length + JournalCodec.MaxRecordBytes > options.SegmentSizeBytes)
        {
            throw new ArgumentException($"The symbol table ({table.Length} bytes) does not fit a segment of {options.SegmentSizeBytes} bytes.", nameof(symbols));
        }

        _header = new byte[JournalCodec.SegmentHeaderBytes + table.Length];
        table.CopyTo(_header.AsSpan(JournalCodec.SegmentHeaderBytes));
        Directory.CreateDirectory(directory);
        _lastSyncTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Incremented each time a segment is opened (the first one included); lets a caller restate per-segment context.</summary>
    public int Generation { get; private set; }

    /// <summary>Path of the segment being written; null before the first record.</summary>
    public string? CurrentSegmentPath => _segment?.Name;

    /// <summary>Records appended since construction.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Number of fsync calls made.</summary>
    public long Syncs { get; private set; }

    /// <summary>
    /// Makes sure the next <paramref name="bytes"/> of records go into one segment: opens the first
    /// segment, or rolls to a new one starting at <paramref name="sequence"/> when they would take
    /// the current one past its size. Records appended afterwards up to that size do not roll.
    /// </summary>
    public void Reserve(long sequence, int bytes)
    {
        if (_segment is null || (_segmentHasRecords && _segmentBytes + bytes > _segmentSizeBytes))
        {
            Roll(sequence);
        }

        if (_buffered + bytes > _buffer.Length)
        {
            WriteBuffer();
        }
    }

    /// <summary>Appends the input fields of <paramref name="e"/> as one record.</summary>
    public void AppendEvent(in EngineEvent e, long sequence)
    {
        Reserve(sequence, JournalCodec.MaxEventRecordBytes);
        Commit(JournalCodec.WriteEvent(_buffer.AsSpan(_buffered), e, sequence));
    }

    /// <summary>Appends an interned text (cut to <see cref="JournalCodec.MaxTextBytes"/> UTF-8 bytes) as one record.</summary>
    public void AppendText(JournalTextTable table, int id, ReadOnlySpan<char> text, long sequence)
    {
        Reserve(sequence, JournalCodec.MaxRecordBytes);
        Commit(JournalCodec.WriteText(_buffer.AsSpan(_buffered), table, id, text, sequence));
    }

    /// <summary>
    /// Appends the contents of a staged risk change (<see cref="JournalRiskCodec"/>): one record, or
    /// more when its allowed-symbols list is longer than one record holds, all in one segment.
    /// </summary>
    public void AppendRiskParameters(Options.RiskParameters parameters, long version, long sequence)
    {
        int count = parameters.Risk.AllowedSymbols.Count;
        Reserve(sequence, JournalRiskCodec.RecordBytes(parameters));
        int nextName = 0;
        do
        {
            if (_buffered + JournalCodec.MaxRecordBytes > _buffer.Length)
            {
                WriteBuffer();
            }

            Commit(JournalRiskCodec.Write(_buffer.AsSpan(_buffered), parameters, version, sequence, ref nextName));
        }
        while (nextName < count);
    }

    /// <summary>End of a batch: writes buffered records to the file and fsyncs as the policy says.</summary>
    public void Flush()
    {
        WriteBuffer();
        if (!_unsynced || _segment is null)
        {
            return;
        }

        switch (_fsync.Mode)
        {
            case JournalFsyncMode.EveryBatch:
                Sync();
                break;
            case JournalFsyncMode.Interval:
                if (Stopwatch.GetTimestamp() - _lastSyncTimestamp >= _fsyncIntervalTicks)
                {
                    Sync();
                }

                break;
        }
    }

    /// <summary>Writes and fsyncs whatever is pending, whatever the policy (shutdown, before a snapshot).</summary>
    public void FlushAndSync()
    {
        WriteBuffer();
        if (_unsynced && _segment is not null)
        {
            Sync();
        }
    }

    /// <summary>Writes, syncs and closes the current segment.</summary>
    public void Dispose()
    {
        if (_segment is null)
        {
            return;
        }

        FlushAndSync();
        _segment.Dispose();
        _segment = null;
    }

    /// <summary>The file name of the segment whose first record has <paramref name="firstSequence"/>.</summary>
    public static string SegmentFileName(long firstSequence) =>
        string.Create(CultureInfo.InvariantCulture, $"journal-{firstSequence:D20}.orcj");

    private void Commit(int recordBytes)
    {
        _buffered += recordBytes;
        _segmentBytes += recordBytes;
        _segmentHasRecords = true;
        RecordsWritten++;
    }

    private void WriteBuffer()
    {
        if (_buffered == 0 || _segment is null)
        {
            return;
        }

        _segment.Write(_buffer, 0, _buffered);
        _buffered = 0;
        _unsynced = true;
    }

    private void Sync()
    {
        _segment!.Flush(flushToDisk: true);
        _unsynced = false;
        _lastSyncTimestamp = Stopwatch.GetTimestamp();
        Syncs++;
    }

    // Rare: once per segment. Unless the policy is None, the finished segment is synced before the
    // next one is opened so a later segment never reaches the disk ahead of an earlier one's bytes
    // (under None a sync here could stall the fast path on up to a whole segment of page cache).
    private void Roll(long firstSequence)
    {
        if (_segment is not null)
        {
            if (_fsync.Mode == JournalFsyncMode.None)
            {
                WriteBuffer();
            }
            else
            {
                FlushAndSync();
            }

            _segment.Dispose();
        }

        // A segment that holds no record (a crash right after a roll) is the only file replaced;
        // any other existing segment makes CreateNew throw rather than overwrite journaled input.
        string path = Path.Combine(_directory, SegmentFileName(firstSequence));
        bool emptySegment = File.Exists(path) && new FileInfo(path).Length <= _header.Length;
        _segment = new FileStream(path, emptySegment ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.None);
        JournalCodec.WriteSegmentHeader(_header, firstSequence);
        _segment.Write(_header);
        _segmentBytes = _header.Length;
        _segmentHasRecords = false;
        _unsynced = true;
        Generation++;
    }
}
