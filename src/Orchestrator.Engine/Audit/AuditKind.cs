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
}
