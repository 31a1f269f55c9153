using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>Amend and cancel of open orders (issue 19): by signals (<see cref="SignalAction"/>) and by the order groups' exits.</summary>
public sealed partial class OrderManagerHandler
{
    /// <summary>
    /// Contract (issue 19, to be built): sends an <see cref="OrderCommandKind.AmendOrder"/> for an open order —
    /// new total quantity (fills included) and prices (0 = unchanged) — and marks it
    /// <see cref="OrderRecord.AmendPending"/>; the order changes only when the venue answers
    /// <see cref="ExecutionType.Replaced"/>. Returns the refusal (NotAmendable while another amend is
    /// pending or the quantity is below what is filled; GatewayBusy when the outbound ring is full).
    /// </summary>
    internal RejectReason SendAmend(ref OrderRecord order, long quantity, long limitRaw, long stopRaw, long tsNs)
    {
        _ = order;
        _ = quantity;
        _ = limitRaw;
        _ = stopRaw;
        _ = tsNs;
        _counters.Reject(RejectReason.NotAmendable);
        return RejectReason.NotAmendable;
    }
}
