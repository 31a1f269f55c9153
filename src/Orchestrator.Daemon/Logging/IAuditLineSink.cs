namespace Orchestrator.Daemon.Logging;

/// <summary>
/// A place audit lines are written to as bytes by the audit thread, shared with NLog's own lines for
/// the same place (one writer per file or stream, so lines never interleave). Implemented by the
/// daemon's NLog targets <see cref="OrchestratorFileTarget"/> and <see cref="OrchestratorConsoleTarget"/>.
/// </summary>
public interface IAuditLineSink
{
    /// <summary>True: this place takes JSON lines (its layout is a JSON layout); false: human lines.</summary>
    bool TakesJson { get; }

    /// <summary>Appends one whole UTF-8 line (its newline included); buffered until <see cref="FlushLines"/>.</summary>
    void AppendLine(ReadOnlySpan<byte> line);

    void FlushLines();
}
