namespace Orchestrator.Agents.Alerts;

/// <summary>How urgent an alert is. <see cref="Critical"/> is written to the log at NLog's Fatal level (shown as CRITICAL).</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}
