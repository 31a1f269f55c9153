namespace Orchestrator.Strategies;

/// <summary>What became of a <see cref="IStrategyContext.Submit"/> call.</summary>
public enum SubmitStatus : byte
{
    /// <summary>Not looked at (default value).</summary>
    None = 0,

    /// <summary>Fast path: risk and sizing passed it and the order manager made an order (<see cref="SubmitResult.ClientOrderId"/>).</summary>
    Accepted,

    /// <summary>Fast path: the risk gate, sizing or the order manager refused it (<see cref="SubmitResult.Reject"/> says why).</summary>
    Rejected,

    /// <summary>Slow path: in the engine's ring, decided later; its order's updates arrive with <see cref="SubmitResult.SignalId"/>.</summary>
    Queued,

    /// <summary>
    /// Refused before the engine saw it (<see cref="SubmitResult.Reject"/> = InvalidSignal or
    /// SymbolNotAllowed, GatewayBusy when a slow-path strategy's signal found the ring full): a symbol
    /// that is not the strategy's, a malformed intent, a strategy that is not started or was disabled.
    /// </summary>
    Refused,

    /// <summary>
    /// Fast path: consolidation held it back before risk (daemon.yaml <c>consolidation:</c>): pending in
    /// its group's window, outvoted, or vetoed; the audit log says which. No order; <see cref="SubmitResult.Reject"/> is None.
    /// </summary>
    Held,
}
