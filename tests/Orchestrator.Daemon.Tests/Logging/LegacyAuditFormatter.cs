using System.Globalization;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Tests.Logging;

/// <summary>
/// The audit formatter as it was before issue 16 (strings per record), kept as the oracle the UTF-8 renderer is compared with byte for byte;
/// issue 17 added the attribution (<c>[signal N] from NAME</c>) to signal, refusal, order and fill lines; issue 19 the amend, order-group and held-stop lines.
/// </summary>
internal sealed class LegacyAuditFormatter(SymbolTable symbols, TextInterner sources, TextInterner reasons, string currencySymbol = "$")
{
    public (AuditLevel Level, string Message) Format(in AuditRecord r)
    {
        string symbol = symbols.GetName(r.SymbolId);
        string side = SideText(r.Side);
        return r.Kind switch
        {
            AuditKind.SignalReceived => (AuditLevel.Info, Invariant($"Signal received: {symbol} {side} (confidence: {Confidence(r.ConfidencePpm)}){SignalSuffix(r.SignalId)} from {SourceText(r.SourceId)}{ReasonSuffix(r.ReasonTextId)}")),
            AuditKind.RuleSignal => (AuditLevel.Info, Invariant($"Signal generated: {symbol} {side} by the {RuleText(r.Value)} rule (confidence: {Confidence(r.ConfidencePpm)}) at {Money(r.PriceRaw)}")),
            AuditKind.ProtectiveExit => (AuditLevel.Warning, Invariant($"Protective exit: {symbol} {OriginText(r.Origin)} triggered at {Money(r.PriceRaw)}, closing {side}")),
            // A rule's exit signal with nothing to exit is routine, not a warning for the operator.
            AuditKind.RiskRejected => (r.Reason == RejectReason.NoPosition && r.Origin == IntentOrigin.Rule ? AuditLevel.Info : AuditLevel.Warning,
                Invariant($"Risk check failed: {symbol} {side} rejected ({r.Reason}){Attribution(r)}")),
            AuditKind.RiskPassed => (AuditLevel.Info, Invariant($"Risk check passed: position size {Percent(r.Value)} ({symbol} {side} {r.Quantity} shares)")),
            AuditKind.OrderSubmitted => (AuditLevel.Info, Invariant($"Order submitted: {symbol} {r.Quantity} shares {side} {OrderTypeText(r.OrderType)}{LimitSuffix(r.PriceRaw)} (id {r.ClientOrderId}, {OriginText(r.Origin)}){Attribution(r)}")),
            AuditKind.OrderAccepted => (AuditLevel.Info, Invariant($"Order accepted: id {r.ClientOrderId} {symbol}")),
            AuditKind.OrderPartiallyFilled => (AuditLevel.Info, Invariant($"Order partially filled: {symbol} {r.Quantity} shares {side} @ {Money(r.PriceRaw)} ({r.Value} left, id {r.ClientOrderId}){Attribution(r)}")),
            AuditKind.OrderFilled => (AuditLevel.Info, Invariant($"Order filled: {symbol} {r.Quantity} shares {side} @ {Money(r.PriceRaw)} (id {r.ClientOrderId}){Attribution(r)}")),
            AuditKind.OrderCanceled => (AuditLevel.Info, Invariant($"Order canceled: id {r.ClientOrderId} {symbol}")),
            AuditKind.OrderRejected => (AuditLevel.Warning, Invariant($"Order rejected by broker: id {r.ClientOrderId} {symbol} {side} ({r.Reason})")),
            AuditKind.OrderExpired => (AuditLevel.Info, Invariant($"Order expired: id {r.ClientOrderId} {symbol}")),
            AuditKind.OrderStatusUnknown => (AuditLevel.Critical, Invariant($"Order status unknown: id {r.ClientOrderId} {symbol} {side} {r.Value} shares; the venue did not confirm it: new orders in {symbol} paused until reconciliation settles it")),
            AuditKind.IllegalReport => (AuditLevel.Warning, Invariant($"Execution report ignored: id {r.ClientOrderId} cannot move from its current state")),
            AuditKind.KillSwitchEngaged => (AuditLevel.Critical, "Kill switch engaged: new orders blocked, open orders canceled"),
            AuditKind.KillSwitchReleased => (AuditLevel.Warning, "Kill switch released: trading resumes"),
            AuditKind.CancelAllRequested => (r.Quantity > 0 ? AuditLevel.Warning : AuditLevel.Info, Invariant($"Cancel all: {r.Quantity} open orders")),
            AuditKind.RiskParametersApplied => (AuditLevel.Warning, Invariant($"Risk parameters updated (version {r.Value}): new limits in force from the next event")),
            AuditKind.DayStarted => (AuditLevel.Info, Invariant($"Trading day started: start-of-day equity {Money(r.Value)}")),
            // Issue 18: consolidation's records (written with the UTF-8 formatter; this is their string oracle).
            AuditKind.ConsolidationDecided => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation decided: ", r)} by {ModeText(r)} ({r.Value} signals for, support {Support(r.SupportPpm)})")),
            AuditKind.ConsolidationHeld => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation held: ", r)} by {ModeText(r)} (support {Support(r.SupportPpm)} of {Support(r.NeededPpm)})")),
            AuditKind.ConsolidationOutvoted => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation outvoted: ", r)} by {ModeText(r)}: {Peer(r)} decided")),
            AuditKind.ConsolidationVetoed => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation vetoed: ", r)}: veto {Peer(r)}")),
            AuditKind.ConsolidationVeto => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation veto: ", r)} blocks {SideText(r.Side == Side.Buy ? Side.Sell : r.Side == Side.Sell ? Side.Buy : Side.None)} signals for the window")),
            AuditKind.ConsolidationContributed => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation contributed: ", r)} to {Peer(r)} ({ModeText(r)})")),
            AuditKind.ConsolidationExpired => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation expired: ", r)}: no decision within the window ({ModeText(r)})")),
            AuditKind.ConsolidationSuperseded => (AuditLevel.Info, Invariant($"{Consolidated("Consolidation superseded: ", r)} by [signal {r.Value}] from the same source")),
            // Issue 19: amends and order groups' exits.
            AuditKind.OrderAmendRequested => (AuditLevel.Info, Invariant($"Order amend sent: id {r.ClientOrderId} {symbol}{AmendText(r)}")),
            AuditKind.OrderReplaced => (AuditLevel.Info, Invariant($"Order amended: id {r.ClientOrderId} {symbol}{AmendText(r)}")),
            AuditKind.OrderAmendRejected => (AuditLevel.Warning, Invariant($"Order amend or cancel refused by broker: id {r.ClientOrderId} {symbol} ({r.Reason}); the order stands")),
            AuditKind.GroupExitCanceled => (AuditLevel.Info, Invariant($"Exit canceled by its group: id {r.ClientOrderId} {symbol} {OriginText(r.Origin)} (entry {r.Value})")),
            AuditKind.GroupExitDropped => (AuditLevel.Warning, Invariant($"Exit dropped: id {r.ClientOrderId} {symbol} {OriginText(r.Origin)} ended without its group asking ({r.Reason}); not placed again (entry {r.Value}){Attribution(r)}")),
            // Issue 19: stops the engine holds for a venue without stop orders.
            AuditKind.OrderHeld => (AuditLevel.Info, Invariant($"Order held by the engine: {symbol} {r.Quantity} shares {side} {OrderTypeText(r.OrderType)} @ {Money(r.PriceRaw)}{(r.Value > 0 ? " limit " + Money(r.Value) : string.Empty)} (id {r.ClientOrderId}, the venue takes no stop orders){Attribution(r)}")),
            AuditKind.HeldOrderTriggered => (AuditLevel.Info, Invariant($"Held stop triggered: id {r.ClientOrderId} {symbol} sent as {OrderTypeText(r.OrderType)}{LimitSuffix(r.PriceRaw)}{Attribution(r)}")),
            _ => (AuditLevel.Info, Invariant($"Audit {r.Kind}")),
        };
    }

    private string Consolidated(string prefix, in AuditRecord r) => prefix + symbols.GetName(r.SymbolId) + " " + SideText(r.Side) + SignalSuffix(r.SignalId) + " from " + SourceText(r.SourceId);

    private string Peer(in AuditRecord r) => Invariant($"[signal {r.Value}] from {SourceText(r.PeerSourceId)}");

    private static string ModeText(in AuditRecord r) => Orchestrator.Engine.Options.ConsolidationModes.Name(r.Mode);

    private static string Support(long ppm) => (ppm / 1_000_000m).ToString("0.##", CultureInfo.InvariantCulture);

    private string Money(long raw) => currencySymbol + FixedPoint.ToDecimal(raw).ToString("#,0.00####", CultureInfo.InvariantCulture);

    private static string Confidence(int ppm) => (ppm / 1_000_000m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Percent(long bps) => (bps / 100m).ToString("0.0#", CultureInfo.InvariantCulture) + "%";

    private static string SideText(Side side) => side switch
    {
        Side.Buy => "BUY",
        Side.Sell => "SELL",
        _ => "-",
    };

    private static string RuleText(long rule) => rule switch
    {
        Orchestrator.Engine.Handlers.SignalEngineHandler.RuleMomentum => "momentum",
        Orchestrator.Engine.Handlers.SignalEngineHandler.RuleRsiReversion => "rsi_reversion",
        _ => "built-in",
    };

    private string AmendText(in AuditRecord r) =>
        Invariant($" to {r.Quantity} shares{(r.PriceRaw > 0 ? " @ " + Money(r.PriceRaw) : "")} ({r.Value} left)");

    private static string OrderTypeText(OrderType type) => type switch
    {
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.Stop => "STOP",
        OrderType.TrailingStop => "TRAILING_STOP",
        _ => "STOP_LIMIT",
    };

    private static string OriginText(IntentOrigin origin) => origin switch
    {
        IntentOrigin.Rule => "rule",
        IntentOrigin.External => "agent signal",
        IntentOrigin.StopLoss => "STOP_LOSS",
        IntentOrigin.TakeProfit => "TAKE_PROFIT",
        IntentOrigin.TrailingStop => "TRAILING_STOP",
        IntentOrigin.Operator => "operator",
        _ => "-",
    };

    private string SourceText(int sourceId)
    {
        string text = sources.Get(sourceId);
        return text.Length == 0 ? "unknown source" : SignalLimits.EscapeUnsafe(text); // one line whatever came in
    }

    private string ReasonSuffix(int reasonId)
    {
        string text = reasons.Get(reasonId);
        return text.Length == 0 ? string.Empty : ": " + SignalLimits.EscapeUnsafe(text); // one line whatever came in
    }

    private string LimitSuffix(long priceRaw) => priceRaw > 0 ? " @ " + Money(priceRaw) : string.Empty;

    private string Attribution(in AuditRecord r) => SignalSuffix(r.SignalId) + (r.SourceId != 0 ? " from " + SourceText(r.SourceId) : string.Empty);

    private static string SignalSuffix(long signalId) => signalId != 0 ? Invariant($" [signal {signalId}]") : string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the audit writer handed NLog before issue 16 (the event's properties), kept as the JSON line's oracle (issue 17 added agent and signal_id).</summary>
internal static class LegacyAuditFields
{
    public static NLog.LogEventInfo Event(AuditLevel level, string message, in AuditRecord record, SymbolTable? symbols, TextInterner? sources = null)
    {
        NLog.LogLevel nlogLevel = level switch
        {
            AuditLevel.Critical => NLog.LogLevel.Fatal,
            AuditLevel.Warning => NLog.LogLevel.Warn,
            _ => NLog.LogLevel.Info,
        };
        var info = NLog.LogEventInfo.Create(nlogLevel, "Orchestrator", message);
        info.Properties["audit"] = record.Kind.ToString();
        if (record.ClientOrderId != 0)
        {
            info.Properties["client_order_id"] = record.ClientOrderId;
        }

        AddFields(info, record, symbols, sources);
        return info;
    }

    private static void AddFields(NLog.LogEventInfo info, in AuditRecord record, SymbolTable? symbols, TextInterner? sources)
    {
        info.Properties["event"] = Orchestrator.Daemon.Logging.NLogAuditWriter.EventName(record.Kind);
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

        if (sources is not null && record.SourceId != 0 && sources.Get(record.SourceId).Length > 0)
        {
            info.Properties["agent"] = sources.Get(record.SourceId);
        }

        if (record.SignalId != 0)
        {
            info.Properties["signal_id"] = record.SignalId;
        }

        if (record.TsEventNs != 0)
        {
            info.Properties["ts_event"] = record.TsEventNs;
        }
    }
}
