using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// Amend and cancel of open orders (issue 19): by signals (<see cref="SignalAction"/>, judged by risk and
/// sizing through <see cref="AmendRules"/>) and by the order groups' exits (<see cref="SendAmend"/>). An
/// amend or cancel is in flight until the venue answers — <see cref="OrderRecord.AmendPending"/>,
/// <see cref="OrderRecord.CancelPending"/> — and the order changes only on <see cref="ExecutionType.Replaced"/>.
/// Both flags are rebuilt by journal replay (the signal or command that caused them is journaled), so
/// the gateways re-send a cancel that was in flight at a crash when they take the recovered orders over.
/// </summary>
public sealed partial class OrderManagerHandler
{
    /// <summary>
    /// Sends an <see cref="OrderCommandKind.AmendOrder"/> for an open order — new total quantity (fills
    /// included) and prices (0 = unchanged) — and marks it <see cref="OrderRecord.AmendPending"/>; the
    /// order changes only when the venue answers <see cref="ExecutionType.Replaced"/>. Returns the
    /// refusal (NotAmendable while another amend or a cancel is pending, for a change of nothing, a
    /// price the order type has no use for, or a quantity not above what is filled; GatewayBusy when
    /// the outbound ring is full), counted; the caller records it where it has an event to record it in.
    /// </summary>
    internal RejectReason SendAmend(ref OrderRecord order, long quantity, long limitRaw, long stopRaw, long tsNs)
    {
        quantity = quantity > 0 ? quantity : order.Quantity;
        limitRaw = limitRaw > 0 ? limitRaw : order.LimitRaw;
        stopRaw = stopRaw > 0 ? stopRaw : order.StopRaw;
        RejectReason refused = order.IsOpen ? AmendRules.CheckTerms(in order, quantity, limitRaw, stopRaw) : RejectReason.NoSuchOrder;
        if (refused == RejectReason.None && order.Status == OrderStatus.Held)
        {
            AmendHeld(ref order, quantity, limitRaw, stopRaw, tsNs); // the engine holds it: changed at once (OrderManagerHandler.Stops.cs)
            return RejectReason.None;
        }

        if (refused == RejectReason.None && !SuppressSending)
        {
            refused = Hand(OrderCommandKind.AmendOrder, in order, quantity, limitRaw, stopRaw, tsNs);
        }

        if (refused != RejectReason.None)
        {
            _counters.Reject(refused);
            return refused;
        }

        order.AmendPending = true;
        order.AmendQuantity = quantity;
        order.AmendLimitRaw = limitRaw;
        order.AmendStopRaw = stopRaw;
        _audit.TryPublish(OrderAudit(AuditKind.OrderAmendRequested, in order, quantity, limitRaw, RejectReason.None, tsNs));
        return RejectReason.None;
    }

    /// <summary>Sends a cancel for an open order and marks it <see cref="OrderRecord.CancelPending"/>; false when the outbound ring is full (counted).</summary>
    internal bool RequestCancel(ref OrderRecord order, long tsNs)
    {
        if (order.Status == OrderStatus.Held && _orders.TryFind(order.ClientOrderId, out int slot))
        {
            EndHeld(slot, OrderStatus.Canceled, tsNs); // the engine holds it: canceled at once (OrderManagerHandler.Stops.cs)
            return true;
        }

        if (!SendCancel(in order, tsNs))
        {
            return false;
        }

        order.CancelPending = true;
        return true;
    }

    /// <summary>An amend or cancel signal that risk and sizing passed: sent to the venue for its target; the ack names the target.</summary>
    private void OnSignalAction(ref EngineEvent e)
    {
        RejectReason refused = AmendRules.Target(_orders, in e, out int slot);
        if (refused == RejectReason.None)
        {
            ref OrderRecord order = ref _orders[slot];
            if (e.Action == SignalAction.Cancel)
            {
                refused = RequestCancel(ref order, e.TsEventNs) ? RejectReason.None : RejectReason.GatewayBusy;
            }
            else
            {
                AmendRules.NewTerms(in order, in e, out long quantity, out long limitRaw, out long stopRaw);
                refused = SendAmend(ref order, quantity, limitRaw, stopRaw, e.TsEventNs);
            }

            if (refused != RejectReason.None)
            {
                e.Reject = refused; // counted where it was found (SendCancel, SendAmend)
                _audit.TryPublish(new AuditRecord { Kind = AuditKind.RiskRejected, SymbolId = order.SymbolId, Side = order.Side, Reason = refused, SignalId = e.SignalId, SourceId = e.SourceId, TsEventNs = e.TsEventNs });
                return;
            }

            e.ClientOrderId = order.ClientOrderId;
            if (order.Status is OrderStatus.Held or OrderStatus.Canceled)
            {
                // A held order (OrderManagerHandler.Stops.cs) changed at once, with no venue to report it: the ack carries
                // what a venue's report would, so the stages after this one (the agent feed) see it.
                e.ReportOrderId = order.ClientOrderId;
                e.ExecType = order.Status == OrderStatus.Canceled ? ExecutionType.Canceled : ExecutionType.Replaced;
                e.ReportQuantity = order.Quantity;
                e.ReportLimitRaw = order.LimitRaw;
                e.ReportStopRaw = order.StopRaw;
            }

            return;
        }

        Refusal.Record(ref e, refused, _counters, _audit); // the order changed between risk and here (it cannot on one thread; kept for split pipelines)
    }

    /// <summary>
    /// The venue's answer to an amend (or a cancel): Replaced changes the order's quantity and prices
    /// (fills kept; leaves follow); AmendRejected leaves it as it was and clears what was pending — the
    /// amend if one was, else the cancel (the order stays open: a cancel refused for an order that is
    /// already done is followed by the venue's fill or end). Illegal for a closed or unknown order.
    /// </summary>
    private void OnAmendReport(ref EngineEvent e, ref OrderRecord order, int slot)
    {
        bool replaced = e.ExecType == ExecutionType.Replaced;
        if (!order.IsOpen || order.Status == OrderStatus.Unknown || (replaced && e.ReportQuantity <= order.FilledQuantity))
        {
            _counters.IllegalReports++;
            _audit.TryPublish(new AuditRecord { Kind = AuditKind.IllegalReport, ClientOrderId = e.ReportOrderId, SymbolId = order.SymbolId, TsEventNs = e.TsEventNs });
            return;
        }

        if (replaced)
        {
            _orders.Replace(slot, e.ReportQuantity, e.ReportLimitRaw, e.ReportStopRaw, e.TsEventNs);
            order.AmendPending = false;
            _audit.TryPublish(OrderAudit(AuditKind.OrderReplaced, in order, order.Quantity, order.LimitRaw, RejectReason.None, e.TsEventNs));
            return;
        }

        if (order.AmendPending)
        {
            order.AmendPending = false;
        }
        else
        {
            order.CancelPending = false;
        }

        order.TsUpdatedNs = e.TsEventNs;
        _audit.TryPublish(OrderAudit(AuditKind.OrderAmendRejected, in order, order.Quantity, order.LimitRaw, e.ReportReject, e.TsEventNs));
    }

    /// <summary>Claims an outbound slot and writes an order's command into it (always published); GatewayBusy when the ring is full.</summary>
    private RejectReason Hand(OrderCommandKind kind, in OrderRecord order, long quantity, long limitRaw, long stopRaw, long tsNs)
    {
        if (!_outbound.TryNext(out long outSequence))
        {
            return RejectReason.GatewayBusy;
        }

        ref OrderCommand command = ref _outbound[outSequence];
        command = default;
        try
        {
            InlineJournal?.FlushBeforeRelease(); // may throw: the slot then leaves as the no-op it is now
            command.Kind = kind;
            command.ClientOrderId = order.VenueClientOrderId; // a venue-created leg goes by its leg id
            command.SymbolId = order.SymbolId;
            command.Side = order.Side;
            command.OrderType = order.OrderType;
            command.TimeInForce = order.TimeInForce;
            command.Quantity = quantity;
            command.LimitPriceRaw = limitRaw;
            command.StopPriceRaw = stopRaw;
            command.Origin = order.Origin;
            command.GroupRole = order.GroupRole;
            command.GroupId = order.GroupId;
            command.TsEventNs = tsNs;
        }
        finally
        {
            _outbound.Publish(outSequence); // a claimed slot is always published
        }

        return RejectReason.None;
    }

    private static AuditRecord OrderAudit(AuditKind kind, in OrderRecord order, long quantity, long priceRaw, RejectReason reason, long tsNs) => new()
    {
        Kind = kind,
        SymbolId = order.SymbolId,
        Side = order.Side,
        OrderType = order.OrderType,
        Origin = order.Origin,
        ClientOrderId = order.ClientOrderId,
        Quantity = quantity,
        PriceRaw = priceRaw,
        Reason = reason,
        Value = order.LeavesQuantity,
        SignalId = order.SignalId,
        SourceId = order.SourceId,
        TsEventNs = tsNs,
    };
}
