namespace Orchestrator.Engine.Audit;

/// <summary>What an audit record reports; each renders as one log line.</summary>
public enum AuditKind : byte
{
    None = 0,
    SignalReceived,
    RuleSignal,
    ProtectiveExit,
    RiskRejected,
    RiskPassed,
    OrderSubmitted,
    OrderAccepted,
    OrderPartiallyFilled,
    OrderFilled,
    OrderCanceled,
    OrderRejected,
    OrderExpired,
    IllegalReport,
    KillSwitchEngaged,
    KillSwitchReleased,
    CancelAllRequested,
    DayStarted,
    RiskParametersApplied,
    OrderStatusUnknown,

    // Consolidation (State.SignalConsolidator): every signal of a consolidated group gets one of the
    // first five when it arrives; a held one later gets one of the last four.

    /// <summary>A signal that trades: it decided its group (Value = signals for it, SupportPpm).</summary>
    ConsolidationDecided,

    /// <summary>A signal held back, pending in its window (SupportPpm so far, NeededPpm).</summary>
    ConsolidationHeld,

    /// <summary>A signal that did not trade: another one decided against it or first (Value, PeerSourceId = that signal).</summary>
    ConsolidationOutvoted,

    /// <summary>A signal that did not trade: a veto source's signal against its side holds (Value, PeerSourceId = the veto).</summary>
    ConsolidationVetoed,

    /// <summary>A veto source's signal, recorded as a veto of the other side; it does not trade.</summary>
    ConsolidationVeto,

    /// <summary>A held signal that counted in a decision (Value, PeerSourceId = the signal that traded).</summary>
    ConsolidationContributed,

    /// <summary>A held signal whose window ended without a decision (or that the full table dropped, oldest first).</summary>
    ConsolidationExpired,

    /// <summary>A held signal replaced by a newer one of the same source (Value = the newer signal id).</summary>
    ConsolidationSuperseded,

    // Issue 19: amend and cancel (OrderManagerHandler.Amend.cs). Appended, as above.

    /// <summary>An amend sent to the venue (Quantity = new total, PriceRaw = new limit, Value = leaves now).</summary>
    OrderAmendRequested,

    /// <summary>The venue replaced the order: its new total quantity (Quantity), limit (PriceRaw) and leaves (Value).</summary>
    OrderReplaced,

    /// <summary>The venue refused an amend or cancel (Reason); the order stands as it was.</summary>
    OrderAmendRejected,

    // Order groups (issue 19, OrderManagerHandler.Groups): an exit's placement is an OrderSubmitted with its origin, a resize or move an OrderAmendRequested.

    /// <summary>An exit canceled by its group: the other one filled, nothing is left to protect, or it is replaced (Value = the entry's id).</summary>
    GroupExitCanceled,

    /// <summary>An exit that ended without its group asking (rejected, expired, canceled by someone else): not placed again (Value = the entry's id; ClientOrderId 0 = an exit the engine held, dropped with the other one).</summary>
    GroupExitDropped,

    // Stops the engine holds for a venue without stop orders (issue 19, OrderManagerHandler.Stops.cs). Appended, as above.

    /// <summary>A signal's stop or stop-limit the engine holds instead of sending (PriceRaw = its stop, Value = its limit, 0 for a stop).</summary>
    OrderHeld,

    /// <summary>The market reached a held order's stop: sent now as a market order, or a limit at PriceRaw (OrderType = what is sent).</summary>
    HeldOrderTriggered,
}
