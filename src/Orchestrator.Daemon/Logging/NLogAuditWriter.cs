using System.Text;
using NLog;
using NLog.Config;
using NLog.Targets.Wrappers;
using Orchestrator.Agents.Alerts;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// Audit lines as the logger "Orchestrator" (shown as [ORCHESTRATOR]), routed by the NLog
/// configuration but rendered and written without NLog, so the audit thread allocates nothing per
/// record (issue 16). For each level, the rules that match the logger "Orchestrator" name the
/// targets; of those, the daemon's own <see cref="OrchestratorFileTarget"/>s and
/// <see cref="OrchestratorConsoleTarget"/>s get the line as bytes: a human line
/// (<see cref="LogSetup.HumanLayout"/>'s form) or, where the target's layout is a JSON layout, a JSON
/// line with NLog's JSON layout's fields (<c>time</c>, <c>level</c>, <c>logger</c>, <c>message</c>)
/// and the record's facts (<c>audit</c>, <c>client_order_id</c>, <c>event</c> — snake case of the
/// kind —, <c>symbol</c>, <c>side</c>, <c>qty</c>, <c>price</c>, <c>order_id</c>, <c>reason</c>,
/// <c>agent</c> — the source's name — and <c>signal_id</c> when the record has them, <c>ts_event</c>). Other target types and rule filters do not see audit lines (a warning names such
/// targets once per configuration). Lines are buffered
/// and written at the end of each batch. Runs on the audit thread. Critical ones (kill switch
/// engaged, order status unknown…) also become CRITICAL alerts once <see cref="Alerts"/> is set.
/// </summary>
public sealed class NLogAuditWriter : IAuditWriter
{
    public const string LoggerName = "Orchestrator";

    private static readonly string[] s_eventNames = BuildEventNames();
    private static readonly byte[][] s_eventNamesUtf8 = [.. s_eventNames.Select(Encoding.UTF8.GetBytes)];

    private readonly LogFactory _factory;
    private readonly Utf8LineBuffer _human = new();
    private readonly Utf8LineBuffer _json = new();
    private readonly byte[] _humanStamp = new byte[22]; // "[yyyy-MM-dd HH:mm:ss] "
    private long _humanStampSecond = -1;
    private IAuditLineSink[][] _routes = [[], [], []];
    private IAuditLineSink[] _sinks = [];
    private int _routedVersion = -1;
    private SymbolTable? _symbols;
    private TextInterner? _sources;
    private IAuditObserver? _observer;
    private AlertService? _alerts;

    /// <param name="factory">The NLog whose configuration routes the lines (default: the process's).</param>
    public NLogAuditWriter(LogFactory? factory = null)
    {
        _factory = factory ?? LogManager.LogFactory;
        LogSetup.WatchRouting(_factory);
    }

    /// <summary>The engine's symbols and sources, to name them in the JSON fields (set once the engine exists).</summary>
    public void Bind(SymbolTable symbols, TextInterner? sources = null)
    {
        Volatile.Write(ref _sources, sources);
        Volatile.Write(ref _symbols, symbols);
    }

    /// <summary>Sees every record after it is logged (the dashboard's latest signals); null = none.</summary>
    public IAuditObserver? Observer
    {
        get => Volatile.Read(ref _observer);
        set => Volatile.Write(ref _observer, value);
    }

    /// <summary>The alert service Critical audit lines go to (null: the log only). Set from another thread than the audit thread.</summary>
    public AlertService? Alerts
    {
        // Volatile: the audit thread sees the service once it is published, fully constructed.
        get => Volatile.Read(ref _alerts);
        set => Volatile.Write(ref _alerts, value);
    }

    public void Write(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record)
    {
        // A reconfiguration (another thread) is seen at the next record.
        if (LogSetup.RoutingVersion != _routedVersion)
        {
            Route();
        }

        IAuditLineSink[] sinks = _routes[(int)level];
        bool humanReady = false, jsonReady = false;
        for (int i = 0; i < sinks.Length; i++)
        {
            IAuditLineSink sink = sinks[i];
            if (sink.TakesJson)
            {
                if (!jsonReady)
                {
                    RenderJson(level, message, record, Volatile.Read(ref _symbols), _json, sources: Volatile.Read(ref _sources));
                    jsonReady = true;
                }

                sink.AppendLine(_json.Written);
            }
            else
            {
                if (!humanReady)
                {
                    RenderHuman(level, message);
                    humanReady = true;
                }

                sink.AppendLine(_human.Written);
            }
        }

        if (level == AuditLevel.Critical && Alerts is { } alerts)
        {
            Alert(alerts, message, record);
        }

        Volatile.Read(ref _observer)?.Observe(record);
    }

    public void Flush()
    {
        IAuditLineSink[] sinks = _sinks;
        for (int i = 0; i < sinks.Length; i++)
        {
            sinks[i].FlushLines();
        }
    }

    /// <summary>The JSON line of one record, newline included: NLog's JSON layout's fields, then the record's.</summary>
    internal static void RenderJson(AuditLevel level, ReadOnlySpan<byte> message, in AuditRecord record, SymbolTable? symbols, Utf8LineBuffer line, DateTime? utcTime = null, TextInterner? sources = null)
    {
        line.Clear();
        line.Append("{\"time\":\""u8);
        Span<byte> time = stackalloc byte[40];
        (utcTime ?? DateTime.UtcNow).TryFormat(time, out int timeLength, "O", System.Globalization.CultureInfo.InvariantCulture);
        line.Append(time[..timeLength]);
        line.Append("\",\"level\":\""u8);
        line.Append(LevelName(level));
        line.Append("\",\"logger\":\""u8);
        line.Append("Orchestrator"u8);
        line.Append("\",\"message\":\""u8);
        line.AppendJsonEscaped(message);
        line.Append("\",\"audit\":\""u8);
        line.Append(Utf8EnumNames<AuditKind>.Get(record.Kind));
        line.Append((byte)'"');
        if (record.ClientOrderId != 0)
        {
            line.Append(",\"client_order_id\":"u8);
            line.Append(record.ClientOrderId);
        }

        line.Append(",\"event\":\""u8);
        line.Append(EventNameUtf8(record.Kind));
        line.Append((byte)'"');
        if (symbols is not null && record.Kind is not (AuditKind.KillSwitchEngaged or AuditKind.KillSwitchReleased or AuditKind.CancelAllRequested or AuditKind.RiskParametersApplied or AuditKind.DayStarted or AuditKind.IllegalReport))
        {
            line.Append(",\"symbol\":\""u8);
            line.AppendJsonEscaped(symbols.GetName(record.SymbolId));
            line.Append((byte)'"');
        }

        if (record.Side != Side.None)
        {
            line.Append(",\"side\":\""u8);
            line.Append(record.Side == Side.Buy ? "BUY"u8 : "SELL"u8);
            line.Append((byte)'"');
        }

        if (record.Quantity != 0 && record.Kind != AuditKind.CancelAllRequested)
        {
            line.Append(",\"qty\":"u8);
            line.Append(record.Quantity);
        }

        if (record.PriceRaw != 0)
        {
            line.Append(",\"price\":"u8);
            int start = line.Length;
            line.Append(FixedPoint.ToDecimal(record.PriceRaw), default); // the decimal, as NLog wrote it:
            if (line.Written[start..].IndexOfAny((byte)'.', (byte)'E') < 0)
            {
                line.Append(".0"u8); // a whole number still reads as a decimal
            }
        }

        if (record.ClientOrderId != 0)
        {
            line.Append(",\"order_id\":"u8);
            line.Append(record.ClientOrderId);
        }

        if (record.Reason != RejectReason.None)
        {
            line.Append(",\"reason\":\""u8);
            line.Append(Utf8EnumNames<RejectReason>.Get(record.Reason));
            line.Append((byte)'"');
        }

        if (sources is not null && record.SourceId != 0 && sources.Get(record.SourceId) is { Length: > 0 } agent)
        {
            line.Append(",\"agent\":\""u8);
            line.AppendJsonEscaped(agent);
            line.Append((byte)'"');
        }

        if (record.SignalId != 0)
        {
            line.Append(",\"signal_id\":"u8);
            line.Append(record.SignalId);
        }

        if (record.TsEventNs != 0)
        {
            line.Append(",\"ts_event\":"u8);
            line.Append(record.TsEventNs);
        }

        line.Append("}\n"u8);
    }

    /// <summary>The human line, newline included: <c>[2025-09-26 10:30:15] [ORCHESTRATOR] [INFO] message</c> (local time).</summary>
    internal static void RenderHuman(AuditLevel level, ReadOnlySpan<byte> message, DateTime localTime, Utf8LineBuffer line)
    {
        Span<byte> stamp = stackalloc byte[22];
        Stamp(localTime, stamp);
        AppendHuman(level, message, stamp, line);
    }

    /// <summary>The human line at the current time; the stamp is rendered once a second.</summary>
    private void RenderHuman(AuditLevel level, ReadOnlySpan<byte> message)
    {
        DateTime now = DateTime.Now;
        long second = now.Ticks / TimeSpan.TicksPerSecond;
        if (second != _humanStampSecond)
        {
            Stamp(now, _humanStamp);
            _humanStampSecond = second;
        }

        AppendHuman(level, message, _humanStamp, _human);
    }

    private static void AppendHuman(AuditLevel level, ReadOnlySpan<byte> message, ReadOnlySpan<byte> stamp, Utf8LineBuffer line)
    {
        line.Clear();
        line.Append(stamp);
        line.Append("[ORCHESTRATOR] ["u8);
        line.Append(LevelName(level));
        line.Append("] "u8);
        line.Append(message);
        line.Append((byte)'\n');
    }

    /// <summary>"[yyyy-MM-dd HH:mm:ss] " into 22 bytes.</summary>
    private static void Stamp(DateTime time, Span<byte> stamp)
    {
        time.TryFormat(stamp, out _, "[yyyy-MM-dd HH:mm:ss] ", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ReadOnlySpan<byte> LevelName(AuditLevel level) => level switch
    {
        AuditLevel.Critical => "CRITICAL"u8,
        AuditLevel.Warning => "WARNING"u8,
        _ => "INFO"u8,
    };

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Alert(AlertService alerts, ReadOnlySpan<byte> message, in AuditRecord record)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["audit"] = record.Kind.ToString() };
        if (record.ClientOrderId != 0)
        {
            fields["client_order_id"] = record.ClientOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        alerts.Alert(AlertSeverity.Critical, "engine", "audit:" + record.Kind, Encoding.UTF8.GetString(message), fields);
    }

    /// <summary>
    /// Which of the daemon's targets take audit lines at each level, from the current NLog rules
    /// (rare: at start, on reconfiguration, when the dashboard takes or gives back the console).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Route()
    {
        _routedVersion = LogSetup.RoutingVersion;
        Flush(); // what went to the old routes goes out before they change
        LoggingConfiguration? config = _factory.Configuration;
        LogLevel[] levels = [LogLevel.Info, LogLevel.Warn, LogLevel.Fatal]; // AuditLevel order
        var routes = new IAuditLineSink[levels.Length][];
        var all = new List<IAuditLineSink>();
        var skipped = new List<string>();
        for (int l = 0; l < levels.Length; l++)
        {
            var sinks = new List<IAuditLineSink>();
            foreach (LoggingRule rule in config?.LoggingRules ?? [])
            {
                if (!rule.NameMatches(LoggerName) || !rule.IsLoggingEnabledForLevel(levels[l]))
                {
                    continue;
                }

                foreach (NLog.Targets.Target target in rule.Targets)
                {
                    if (Unwrap(target) is { } sink)
                    {
                        if (!sinks.Contains(sink))
                        {
                            sinks.Add(sink);
                        }
                    }
                    else if (!skipped.Contains(target.Name))
                    {
                        skipped.Add(target.Name);
                    }
                }

                if (rule.Final)
                {
                    break;
                }
            }

            routes[l] = [.. sinks];
            all.AddRange(sinks.Where(s => !all.Contains(s)));
        }

        _routes = routes;
        _sinks = [.. all];
        if (skipped.Count > 0)
        {
            // An older or hand-written NLog.config: say where the audit lines are not going, once per configuration.
            _factory.GetLogger(LoggerName + ".Logging").Warn(
                "Audit lines are written only to OrchestratorFile and OrchestratorConsole targets; the NLog configuration also names {0} for the logger {1}, which get no audit lines (see config/README.md)",
                string.Join(", ", skipped), LoggerName);
        }
    }

    private static IAuditLineSink? Unwrap(NLog.Targets.Target target) => target switch
    {
        IAuditLineSink sink => sink,
        WrapperTargetBase { WrappedTarget: { } inner } => Unwrap(inner),
        _ => null,
    };

    /// <summary>order_filled, risk_rejected, rule_signal, ...</summary>
    public static string EventName(AuditKind kind) => (uint)kind < (uint)s_eventNames.Length ? s_eventNames[(int)kind] : "audit";

    private static ReadOnlySpan<byte> EventNameUtf8(AuditKind kind) => (uint)kind < (uint)s_eventNamesUtf8.Length ? s_eventNamesUtf8[(int)kind] : "audit"u8;

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
        var text = new StringBuilder(name.Length + 4);
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
