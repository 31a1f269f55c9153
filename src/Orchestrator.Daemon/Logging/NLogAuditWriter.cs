using NLog;
using Orchestrator.Agents.Alerts;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// Audit lines to NLog under the logger "Orchestrator" (shown as [ORCHESTRATOR]), with the
/// record's facts as event properties so the JSON-lines log carries them as fields: <c>event</c>
/// (snake case of the kind), <c>symbol</c>, <c>side</c>, <c>qty</c>, <c>price</c>,
/// <c>order_id</c>, <c>reason</c>, <c>ts_event</c>. Runs on the audit thread. Critical ones
/// (kill switch engaged, order status unknown…) also become CRITICAL alerts once <see cref="Alerts"/> is set.
/// </summary>
public sealed class NLogAuditWriter : IAuditWriter
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");
    private static readonly string[] s_eventNames = BuildEventNames();

    private SymbolTable? _symbols;
    private IAuditObserver? _observer;

    /// <summary>The engine's symbols, to name them in the JSON fields (set once the engine exists).</summary>
    public void Bind(SymbolTable symbols) => Volatile.Write(ref _symbols, symbols);

    /// <summary>Sees every record after it is logged (the dashboard's latest signals); null = none.</summary>
    public IAuditObserver? Observer
    {
        get => Volatile.Read(ref _observer);
        set => Volatile.Write(ref _observer, value);
    }

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

        AddFields(info, record, Volatile.Read(ref _symbols));
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

        Volatile.Read(ref _observer)?.Observe(record);
    }

    /// <summary>The structured fields of one record (those that apply to its kind).</summary>
    internal static void AddFields(LogEventInfo info, in AuditRecord record, SymbolTable? symbols)
    {
        info.Properties["event"] = EventName(record.Kind);
        if (symbols is not null && record.Kind is not (AuditKind.KillSwitchEngaged or AuditKind.KillSwitchReleased or AuditKind.CancelAllRequested or AuditKind.RiskParametersApplied or AuditKind.DayStarted or AuditKind.IllegalReport))
        {
            info.Properties["symbol"] = symbols.GetName(record.SymbolId);
        }

        if (record.Side != Side.None)
        {
            info.Properties["side"] = record.Side == Side.Buy ? "BUY" : "SELL";
        }

        if (record.Quantity != 0 && record.Kind != AuditKind.CancelAllRequested)
        {
            info.Properties["qty"] = record.Quantity;
        }

        if (record.PriceRaw != 0)
        {
            info.Properties["price"] = FixedPoint.ToDecimal(record.PriceRaw);
        }

        if (record.ClientOrderId != 0)
        {
            info.Properties["order_id"] = record.ClientOrderId;
        }

        if (record.Reason != RejectReason.None)
        {
            info.Properties["reason"] = record.Reason.ToString();
        }

        if (record.TsEventNs != 0)
        {
            info.Properties["ts_event"] = record.TsEventNs;
        }
    }

    /// <summary>order_filled, risk_rejected, rule_signal, ...</summary>
    public static string EventName(AuditKind kind) => (uint)kind < (uint)s_eventNames.Length ? s_eventNames[(int)kind] : "audit";

    private static string[] BuildEventNames()
    {
        AuditKind[] kinds = Enum.GetValues<AuditKind>();
        var names = new string[(int)kinds.Max() + 1];
        foreach (AuditKind kind in kinds)
        {
            names[(int)kind] = SnakeCase(kind.ToString());
        }

        return names;
    }

    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}

/// <summary>Sees audit records on the audit thread, after they are logged. Must be quick and never throw.</summary>
public interface IAuditObserver
{
    void Observe(in AuditRecord record);
}
