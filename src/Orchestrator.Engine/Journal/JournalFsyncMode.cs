namespace Orchestrator.Engine.Journal;

/// <summary>When the journal asks the OS to put written bytes on stable storage (see <see cref="JournalFsync"/>).</summary>
public enum JournalFsyncMode : byte
{
    /// <summary>fsync after every batch: nothing acknowledged is lost; the batch pays the device's sync latency.</summary>
    EveryBatch = 0,

    /// <summary>fsync at the end of the first batch after the interval has passed: loses at most that window on power loss.</summary>
    Interval,

    /// <summary>Never fsync: the OS page cache decides; survives a process crash (kill -9), not a power loss.</summary>
    None,
}
