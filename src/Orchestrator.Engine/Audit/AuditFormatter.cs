using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Engine.Audit;

/// <summary>
/// Renders audit records in the brief's words, as UTF-8 into a reused <see cref="Utf8LineBuffer"/>
/// (a signal's, a refusal's, an order's and a fill's line end in <c>[signal N] from NAME</c> when they
/// have a signal id and a source, issue 17):
/// no string per record (issue 16: a GC anywhere stops the engine too). Slow path only — the audit
/// thread, or a caller of <see cref="Format"/> that may allocate (alerts, tests).
/// </summary>
public sealed class AuditFormatter(SymbolTable symbols, TextInterner sources, TextInterner reasons, string currencySymbol = "$")
{
    private readonly byte[] _currency = Encoding.UTF8.GetBytes(currencySymbol);
    private readonly Utf8LineBuffer _scratch = new(512);
    private byte[][] _symbolCurrency = [];

    /// <summary>
    /// Each symbol's instrument (issue 19): a price or amount of a symbol is written in the symbol's own currency
    /// ("₩71,000.00" for a KRX share, "$150.00" for a US one); null = every amount in the base currency's symbol.
    /// Account figures (the day's start-of-day equity) stay in the base currency.
    /// </summary>
    public InstrumentTable? Instruments
    {
        get;
        init
        {
            field = value;
            _symbolCurrency = value is null ? [] : [.. Enumerable.Range(0, value.Count).Select(s => Encoding.UTF8.GetBytes(CurrencySymbols.Of(value[s].Currency)))];
        }
    }

    /// <summary>Each symbol's quantity unit (issue 19): share counts are written in shares ("0.5 shares"); null = whole shares.</summary>
    public QuantityUnits? Units { get; init; }

    /// <summary>The severity the record's line carries.</summary>
    public static AuditLevel LevelOf(in AuditRecord r) => r.Kind switch
    {
        AuditKind.ProtectiveExit or AuditKind.GroupExitDropped or AuditKind.OrderRejected or AuditKind.OrderAmendRejected or AuditKind.IllegalReport or AuditKind.KillSwitchReleased or AuditKind.RiskParametersApplied => AuditLevel.Warning,
        // A rule's exit signal with nothing to exit is routine, not a warning for the operator.
        AuditKind.RiskRejected => r.Reason == RejectReason.NoPosition && r.Origin == IntentOrigin.Rule ? AuditLevel.Info : AuditLevel.Warning,
        AuditKind.OrderStatusUnknown or AuditKind.KillSwitchEngaged => AuditLevel.Critical,
        AuditKind.CancelAllRequested => r.Quantity > 0 ? AuditLevel.Warning : AuditLevel.Info,
        _ => AuditLevel.Info,
    };

    /// <summary>The level and message as a string (allocates: for alerts and tests, not the audit stream).</summary>
    public (AuditLevel Level, string Message) Format(in AuditRecord r)
    {
        lock (_scratch)
        {
            _scratch.Clear();
            FormatMessage(r, _scratch);
            return (LevelOf(r), Encoding.UTF8.GetString(_scratch.Written));
        }
    }

    /// <summary>Appends the record's message (no level, no newline) to <paramref name="line"/>; allocates nothing.</summary>
    public void FormatMessage(in AuditRecord r, Utf8LineBuffer line)
    {
        ReadOnlySpan<char> symbol = symbols.GetName(r.SymbolId);
        switch (r.Kind)
        {
            case AuditKind.SignalReceived:
                line.Append("Signal received: "u8); line.Append(symbol); line.Append((byte)' '); line.Append(SideText(r.Side));
                line.Append(" (confidence: "u8); Confidence(line, r.ConfidencePpm); line.Append((byte)')'); SignalIdSuffix(line, r.SignalId);
                line.Append(" from "u8); Source(line, r.SourceId);
                ReasonSuffix(line, r.ReasonTextId);
                break;
            case AuditKind.RuleSignal:
                line.Append("Signal generated: "u8); line.Append(symbol); line.Append((byte)' '); line.Append(SideText(r.Side));
                line.Append(" by the "u8); line.Append(RuleText(r.Value)); line.Append(" rule (confidence: "u8); Confidence(line, r.ConfidencePpm);
                line.Append(") at "u8); Money(line, r.PriceRaw, r.SymbolId);
                break;
            case AuditKind.ProtectiveExit:
                line.Append("Protective exit: "u8); line.Append(symbol); line.Append((byte)' '); line.Append(OriginText(r.Origin));
                line.Append(" triggered at "u8); Money(line, r.PriceRaw, r.SymbolId); line.Append(", closing "u8); line.Append(SideText(r.Side));
                break;
            case AuditKind.RiskRejected:
                line.Append("Risk check failed: "u8); line.Append(symbol); line.Append((byte)' '); line.Append(SideText(r.Side));
                line.Append(" rejected ("u8); line.Append(Utf8EnumNames<RejectReason>.Get(r.Reason)); line.Append((byte)')');
                Attribution(line, r);
                break;
            case AuditKind.RiskPassed:
                line.Append("Risk check passed: position size "u8); line.Append(r.Value / 100m, "0.0#"); line.Append("% ("u8);
                line.Append(symbol); line.Append((byte)' '); line.Append(SideText(r.Side)); line.Append((byte)' '); Shares(line, r.SymbolId, r.Quantity); line.Append(" shares)"u8);
                break;
            case AuditKind.OrderSubmitted:
                line.Append("Order submitted: "u8); line.Append(symbol); line.Append((byte)' '); Shares(line, r.SymbolId, r.Quantity); line.Append(" shares "u8);
                line.Append(SideText(r.Side)); line.Append((byte)' '); line.Append(OrderTypeText(r.OrderType));
                if (r.PriceRaw > 0)
                {
                    line.Append(" @ "u8); Money(line, r.PriceRaw, r.SymbolId);
                }

                line.Append(" (id "u8); line.Append(r.ClientOrderId); line.Append(", "u8); line.Append(OriginText(r.Origin)); line.Append((byte)')');
                Attribution(line, r);
                break;
            case AuditKind.OrderAccepted:
                OrderIdAndSymbol(line, "Order accepted: id "u8, r.ClientOrderId, symbol);
                break;
            case AuditKind.OrderPartiallyFilled:
                line.Append("Order partially filled: "u8); Fill(line, r, symbol);
                line.Append(" ("u8); Shares(line, r.SymbolId, r.Value); line.Append(" left, id "u8); line.Append(r.ClientOrderId); line.Append((byte)')');
                Attribution(line, r);
                break;
            case AuditKind.OrderFilled:
                line.Append("Order filled: "u8); Fill(line, r, symbol);
                line.Append(" (id "u8); line.Append(r.ClientOrderId); line.Append((byte)')');
                Attribution(line, r);
                break;
            case AuditKind.OrderCanceled:
                OrderIdAndSymbol(line, "Order canceled: id "u8, r.ClientOrderId, symbol);
                break;
            case AuditKind.OrderRejected:
                OrderIdAndSymbol(line, "Order rejected by broker: id "u8, r.ClientOrderId, symbol);
                line.Append((byte)' '); line.Append(SideText(r.Side)); line.Append(" ("u8); line.Append(Utf8EnumNames<RejectReason>.Get(r.Reason)); line.Append((byte)')');
                break;
            case AuditKind.OrderExpired:
                OrderIdAndSymbol(line, "Order expired: id "u8, r.ClientOrderId, symbol);
                break;
            case AuditKind.OrderAmendRequested:
                OrderIdAndSymbol(line, "Order amend sent: id "u8, r.ClientOrderId, symbol); AmendTerms(line, r);
                break;
            case AuditKind.OrderReplaced:
                OrderIdAndSymbol(line, "Order amended: id "u8, r.ClientOrderId, symbol); AmendTerms(line, r);
                break;
            case AuditKind.OrderAmendRejected:
                OrderIdAndSymbol(line, "Order amend or cancel refused by broker: id "u8, r.ClientOrderId, symbol);
                line.Append(" ("u8); line.Append(Utf8EnumNames<RejectReason>.Get(r.Reason)); line.Append("); the order stands"u8);
                break;
            case AuditKind.OrderStatusUnknown:
                OrderIdAndSymbol(line, "Order status unknown: id "u8, r.ClientOrderId, symbol);
                line.Append((byte)' '); line.Append(SideText(r.Side)); line.Append((byte)' '); Shares(line, r.SymbolId, r.Value);
                line.Append(" shares; the venue did not confirm it: new orders in "u8); line.Append(symbol); line.Append(" paused until reconciliation settles it"u8);
                break;
            case AuditKind.IllegalReport:
                line.Append("Execution report ignored: id "u8); line.Append(r.ClientOrderId); line.Append(" cannot move from its current state"u8);
                break;
            case AuditKind.KillSwitchEngaged:
                line.Append("Kill switch engaged: new orders blocked, open orders canceled"u8);
                break;
            case AuditKind.KillSwitchReleased:
                line.Append("Kill switch released: trading resumes"u8);
                break;
            case AuditKind.CancelAllRequested:
                line.Append("Cancel all: "u8); line.Append(r.Quantity); line.Append(" open orders"u8);
                break;
            case AuditKind.RiskParametersApplied:
                line.Append("Risk parameters updated (version "u8); line.Append(r.Value); line.Append("): new limits in force from the next event"u8);
                break;
            case AuditKind.DayStarted:
                line.Append("Trading day started: start-of-day equity "u8); Money(line, r.Value);
                break;
            case AuditKind.ConsolidationDecided:
                Consolidated(line, "Consolidation decided: "u8, r, symbol); line.Append(" by "u8); Mode(line, r.Mode);
                line.Append(" ("u8); line.Append(r.Value); line.Append(" signals for, support "u8); Support(line, r.SupportPpm); line.Append((byte)')');
                break;
            case AuditKind.ConsolidationHeld:
                Consolidated(line, "Consolidation held: "u8, r, symbol); line.Append(" by "u8); Mode(line, r.Mode);
                line.Append(" (support "u8); Support(line, r.SupportPpm); line.Append(" of "u8); Support(line, r.NeededPpm); line.Append((byte)')');
                break;
            case AuditKind.ConsolidationOutvoted:
                Consolidated(line, "Consolidation outvoted: "u8, r, symbol); line.Append(" by "u8); Mode(line, r.Mode);
                line.Append(": "u8); Peer(line, r); line.Append(" decided"u8);
                break;
            case AuditKind.ConsolidationVetoed:
                Consolidated(line, "Consolidation vetoed: "u8, r, symbol); line.Append(": veto "u8); Peer(line, r);
                break;
            case AuditKind.ConsolidationVeto:
                Consolidated(line, "Consolidation veto: "u8, r, symbol); line.Append(" blocks "u8);
                line.Append(SideText(r.Side == Side.Buy ? Side.Sell : r.Side == Side.Sell ? Side.Buy : Side.None)); line.Append(" signals for the window"u8);
                break;
            case AuditKind.ConsolidationContributed:
                Consolidated(line, "Consolidation contributed: "u8, r, symbol); line.Append(" to "u8); Peer(line, r);
                line.Append(" ("u8); Mode(line, r.Mode); line.Append((byte)')');
                break;
            case AuditKind.ConsolidationExpired:
                Consolidated(line, "Consolidation expired: "u8, r, symbol); line.Append(": no decision within the window ("u8); Mode(line, r.Mode); line.Append((byte)')');
                break;
            case AuditKind.ConsolidationSuperseded:
                Consolidated(line, "Consolidation superseded: "u8, r, symbol); line.Append(" by [signal "u8); line.Append(r.Value); line.Append("] from the same source"u8);
                break;
            case AuditKind.GroupExitCanceled:
                OrderIdAndSymbol(line, "Exit canceled by its group: id "u8, r.ClientOrderId, symbol); line.Append((byte)' '); line.Append(OriginText(r.Origin)); EntrySuffix(line, r.Value);
                break;
            case AuditKind.GroupExitDropped:
                OrderIdAndSymbol(line, "Exit dropped: id "u8, r.ClientOrderId, symbol); line.Append((byte)' '); line.Append(OriginText(r.Origin));
                line.Append(" ended without its group asking ("u8); line.Append(Utf8EnumNames<RejectReason>.Get(r.Reason)); line.Append("); not placed again"u8); EntrySuffix(line, r.Value);
                Attribution(line, r);
                break;
            case AuditKind.OrderHeld:
                line.Append("Order held by the engine: "u8); line.Append(symbol); line.Append((byte)' '); Shares(line, r.SymbolId, r.Quantity); line.Append(" shares "u8);
                line.Append(SideText(r.Side)); line.Append((byte)' '); line.Append(OrderTypeText(r.OrderType)); line.Append(" @ "u8); Money(line, r.PriceRaw, r.SymbolId);
                if (r.Value > 0)
                {
                    line.Append(" limit "u8); Money(line, r.Value, r.SymbolId);
                }

                line.Append(" (id "u8); line.Append(r.ClientOrderId); line.Append(", the venue takes no stop orders)"u8);
                Attribution(line, r);
                break;
            case AuditKind.HeldOrderTriggered:
                OrderIdAndSymbol(line, "Held stop triggered: id "u8, r.ClientOrderId, symbol); line.Append(" sent as "u8); line.Append(OrderTypeText(r.OrderType));
                if (r.PriceRaw > 0)
                {
                    line.Append(" @ "u8); Money(line, r.PriceRaw, r.SymbolId);
                }

                Attribution(line, r);
                break;
            default:
                line.Append("Audit "u8); line.Append(Utf8EnumNames<AuditKind>.Get(r.Kind));
                break;
        }
    }

    /// <summary>"{prefix}AAPL BUY [signal N] from NAME": the signal a consolidation record is about.</summary>
    private void Consolidated(Utf8LineBuffer line, ReadOnlySpan<byte> prefix, in AuditRecord r, ReadOnlySpan<char> symbol)
    {
        line.Append(prefix); line.Append(symbol); line.Append((byte)' '); line.Append(SideText(r.Side)); SignalIdSuffix(line, r.SignalId);
        line.Append(" from "u8); Source(line, r.SourceId);
    }

    /// <summary>"[signal M] from NAME": the other signal of a consolidation record.</summary>
    private void Peer(Utf8LineBuffer line, in AuditRecord r)
    {
        line.Append("[signal "u8); line.Append(r.Value); line.Append("] from "u8); Source(line, r.PeerSourceId);
    }

    private static void Mode(Utf8LineBuffer line, Options.ConsolidationMode mode) => line.Append(Options.ConsolidationModes.Name(mode));

    /// <summary>A support figure stored ×10^6 (weights, or sources ×10^6 for a quorum).</summary>
    private static void Support(Utf8LineBuffer line, long ppm) => line.Append(ppm / 1_000_000m, "0.##");

    private void Fill(Utf8LineBuffer line, in AuditRecord r, ReadOnlySpan<char> symbol)
    {
        line.Append(symbol); line.Append((byte)' '); Shares(line, r.SymbolId, r.Quantity); line.Append(" shares "u8); line.Append(SideText(r.Side));
        line.Append(" @ "u8); Money(line, r.PriceRaw, r.SymbolId);
    }

    private static void EntrySuffix(Utf8LineBuffer line, long entryId)
    {
        line.Append(" (entry "u8); line.Append(entryId); line.Append((byte)')');
    }

    private static void OrderIdAndSymbol(Utf8LineBuffer line, ReadOnlySpan<byte> prefix, long clientOrderId, ReadOnlySpan<char> symbol)
    {
        line.Append(prefix); line.Append(clientOrderId); line.Append((byte)' '); line.Append(symbol);
    }

    /// <summary>" to 120 shares @ $70.00 (80 left)": an amend's new total, limit (when it has one) and leaves.</summary>
    private void AmendTerms(Utf8LineBuffer line, in AuditRecord r)
    {
        line.Append(" to "u8); Shares(line, r.SymbolId, r.Quantity); line.Append(" shares"u8);
        if (r.PriceRaw > 0)
        {
            line.Append(" @ "u8); Money(line, r.PriceRaw, r.SymbolId);
        }

        line.Append(" ("u8); Shares(line, r.SymbolId, r.Value); line.Append(" left)"u8);
    }

    /// <summary>A share count of the symbol in its quantity unit (whole shares: the integer, as before).</summary>
    private void Shares(Utf8LineBuffer line, int symbolId, long quantity)
    {
        if (Units is { } units && (uint)symbolId < (uint)symbols.Count)
        {
            line.AppendQuantity(quantity, units.Decimals(symbolId));
        }
        else
        {
            line.Append(quantity);
        }
    }

    /// <summary>"$1,234.50": <c>#,0.00####</c> of the decimal amount in the base currency (decimal arithmetic and formatting allocate nothing).</summary>
    private void Money(Utf8LineBuffer line, long raw) => Money(line, raw, -1);

    /// <summary>An amount of symbol <paramref name="symbolId"/> in its own currency ("₩71,000.00"); the base's without <see cref="Instruments"/>.</summary>
    private void Money(Utf8LineBuffer line, long raw, int symbolId)
    {
        line.Append((uint)symbolId < (uint)_symbolCurrency.Length ? _symbolCurrency[symbolId] : _currency);
        line.Append(FixedPoint.ToDecimal(raw), "#,0.00####");
    }

    private static void Confidence(Utf8LineBuffer line, int ppm) => line.Append(ppm / 1_000_000m, "0.00");

    public static ReadOnlySpan<byte> SideText(Side side) => side switch
    {
        Side.Buy => "BUY"u8,
        Side.Sell => "SELL"u8,
        _ => "-"u8,
    };

    private static ReadOnlySpan<byte> RuleText(long rule) => rule switch
    {
        Handlers.SignalEngineHandler.RuleMomentum => "momentum"u8,
        Handlers.SignalEngineHandler.RuleRsiReversion => "rsi_reversion"u8,
        _ => "built-in"u8,
    };

    private static ReadOnlySpan<byte> OrderTypeText(OrderType type) => type switch
    {
        OrderType.Market => "MARKET"u8,
        OrderType.Limit => "LIMIT"u8,
        OrderType.Stop => "STOP"u8,
        OrderType.TrailingStop => "TRAILING_STOP"u8,
        _ => "STOP_LIMIT"u8,
    };

    private static ReadOnlySpan<byte> OriginText(IntentOrigin origin) => origin switch
    {
        IntentOrigin.Rule => "rule"u8,
        IntentOrigin.External => "agent signal"u8,
        IntentOrigin.StopLoss => "STOP_LOSS"u8,
        IntentOrigin.TakeProfit => "TAKE_PROFIT"u8,
        IntentOrigin.TrailingStop => "TRAILING_STOP"u8,
        IntentOrigin.Operator => "operator"u8,
        _ => "-"u8,
    };

    private void Source(Utf8LineBuffer line, int sourceId)
    {
        string text = sources.Get(sourceId);
        if (text.Length == 0)
        {
            line.Append("unknown source"u8);
        }
        else
        {
            line.AppendEscapedUnsafe(text); // one line whatever came in
        }
    }

    /// <summary>" [signal N]" when the record names a signal.</summary>
    private static void SignalIdSuffix(Utf8LineBuffer line, long signalId)
    {
        if (signalId != 0)
        {
            line.Append(" [signal "u8); line.Append(signalId); line.Append((byte)']');
        }
    }

    /// <summary>Who the line is about (issue 17): " [signal N]" when it came from a signal, " from NAME" when it has a source.</summary>
    private void Attribution(Utf8LineBuffer line, in AuditRecord r)
    {
        SignalIdSuffix(line, r.SignalId);
        if (r.SourceId != 0)
        {
            line.Append(" from "u8);
            Source(line, r.SourceId);
        }
    }

    private void ReasonSuffix(Utf8LineBuffer line, int reasonId)
    {
        string text = reasons.Get(reasonId);
        if (text.Length != 0)
        {
            line.Append(": "u8);
            line.AppendEscapedUnsafe(text); // one line whatever came in
        }
    }
}
