namespace Orchestrator.Engine.Journal;

/// <summary>
/// The journal's fsync policy: the trade-off between durability and latency.
/// <list type="bullet">
/// <item><see cref="EveryBatch"/>: every batch is on stable storage before the handler returns, so an
/// order caused by an event is sent only after the event survives a power loss; the batch pays one
/// device sync (tens of µs on NVMe with a power-loss-protected cache, ms on consumer disks and
/// network volumes). The ring's batching amortises it: under load a batch holds many events.</item>
/// <item><see cref="IntervalMs"/>: sync at the end of the first batch after N ms; a power loss can lose
/// up to N ms of input (a process crash loses nothing: written bytes are in the page cache).</item>
/// <item><see cref="None"/>: write() only; survives kill -9 and daemon crashes, not a kernel crash or power
/// loss. Lowest latency; fine when the broker is the source of truth and reconciliation repairs the rest.</item>
/// </list>
/// Every policy writes the batch to the file (one write call) at the end of each batch; only the sync differs.
/// </summary>
public readonly record struct JournalFsync
{
    private JournalFsync(JournalFsyncMode mode, int intervalMilliseconds)
    {
        Mode = mode;
        IntervalMilliseconds = intervalMilliseconds;
    }

    /// <summary>fsync after every batch.</summary>
    public static JournalFsync EveryBatch => new(JournalFsyncMode.EveryBatch, 0);

    /// <summary>Never fsync.</summary>
    public static JournalFsync None => new(JournalFsyncMode.None, 0);

    public JournalFsyncMode Mode { get; }

    /// <summary>For <see cref="JournalFsyncMode.Interval"/>: the longest time written bytes may stay unsynced (while batches arrive).</summary>
    public int IntervalMilliseconds { get; }

    /// <summary>The policy as <c>--journal-fsync</c> spells it: <c>batch</c>, <c>none</c> or <c>100ms</c>.</summary>
    public override string ToString() => Mode switch
    {
        JournalFsyncMode.EveryBatch => "batch",
        JournalFsyncMode.None => "none",
        _ => IntervalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms",
    };

    /// <summary>fsync at the end of the first batch at least <paramref name="milliseconds"/> after the previous sync.</summary>
    public static JournalFsync IntervalMs(int milliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(milliseconds);
        return new JournalFsync(JournalFsyncMode.Interval, milliseconds);
    }
}
