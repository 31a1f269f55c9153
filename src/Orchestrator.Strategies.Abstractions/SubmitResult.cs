using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>The answer to <see cref="IStrategyContext.Submit"/>; check <see cref="IsAccepted"/> or <see cref="Status"/>.</summary>
public readonly struct SubmitResult
{
    public SubmitResult(SubmitStatus status, RejectReason reject, long signalId, long clientOrderId, long quantity)
    {
        Status = status;
        Reject = reject;
        SignalId = signalId;
        ClientOrderId = clientOrderId;
        Quantity = quantity;
    }

    public SubmitStatus Status { get; }

    /// <summary>Why not (None when accepted or queued).</summary>
    public RejectReason Reject { get; }

    /// <summary>The id the host gave the signal (0 when refused before the engine saw it); orders, fills and audit lines carry it.</summary>
    public long SignalId { get; }

    /// <summary>The order made (fast path, accepted); 0 otherwise.</summary>
    public long ClientOrderId { get; }

    /// <summary>Shares of the order made (after sizing and caps); 0 when none.</summary>
    public long Quantity { get; }

    /// <summary>True when the fast path made an order.</summary>
    public bool IsAccepted => Status == SubmitStatus.Accepted;

    /// <summary>True when the engine took the signal: an order was made (fast path) or it is queued (slow path).</summary>
    public bool IsTaken => Status is SubmitStatus.Accepted or SubmitStatus.Queued;
}
