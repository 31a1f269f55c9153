namespace Orchestrator.Engine.Journal;

/// <summary>
/// A journal record failed its checksum or could not be decoded somewhere other than the tail
/// of the last segment: the journal is damaged, not torn. Recovery must stop and a person decide;
/// the reader never skips a record.
/// </summary>
public sealed class JournalCorruptException : IOException
{
    public JournalCorruptException()
    {
        SegmentPath = string.Empty;
    }

    public JournalCorruptException(string message)
        : base(message)
    {
        SegmentPath = string.Empty;
    }

    public JournalCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
        SegmentPath = string.Empty;
    }

    public JournalCorruptException(string segmentPath, long offset, string reason)
        : base($"Journal corrupt: {reason} in segment '{segmentPath}' at offset {offset}; the records after it are not read.")
    {
        SegmentPath = segmentPath;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The segment file holding the bad record.</summary>
    public string SegmentPath { get; }

    /// <summary>Byte offset of the bad record's length field in the segment.</summary>
    public long Offset { get; }

    /// <summary>What was wrong (checksum mismatch, impossible length, undecodable payload, bad header).</summary>
    public string? Reason { get; }
}
