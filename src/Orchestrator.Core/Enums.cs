namespace Orchestrator.Core;

/// <summary>What an <see cref="EngineEvent"/> carries.</summary>
public enum EventKind : byte
{
    None = 0,
    TradeTick,
    QuoteTick,
    Bar,
    TradeSignal,
    ExecutionReport,
    Command,
    Timer,
}

public enum Side : byte
{
    None = 0,
    Buy,
    Sell,
}

public enum OrderType : byte
{
    Market = 0,
    Limit,
    Stop,
    StopLimit,

    /// <summary>
    /// A sell (buy) stop whose trigger follows the best price by <see cref="OrderCommand.TrailRaw"/> or
    /// <see cref="OrderCommand.TrailPpm"/> (issue 19): venue-native where the venue has it (Alpaca
    /// <c>trailing_stop</c>), otherwise a stop order the engine moves.
    /// </summary>
    TrailingStop,
}

public enum TimeInForce : byte
{
    Day = 0,
    Gtc,
    Ioc,
    Fok,

    /// <summary>At the opening auction only (Alpaca <c>opg</c>); refused where the venue has none.</summary>
    Opg,

    /// <summary>At the closing auction only (Alpaca <c>cls</c>); refused where the venue has none.</summary>
    Cls,
}

/// <summary>
/// Order lifecycle: New → PendingNew → Accepted → PartiallyFilled → Filled, or Canceled,
/// Rejected, Expired; Unknown when sent but never acknowledged (resolved by reconciliation);
/// Held while the engine holds a stop or stop-limit for a venue without stop orders (issue 19).
/// </summary>
public enum OrderStatus : byte
{
    New = 0,
    PendingNew,
    Accepted,
    PartiallyFilled,
    Filled,
    Canceled,
    Rejected,
    Expired,
    Unknown,

    /// <summary>
    /// Open, held by the engine and not at the venue: a stop or stop-limit for a venue without stop orders (KIS),
    /// sent as a market order (stop) or a limit at its limit price (stop-limit) when the market reaches its stop price.
    /// </summary>
    Held,
}

/// <summary>What a broker says happened to an order.</summary>
public enum ExecutionType : byte
{
    None = 0,
    Accepted,
    PartialFill,
    Fill,
    Canceled,
    Rejected,
    Expired,

    /// <summary>
    /// The gateway could not learn whether the venue took the order (timeouts, retries spent,
    /// circuit open): the order becomes Unknown and its symbol pauses until reconciliation settles it.
    /// </summary>
    Unknown,

    /// <summary>
    /// An amend took effect (issue 19): the order's total quantity is now <see cref="ExecutionReport.Quantity"/>
    /// and its prices <see cref="ExecutionReport.LimitRaw"/>/<see cref="ExecutionReport.StopRaw"/>; fills so far are kept.
    /// </summary>
    Replaced,

    /// <summary>The venue refused an amend (or a cancel): the order stands as it was; <see cref="ExecutionReport.Reject"/> says why.</summary>
    AmendRejected,
}

/// <summary>Where an order intent came from.</summary>
public enum IntentOrigin : byte
{
    None = 0,
    /// <summary>A built-in rule strategy of the signal engine.</summary>
    Rule,
    /// <summary>A signal from an agent or another outside source.</summary>
    External,
    StopLoss,
    TakeProfit,
    TrailingStop,
    /// <summary>An operator command (e.g. flatten on kill switch).</summary>
    Operator,
}

/// <summary>Operator and system commands that travel through the ring like any input.</summary>
public enum CommandKind : byte
{
    None = 0,
    EngageKillSwitch,
    ReleaseKillSwitch,
    CancelAllOrders,
    FlattenAll,
    /// <summary>Start of a trading day: reset daily counters; Arg0 = start-of-day equity raw (0 = current).</summary>
    StartOfDay,

    /// <summary>Apply staged risk parameters; the argument is the version staged with the engine's parameter mailbox.</summary>
    ApplyRiskParameters,

    /// <summary>Copy positions, cash and open orders into the engine's snapshot for the slow path to read.</summary>
    PublishSnapshot,

    /// <summary>
    /// Each stage writes its whole state, as it is after this event, into a snapshot buffer that a
    /// background thread then writes to the journal directory; recovery starts from it and replays
    /// only the journal after it (see <c>Orchestrator.Engine.Snapshots</c>).
    /// </summary>
    Checkpoint,

    /// <summary>
    /// Sets the engine's cash to the argument (raw units). Published by reconciliations of earlier
    /// versions; kept so their journals replay to the same cash. New code publishes
    /// <see cref="AdjustCash"/>: an absolute figure read from the venue goes stale as soon as a fill
    /// is applied between the reading and the command, and would then undo that fill's cash.
    /// </summary>
    SetCash,

    /// <summary>
    /// The broker's cash is the book of record: adds the argument (raw units, signed) to the
    /// engine's cash — the difference a reconciliation measured between the venue's cash and the
    /// engine's at one consistent moment (fees or interest the fill reports did not carry). A fill
    /// applied meanwhile is kept. Journaled, so a replay reaches the same cash.
    /// </summary>
    AdjustCash,

    /// <summary>
    /// Issue 19 (several venues): pauses one venue — risk refuses new orders of the symbols it trades as
    /// <see cref="RejectReason.SymbolPaused"/>; other venues trade on. Arg0 = the venue's id (the engine's venue map).
    /// Published for a broker outage when several venues run; open orders are left as they are.
    /// </summary>
    PauseVenue,

    /// <summary>Ends a <see cref="PauseVenue"/>; Arg0 = the venue's id.</summary>
    ResumeVenue,

    /// <summary>
    /// <see cref="AdjustCash"/> for one currency (issue 19): adds the argument (raw units of that currency,
    /// signed) to the cash of the currency the event's <see cref="EngineEvent.SymbolId"/> is kept in — a
    /// reconciliation's measured difference for a venue whose cash is not (only) in the base currency (KIS's
    /// USD deposit). The symbol names the currency because symbol ids are what a journal's replay already
    /// checks against its configuration. Appended: journals keep the values above.
    /// </summary>
    AdjustCurrencyCash,
}

/// <summary>
/// Why the pipeline refused to act. Every stage that can refuse has its own reasons; a
/// refusal is an event outcome, never an exception.
/// </summary>
public enum RejectReason : byte
{
    None = 0,
    KillSwitch,
    MaxDailyLoss,
    LowConfidence,
    SymbolNotAllowed,
    OutsideSession,
    RateLimitPerSecond,
    RateLimitPerMinute,
    RateLimitPerDay,
    MaxOpenOrders,
    PriceCollar,
    DuplicateSignal,
    NoMarketData,
    InvalidSignal,
    ZeroQuantity,
    InsufficientBuyingPower,
    MaxPosition,
    MaxNotional,
    MaxConcentration,
    NoPosition,
    GatewayBusy,
    BrokerRejected,

    /// <summary>
    /// The symbol has an order whose venue state is unknown (no new orders until reconciled), or its venue is
    /// paused (<see cref="CommandKind.PauseVenue"/>: a broker outage while several venues run).
    /// </summary>
    SymbolPaused,

    // Per-agent limits (daemon.yaml agents: limits:). Appended: journals and snapshots keep the values above.

    /// <summary>The signal's source already holds its own max position in the symbol in that direction.</summary>
    AgentMaxPosition,

    /// <summary>The signal's source used its orders per minute.</summary>
    AgentRateLimit,

    /// <summary>The signal's source may not trade the symbol.</summary>
    AgentSymbolNotAllowed,

    // Issue 19. Appended, as above.

    /// <summary>An amend or cancel names an order the engine does not have, that is closed, or that is not the source's.</summary>
    NoSuchOrder,

    /// <summary>The order cannot be amended as asked (type, side or symbol change; quantity below what is filled; an amend already pending).</summary>
    NotAmendable,

    /// <summary>A sell beyond the position where the instrument may not be sold short.</summary>
    ShortNotAllowed,

    /// <summary>A short sale with no borrow available for the symbol.</summary>
    NoBorrow,

    /// <summary>The order's time in force or type is not one the symbol's venue or session takes (e.g. opg outside the pre-open).</summary>
    UnsupportedOrder,

    /// <summary>
    /// On a Rejected report: an order in doubt (its answer lost, or recovered after a crash) that the venue's records
    /// still did not show after the grace — it never reached the venue (the order groups place such an exit again, once).
    /// </summary>
    NeverPlaced,

    /// <summary>No venue trades the symbol (daemon.yaml <c>routing:</c> leaves it to none): it can be watched, not traded.</summary>
    NoVenue,
}
