using NLog;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Logging;

/// <summary>Audit lines to NLog under the logger "Orchestrator" (shown as [ORCHESTRATOR]).</summary>
public sealed class NLogAuditWriter : IAuditWriter
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");

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
    }
}
