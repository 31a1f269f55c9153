using NLog;
using Orchestrator.Agents.Alerts;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// Audit lines to NLog under the logger "Orchestrator" (shown as [ORCHESTRATOR]); Critical ones
/// (kill switch engaged, order status unknown…) also become CRITICAL alerts once <see cref="Alerts"/> is set.
/// </summary>
public sealed class NLogAuditWriter : IAuditWriter
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");

    private AlertService? _alerts;

    /// <summary>The alert service Critical audit lines go to (null: the log only). Set from another thread than the audit thread.</summary>
    public AlertService? Alerts
    {
        // Volatile: the audit thread sees the service once it is published, fully constructed.
        get => Volatile.Read(ref _alerts);
        set => Volatile.Write(ref _alerts, value);
    }

    public void Write(AuditLevel level, string message, in AuditRecord record)
    {
        LogLevel nlogLevel = level switch
        {
            AuditLevel.Critical => LogLevel.Fatal,
            AuditLevel.Warning => LogLevel.Warn,
            _ => LogLevel.Info,
        };
        var info = LogEventInfo.Create(nlogLevel, s_logger.Name, message);
        info.Properties["audit"] = record.Kind.ToString();
        if (record.ClientOrderId != 0)
        {
            info.Properties["client_order_id"] = record.ClientOrderId;
        }

        s_logger.Log(info);
        if (level == AuditLevel.Critical && Alerts is { } alerts)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["audit"] = record.Kind.ToString() };
            if (record.ClientOrderId != 0)
            {
                fields["client_order_id"] = record.ClientOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            alerts.Alert(AlertSeverity.Critical, "engine", "audit:" + record.Kind, message, fields);
        }
    }
}
