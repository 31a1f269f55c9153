namespace Orchestrator.Engine.Journal;

/// <summary>Settings of the journal writer and handler.</summary>
public sealed record JournalOptions
{
    /// <summary>Default segment size: 256 MiB.</summary>
    public const long DefaultSegmentSizeBytes = 256L * 1024 * 1024;

    /// <summary>A segment is closed and the next one started once a record would take it past this size.</summary>
    public long SegmentSizeBytes { get; init; } = DefaultSegmentSizeBytes;

    /// <summary>
    /// Size of the pre-allocated write buffer. A batch is written with one write call when it fits;
    /// a larger batch is written in buffer-sized pieces. At least <see cref="JournalCodec.MaxRecordBytes"/>.
    /// </summary>
    public int BufferSizeBytes { get; init; } = 1024 * 1024;

    /// <summary>When to fsync; see <see cref="JournalFsync"/> for the trade-off.</summary>
    public JournalFsync Fsync { get; init; } = JournalFsync.EveryBatch;

    /// <summary>
    /// Whether trade ticks, quote ticks and bars are journaled. Off shrinks the journal by the
    /// market-data volume, but replay then cannot rebuild indicator state from the journal alone.
    /// Signals, execution reports, commands and timers are always journaled.
    /// </summary>
    public bool IncludeMarketData { get; init; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentSizeBytes, JournalCodec.SegmentHeaderBytes + JournalCodec.MaxRecordBytes, nameof(SegmentSizeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSizeBytes, JournalCodec.MaxRecordBytes, nameof(BufferSizeBytes));
    }
}
