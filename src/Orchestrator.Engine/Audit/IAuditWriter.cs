namespace Orchestrator.Engine.Audit;

/// <summary>Severity of an audit line.</summary>
public enum AuditLevel
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// Where rendered audit lines go (the daemon: its log files and console). Called on the audit thread
/// only, one record at a time, then <see cref="Flush"/> at the end of each batch the ring hands over.
/// </summary>
public interface IAuditWriter
{
    /// <summary>False to skip rendering altogether (benchmarks, tests that count only).</summary>
    bool IsEnabled => true;

    /// <summary>
    /// One record; <paramref name="message"/> is its UTF-8 message (no level, no newline), valid only
    /// during the call. Must not allocate per record at full rate (issue 16: a GC stops the engine too).
    /// </summary>
    void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record);

    /// <summary>End of a batch: push what was written out (the files, the console).</summary>
    void Flush()
    {
    }
}
