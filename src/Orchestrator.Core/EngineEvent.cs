using System.Runtime.InteropServices;

namespace Orchestrator.Core;

/// <summary>
/// The inbound ring's slot: one fixed-size struct that carries every kind of input and the
/// fields later stages fill in, changed in place by <c>ref</c>. The stages in order:
/// <list type="number">
/// <item>the edge (feed, gateway, broker, operator) writes the input section;</item>
/// <item>the signal engine updates market state and may write an <b>intent</b> (side, origin, order type, prices, time in force, quantity cap);</item>
/// <item>the risk manager writes the <b>verdict</b> (<see cref="Reject"/>, None = pass);</item>
/// <item>sizing writes the <b>quantity</b> (or a reject);</item>
/// <item>the order manager assigns the <b>client order id</b> and hands the order to the gateway.</item>
/// </list>
/// Strings never enter the slot: symbols, sources and reasons are dense ids interned at the edge.
/// Within each section the one-byte fields come first, together, so the 8-byte fields after them
/// waste little alignment padding (352 bytes, 21 of them padding; <c>EngineEventLayoutTests</c>).
/// Field order is free to change: the journal writes fields one by one (<c>JournalCodec</c>), never the slot's memory.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct EngineEvent
{
    // ---- header (every kind) ----
    public EventKind Kind;

    /// <summary>Instrument id from the <see cref="SymbolTable"/>; -1 when not about one symbol.</summary>
    public int SymbolId;

    /// <summary>When it happened at the source (exchange time, signal time), ns since the Unix epoch. The engine's only clock.</summary>
    public long TsEventNs;

    /// <summary>When the edge created the event, ns since the Unix epoch (slow-path clock).</summary>
    public long TsInitNs;

    /// <summary>Stopwatch timestamp at publish, for latency measurement only; never read by logic.</summary>
    public long PublishTimestamp;

    // ---- market data: trade tick, quote tick, bar ----
    /// <summary>Trade price, or bar close.</summary>
    public long PriceRaw;

    /// <summary>Trade size, or bar volume.</summary>
    public long Size;

    public long BidRaw;
    public long AskRaw;
    public long BidSize;
    public long AskSize;
    public long OpenRaw;
    public long HighRaw;
    public long LowRaw;

    // ---- trade signal (from an agent or other outside source) ----
    public Side SignalSide;

    /// <summary>New order (default), or amend/cancel of <see cref="TargetOrderId"/> (issue 19).</summary>
    public SignalAction Action;

    /// <summary>The order type asked for; Market with a price = the type the prices make (<see cref="SignalIntentRules.Resolve"/>).</summary>
    public OrderType SignalOrderType;

    /// <summary>Time in force asked for (default Day).</summary>
    public TimeInForce SignalTif;

    /// <summary>Confidence in millionths: 0..1,000,000 is 0..1.</summary>
    public int ConfidencePpm;

    /// <summary>Optional limit price of the signal; 0 = none (trade at market).</summary>
    public long SignalPriceRaw;

    /// <summary>Optional stop (trigger) price of the signal; 0 = none.</summary>
    public long SignalStopRaw;

    /// <summary>Shares asked for: 0 = sizing decides; above 0 = the most sizing may give.</summary>
    public long SignalQuantity;

    /// <summary>
    /// The sender's signal id (interned or assigned at the edge), echoed in acks and audit lines. On an
    /// execution report, the order manager writes the order's (0 for rule, exit and operator orders).
    /// </summary>
    public long SignalId;

    /// <summary>
    /// Interned name of the sending agent or source. The signal engine writes the engine's own for rule
    /// and exit intents; on an execution report, the order manager writes the order's (with <see cref="Origin"/>),
    /// so consumers after the trading stages can attribute it without reading the order table.
    /// </summary>
    public int SourceId;

    /// <summary>Interned free-text reason given with the signal.</summary>
    public int ReasonId;

    /// <summary>
    /// For <see cref="SignalAction.Amend"/> and <see cref="SignalAction.Cancel"/>: the engine's client order id of the order to change.
    /// On a report of a group exit, the order manager writes its entry's id (and the exit's terms in the intent fields, issue 19).
    /// </summary>
    public long TargetOrderId;

    /// <summary>Protective exits asked for with a new order (issue 19); the signal engine may fill them for its own intents.</summary>
    public ProtectiveExits Exits;

    // ---- execution report (from the broker gateway) ----
    public ExecutionType ExecType;
    public Side ReportSide;

    /// <summary>Reject reason from the broker, when <see cref="ExecType"/> is Rejected.</summary>
    public RejectReason ReportReject;

    /// <summary>The order the report is about (the engine's client order id).</summary>
    public long ReportOrderId;

    public long FillQuantity;
    public long FillPriceRaw;
    public long CommissionRaw;

    /// <summary>Shares still open on the order after this report.</summary>
    public long LeavesQuantity;

    /// <summary>On <see cref="ExecutionType.Replaced"/>: the order's new total quantity and prices.</summary>
    public long ReportQuantity;
    public long ReportLimitRaw;
    public long ReportStopRaw;

    // ---- command ----
    public CommandKind Command;
    public long CommandArg;

    // ---- written by the signal engine: the intent ----
    public IntentOrigin Origin;
    public Side IntentSide;
    public OrderType IntentOrderType;

    /// <summary>Time in force of the order to be (the signal's; Day for rules and exits).</summary>
    public TimeInForce IntentTif;

    /// <summary>True when the intent only reduces an existing position (protective exits).</summary>
    public bool ReduceOnly;

    /// <summary>The verdict, written by risk and sizing (None = pass); kept beside the intent's one-byte fields, where it costs no padding.</summary>
    public RejectReason Reject;

    public long IntentLimitRaw;
    public long IntentStopRaw;

    /// <summary>The most shares sizing may give (the signal's quantity); 0 = no cap beyond sizing's own.</summary>
    public long IntentQuantityCap;

    /// <summary>The reference (last) price the engine saw for the symbol when it formed the intent.</summary>
    public long ReferencePriceRaw;

    /// <summary>ATR of the symbol at intent time (raw price units), for volatility sizing; 0 = unknown.</summary>
    public long AtrRaw;

    // ---- written by sizing: the quantity (the verdict, Reject, is with the intent's small fields) ----
    /// <summary>Shares to trade, set by sizing.</summary>
    public long Quantity;

    // ---- written by the order manager ----
    /// <summary>The client order id assigned to the resulting order; 0 = no order.</summary>
    public long ClientOrderId;

    /// <summary>Whether the event produced an intent that the later stages should act on.</summary>
    public readonly bool HasIntent => IntentSide != Side.None;

    /// <summary>Resets every field to its default, for reuse of the slot by a producer.</summary>
    public void Clear() => this = default;

    /// <summary>Overwrites the slot with a market-data input.</summary>
    public void SetMarketData(in MarketTick tick)
    {
        this = default;
        Kind = tick.Kind;
        SymbolId = tick.SymbolId;
        TsEventNs = tick.TsEventNs;
        PriceRaw = tick.PriceRaw;
        Size = tick.Size;
        BidRaw = tick.BidRaw;
        AskRaw = tick.AskRaw;
        BidSize = tick.BidSize;
        AskSize = tick.AskSize;
        OpenRaw = tick.OpenRaw;
        HighRaw = tick.HighRaw;
        LowRaw = tick.LowRaw;
    }

    /// <summary>Overwrites the slot with an execution-report input.</summary>
    public void SetExecutionReport(in ExecutionReport report)
    {
        this = default;
        Kind = EventKind.ExecutionReport;
        SymbolId = report.SymbolId;
        TsEventNs = report.TsEventNs;
        ExecType = report.ExecType;
        ReportOrderId = report.ClientOrderId;
        ReportSide = report.Side;
        FillQuantity = report.FillQuantity;
        FillPriceRaw = report.FillPriceRaw;
        CommissionRaw = report.CommissionRaw;
        LeavesQuantity = report.LeavesQuantity;
        ReportReject = report.Reject;
        ReportQuantity = report.Quantity;
        ReportLimitRaw = report.LimitRaw;
        ReportStopRaw = report.StopRaw;
    }
}
