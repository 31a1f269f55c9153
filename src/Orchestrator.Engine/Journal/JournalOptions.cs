namespace Orchestrator.Engine.Journal;

/// <summary>Where the journal handler runs in the pipeline (see <see cref="JournalHandler"/>).</summary>
public enum JournalPlacement
{
    /// <summary>
    /// <see cref="Stage"/> when every batch is synced (<see cref="JournalFsync.EveryBatch"/>: the stage
    /// syncs a whole batch at once, where inline every order would wait for a sync of its own);
    /// <see cref="Inline"/> otherwise.
    /// </summary>
    Auto,

    /// <summary>
    /// First handler on the trading thread; the order manager writes the pending records (and syncs
    /// them, as the policy says) just before it releases an order or cancel. No extra thread: on a
    /// small machine the lowest latency — an order pays one write call, ticks none until their batch ends.
    /// </summary>
    Inline,

    /// <summary>A stage of its own thread in front of the trading stages, which see an event only after its batch is written.</summary>
    Stage,
}

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

    /// <summary>Where the journal handler runs; either way an event is written before an order it causes leaves the engine.</summary>
    public JournalPlacement Placement { get; init; } = JournalPlacement.Auto;

    /// <summary>The placement in effect (<see cref="JournalPlacement.Auto"/> resolved against <see cref="Fsync"/>).</summary>
    public JournalPlacement EffectivePlacement => Placement != JournalPlacement.Auto ? Placement
        : Fsync.Mode == JournalFsyncMode.EveryBatch ? JournalPlacement.Stage
        : JournalPlacement.Inline;

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
