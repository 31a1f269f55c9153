namespace Orchestrator.Engine.Audit;

/// <summary>Audit switched off: records are still counted by the trail, never rendered (benchmarks, tests that count only).</summary>
public sealed class NullAuditWriter : IAuditWriter
{
    public static NullAuditWriter Instance { get; } = new();

    public bool IsEnabled => false;

    public void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record)
    {
    }
}
