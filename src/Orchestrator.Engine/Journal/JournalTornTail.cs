namespace Orchestrator.Engine.Journal;

/// <summary>
/// The last record of the last segment is incomplete or fails its checksum, with nothing but zeros
/// after it: the write that a crash interrupted. Everything before <see cref="GoodLength"/> is
/// intact; cutting the file there (<see cref="JournalReader.TruncateTornTail"/>, which keeps the cut
/// bytes in <see cref="KeptPath"/>) leaves a clean journal.
/// </summary>
/// <param name="SegmentPath">The last segment.</param>
/// <param name="GoodLength">Bytes of the segment that are intact: the offset of the torn record (0 when the segment header itself is torn).</param>
/// <param name="FileLength">The segment's length as found.</param>
/// <param name="Reason">What was wrong with the tail.</param>
public sealed record JournalTornTail(string SegmentPath, long GoodLength, long FileLength, string Reason)
{
    /// <summary>Bytes after the last good record.</summary>
    public long BytesCut => FileLength - GoodLength;

    /// <summary>Bytes of the segment's header (fixed part and symbol table); 0 when the header itself is torn.</summary>
    public long HeaderLength { get; init; }

    /// <summary>Where the cut bytes were kept (<c>{segment}.{GoodLength}.torn</c>); null until <see cref="JournalReader.TruncateTornTail"/> cut them.</summary>
    public string? KeptPath { get; init; }
}
