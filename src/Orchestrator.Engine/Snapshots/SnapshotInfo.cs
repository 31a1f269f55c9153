namespace Orchestrator.Engine.Snapshots;

/// <summary>A snapshot file: where it is, the journal sequence it covers and that command's event time.</summary>
/// <param name="Path">The file.</param>
/// <param name="CoveredSequence">Journal sequence of the Checkpoint command: the state is the one after that event.</param>
/// <param name="TsEventNs">Event time of the Checkpoint command.</param>
public sealed record SnapshotInfo(string Path, long CoveredSequence, long TsEventNs);

/// <summary>A snapshot recovery did not use, and why (corrupt, other configuration, unreadable).</summary>
public sealed record SnapshotRefusal(string Path, string Reason)
{
    public override string ToString() => Path + ": " + Reason;
}
