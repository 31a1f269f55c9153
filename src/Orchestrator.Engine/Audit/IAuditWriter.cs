namespace Orchestrator.Engine.Audit;

/// <summary>Severity of an audit line.</summary>
public enum AuditLevel
{
    Info,
    Warning,
    Critical,
}

/// <summary>Where rendered audit lines go (the daemon: NLog). Called on the audit thread only.</summary>
public interface IAuditWriter
{
    /// <summary>False to skip rendering altogether (benchmarks, tests that count only).</summary>
    bool IsEnabled => true;

    void Write(AuditLevel level, string message, in AuditRecord record);
}
