using System.Diagnostics;
using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// The order manager: turns a sized intent into an order (the intent's type and time in force) with a deterministic client order id,
/// hands it to the broker gateway through the outbound ring, and applies execution reports —
/// state machine, fills into positions, average cost, P&amp;L and cash. The outbound claim
/// never waits: a full outbound ring rejects the order (GatewayBusy) rather than stall the
/// engine, which also means the gateway publishing reports back can never deadlock with it.
/// </summary>
/// <remarks>Runs on the trading thread; it is the outbound ring's only producer.</remarks>
public sealed partial class OrderManagerHandler : IValueEventHandler<EngineEvent>
{
    private readonly ValueRingBuffer<OrderCommand> _outbound;
    private readonly OrderStore _orders;
    private readonly Portfolio _portfolio;
    private readonly AuditTrail _audit;
    private readonly EngineCounters _counters;
    private readonly AgentBook? _agents;

    // Orders per symbol whose venue state is unknown; while any is, the symbol takes no new
    // orders (we cannot know the position the venue holds). Written on the trading thread only.
    private readonly int[] _unknownPerSymbol;

    public OrderManagerHandler(ValueRingBuffer<OrderCommand> outbound, OrderStore orders, Portfolio portfolio, AuditTrail audit, EngineCounters counters, AgentBook? agents = null)
    {
        _agents = agents;
        _outbound = outbound;
        _orders = orders;
        _portfolio = portfolio;
        _audit = audit;
        _counters = counters;
        _unknownPerSymbol = new int[portfolio.SymbolCount];
        _groups = new long[orders.Capacity];
        _groupsPerSymbol = new int[portfolio.SymbolCount];
        _held = new long[orders.Capacity];
        _heldPerSymbol = new int[portfolio.SymbolCount];
    }

    /// <summary>Whether new orders in <paramref name="symbolId"/> are paused by an order in doubt (any thread; a snapshot).</summary>
    public bool IsPaused(int symbolId) => Volatile.Read(ref _unknownPerSymbol[symbolId]) > 0;

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        _sequence = sequence;
        switch (data.Kind)
        {
            case EventKind.ExecutionReport:
                OnExecutionReport(ref data);
                return;
            case EventKind.Command:
                OnCommand(ref data, sequence);
                return;
            case EventKind.TradeTick or EventKind.Bar:
                OnHeldMarket(ref data); // stops the engine holds for venues without them (issue 19)
                OnGroupMarket(ref data); // trailing stops and order groups' exits (issue 19)
                break;
        }

        if (data.Kind == EventKind.TradeSignal && data.Action != SignalAction.New)
        {
            if (data.Reject == RejectReason.None)
            {
                OnSignalAction(ref data); // amend or cancel of an order the source has (issue 19; OrderManagerHandler.Amend.cs)
            }
        }
        else if (data.HasIntent && data.Reject == RejectReason.None && data.Quantity > 0)
        {
            Submit(ref data);
        }

        // The last stage: the signal's (or rule's, or exit's) outcome is final; its source is accountable for it.
        if (data.Kind == EventKind.TradeSignal || data.HasIntent)
        {
            _agents?.OnDecided(data.SourceId, data.Reject, data.ClientOrderId != 0 && data.Action == SignalAction.New);
        }
    }

    private void Submit(ref EngineEvent e)
    {
        OrderType type = SignalIntentRules.Resolve(e.IntentOrderType, e.IntentLimitRaw, e.IntentStopRaw);
        GroupLink link = e.Kind != EventKind.TradeSignal || !e.Exits.Any ? default
            : type == OrderType.TrailingStop ? GroupLink.Trail(e.Exits) // a trailing-stop order: its trail is its own, no group
            : GroupLink.Entry(e.Exits); // an entry with its exits (issue 19)
        RejectReason refused = Send(e.SymbolId, e.IntentSide, e.Quantity, type, e.IntentTif, e.IntentLimitRaw, e.IntentStopRaw, e.Origin, e.SourceId, e.SignalId, e.TsEventNs, e.PublishTimestamp, in link, out long clientOrderId);
        if (refused != RejectReason.None)
        {
            Refusal.Record(ref e, refused, _counters, _audit);
            return;
        }

        e.ClientOrderId = clientOrderId;
    }

    /// <summary>Creates an order and hands it to the gateway; never waits (a full outbound ring is GatewayBusy).</summary>
    private RejectReason Send(int symbolId, Side side, long quantity, OrderType type, TimeInForce tif, long limitRaw, long stopRaw, IntentOrigin origin, int sourceId, long signalId, long tsNs, long causePublishTimestamp, in GroupLink link, out long clientOrderId)
    {
        clientOrderId = 0;
        if (!_orders.HasCapacity)
        {
            return RejectReason.MaxOpenOrders;
        }

        if ((uint)symbolId < (uint)_unknownPerSymbol.Length && _unknownPerSymbol[symbolId] > 0)
        {
            return RejectReason.SymbolPaused;
        }

        if (VenueCapabilityTable.EngineHolds(CapabilitiesOf(symbolId), type, tif, stopRaw) && link.Role is OrderGroupRole.None or OrderGroupRole.Entry)
        {
            clientOrderId = Hold(symbolId, side, quantity, type, tif, limitRaw, stopRaw, origin, sourceId, signalId, tsNs, in link); // OrderManagerHandler.Stops.cs
            return RejectReason.None;
        }

        long outSequence = -1;
        if (!SuppressSending && !_outbound.TryNext(out outSequence))
        {
            return RejectReason.GatewayBusy;
        }

        if (SuppressSending)
        {
            ref OrderRecord recovered = ref _orders.Create(symbolId, side, type, tif, quantity, limitRaw, stopRaw, origin, sourceId, signalId, tsNs);
            LinkGroup(ref recovered, in link);
            clientOrderId = recovered.ClientOrderId;
            _counters.OrdersSubmitted++; // recovery: the order was sent before the restart; its reports follow in the journal
            return RejectReason.None;
        }

        // A claimed slot is always published: if anything below throws (the order table, the
        // inline journal's write), it leaves as the no-op OrderCommandKind.None the gateway ignores.
        try
        {
            ref OrderRecord order = ref _orders.Create(symbolId, side, type, tif, quantity, limitRaw, stopRaw, origin, sourceId, signalId, tsNs);
            LinkGroup(ref order, in link);
            clientOrderId = order.ClientOrderId;
            WriteSubmit(outSequence, in order, type, tif, limitRaw, stopRaw, tsNs, causePublishTimestamp);
        }
        catch
        {
            _outbound[outSequence] = default;
            throw;
        }
        finally
        {
            _outbound.Publish(outSequence);
        }

        _counters.OrdersSubmitted++;
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.OrderSubmitted,
            SymbolId = symbolId,
            Side = side,
            OrderType = type,
            Origin = origin,
            Quantity = quantity,
            PriceRaw = limitRaw,
            ClientOrderId = clientOrderId,
            SignalId = signalId,
            SourceId = sourceId,
            TsEventNs = tsNs,
        });
        return RejectReason.None;
    }

    /// <summary>Writes the submit command of <paramref name="order"/> into the claimed outbound slot, as <paramref name="type"/> and <paramref name="tif"/> at these prices (the caller publishes it).</summary>
    private void WriteSubmit(long outSequence, in OrderRecord order, OrderType type, TimeInForce tif, long limitRaw, long stopRaw, long tsNs, long causePublishTimestamp)
    {
        ref OrderCommand command = ref _outbound[outSequence];
        command = default; // the ring reuses slots: nothing of an earlier command (a native entry's exits, a trail) may stay
        command.Kind = OrderCommandKind.SubmitOrder;
        command.ClientOrderId = order.ClientOrderId;
        command.SymbolId = order.SymbolId;
        command.Side = order.Side;
        command.OrderType = type;
        command.TimeInForce = tif;
        command.Quantity = order.LeavesQuantity;
        command.LimitPriceRaw = limitRaw;
        command.StopPriceRaw = stopRaw;
        command.Origin = order.Origin;
        command.TsEventNs = tsNs;
        command.CausePublishTimestamp = causePublishTimestamp;
        LinkCommand(ref command, in order);
        InlineJournal?.FlushBeforeRelease(); // the order's cause is written before the order leaves

        // Instrumentation only: a monotonic timestamp per order (not per event), never read by
        // any decision, so replay stays deterministic. It is the end of the measured latency.
        command.HandoffTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Closes every position with a market order. Called right after every open order was sent
    /// a cancel on the same outbound ring, so the cancels reach the venue first and the whole
    /// position is closed. (A real venue may still fill a canceled order in flight; the
    /// resulting small reversal shows in the next reconciliation.)
    /// </summary>
    private void Flatten(long tsNs)
    {
        for (int s = 0; s < _portfolio.SymbolCount; s++)
        {
            long position = _portfolio.Quantity(s);
            if (position == 0)
            {
                continue;
            }

            RejectReason refused = Send(s, position > 0 ? Side.Sell : Side.Buy, Math.Abs(position), OrderType.Market, TimeInForce.Day, 0, 0, IntentOrigin.Operator, EngineSources.Operator, 0, tsNs, 0, default, out _);
            if (refused != RejectReason.None)
            {
                _counters.Reject(refused);
                _agents?.OnReject(EngineSources.Operator, refused);
            }
            else
            {
                _agents?.OnOrder(EngineSources.Operator); // no signal: the operator's command placed it
            }
        }
    }

    private void OnExecutionReport(ref EngineEvent e)
    {
        _counters.ExecutionReports++;
        if (!_orders.TryFind(e.ReportOrderId, out int slot) && !TryFindNativeLeg(e.ReportOrderId, e.TsEventNs, out slot)) // a venue-created leg: OrderManagerHandler.Groups.cs
        {
            _counters.IllegalReports++;
            _audit.TryPublish(new AuditRecord { Kind = AuditKind.IllegalReport, ClientOrderId = e.ReportOrderId, TsEventNs = e.TsEventNs });
            return;
        }

        ref OrderRecord order = ref _orders[slot];

        // Whose report this is, for every consumer after the trading stages (they need not read the order table).
        e.SourceId = order.SourceId;
        e.SignalId = order.SignalId;
        e.Origin = order.Origin;
        if (order.GroupRole is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss or OrderGroupRole.TrailingStop)
        {
            StampExitTerms(ref e, in order); // no signal announced a group exit: its terms travel with its reports
        }
        if (e.ExecType is ExecutionType.Replaced or ExecutionType.AmendRejected)
        {
            OnAmendReport(ref e, ref order, slot); // OrderManagerHandler.Amend.cs
            if (order.GroupRole != OrderGroupRole.None)
            {
                OnGroupAmendReport(order.ClientOrderId, e.ExecType == ExecutionType.Replaced, e.TsEventNs); // an exit's resize or move answered
            }

            return;
        }

        bool isFill = e.ExecType is ExecutionType.Fill or ExecutionType.PartialFill;
        long fill = isFill ? e.FillQuantity : 0;
        if (!OrderStateMachine.TryApply(order.Status, e.ExecType, fill, order.LeavesQuantity, out OrderStatus next)
            || (isFill && e.FillPriceRaw <= 0))
        {
            _counters.IllegalReports++;
            _audit.TryPublish(new AuditRecord { Kind = AuditKind.IllegalReport, ClientOrderId = e.ReportOrderId, SymbolId = order.SymbolId, TsEventNs = e.TsEventNs });
            return;
        }

        OrderStatus before = order.Status;
        _orders.Update(slot, next, fill, e.FillPriceRaw, e.TsEventNs);
        if (before != next && (before == OrderStatus.Unknown || next == OrderStatus.Unknown))
        {
            Volatile.Write(ref _unknownPerSymbol[order.SymbolId], _unknownPerSymbol[order.SymbolId] + (next == OrderStatus.Unknown ? 1 : -1));
        }
        if (OrderStateMachine.IsTerminal(next))
        {
            _counters.OrderFinished(next);
        }

        var record = new AuditRecord
        {
            SymbolId = order.SymbolId,
            Side = order.Side,
            ClientOrderId = order.ClientOrderId,
            Quantity = fill,
            PriceRaw = e.FillPriceRaw,
            Reason = e.ReportReject,
            Value = order.LeavesQuantity,
            Origin = order.Origin,
            SignalId = order.SignalId,
            SourceId = order.SourceId,
            TsEventNs = e.TsEventNs,
        };

        if (isFill)
        {
            _portfolio.ApplyFill(order.SymbolId, order.Side, fill, e.FillPriceRaw, e.CommissionRaw);
            _agents?.OnFill(order.SourceId, order.SymbolId, order.Side, fill, e.FillPriceRaw, e.CommissionRaw); // the agent whose order it is
            if (next == OrderStatus.Filled)
            {
                _counters.Fills++;
                record.Kind = AuditKind.OrderFilled;
            }
            else
            {
                _counters.PartialFills++;
                record.Kind = AuditKind.OrderPartiallyFilled;
            }
        }
        else
        {
            record.Kind = next switch
            {
                OrderStatus.Accepted => AuditKind.OrderAccepted,
                OrderStatus.Canceled => AuditKind.OrderCanceled,
                OrderStatus.Rejected => AuditKind.OrderRejected,
                OrderStatus.Unknown => AuditKind.OrderStatusUnknown,
                _ => AuditKind.OrderExpired,
            };
            if (next == OrderStatus.Rejected)
            {
                _counters.Reject(RejectReason.BrokerRejected);
                _agents?.OnReject(order.SourceId, RejectReason.BrokerRejected);
            }
        }

        _audit.TryPublish(record);
        if (_groupCount > 0 || order.GroupRole != OrderGroupRole.None)
        {
            OnGroupReport(order.ClientOrderId, fill, next, e.ReportReject, e.TsEventNs);
        }
    }

    /// <summary>
    /// A group exit's terms on its report, for consumers after the trading stages (the agent feed tracks an agent's
    /// exits from them, issue 19): <see cref="EngineEvent.TargetOrderId"/> its entry's id, <see cref="EngineEvent.ReportSide"/>
    /// its side, and its type, time in force, prices and quantity in the intent fields (unused on a report; not journaled).
    /// </summary>
    private static void StampExitTerms(ref EngineEvent e, in OrderRecord order)
    {
        e.TargetOrderId = order.GroupId;
        e.ReportSide = order.Side;
        e.IntentOrderType = order.OrderType;
        e.IntentTif = order.TimeInForce;
        e.IntentLimitRaw = order.LimitRaw;
        e.IntentStopRaw = order.StopRaw;
        e.Quantity = order.Quantity;
    }

    /// <summary>
    /// Recovery from the journal: orders and cancels are recreated in the engine's books (same
    /// deterministic ids) but not handed to the gateway — they already went out before the restart.
    /// </summary>
    internal bool SuppressSending { get; set; }

    /// <summary>
    /// The journal when it runs inline on this thread (<see cref="Journal.JournalPlacement.Inline"/>):
    /// written (and synced per policy) before every release, so nothing leaves that the journal lacks.
    /// </summary>
    internal Journal.JournalHandler? InlineJournal { get; set; }

    /// <summary>Set by the engine: what <see cref="CommandKind.PublishSnapshot"/> writes (the order manager runs last, so it sees every earlier event applied).</summary>
    internal Action<long>? SnapshotWriter { get; set; }

    private void OnCommand(ref EngineEvent e, long sequence)
    {
        _counters.Commands++;
        if (e.Command == CommandKind.PublishSnapshot)
        {
            SnapshotWriter?.Invoke(e.TsEventNs);
            return;
        }

        if (e.Command == CommandKind.SetCash)
        {
            _portfolio.SetCash(e.CommandArg);
            return;
        }

        if (e.Command == CommandKind.AdjustCash)
        {
            _portfolio.AdjustCash(e.CommandArg);
            return;
        }

        if (e.Command == CommandKind.AdjustCurrencyCash)
        {
            if ((uint)e.SymbolId < (uint)_portfolio.SymbolCount)
            {
                _portfolio.AdjustCashOf(_portfolio.Currencies.Of(e.SymbolId), e.CommandArg);
            }

            return;
        }

        if (e.Command == CommandKind.Checkpoint)
        {
            // Last stage: its section completes the buffer, which goes to the snapshot writer's thread.
            if (Checkpoints is { } checkpoints && checkpoints.TryGetSection(sequence, SnapshotSection.OrderManager, out Span<byte> section))
            {
                var writer = new StateWriter(section);
                WriteState(ref writer);
                checkpoints.Complete(sequence);
            }

            return;
        }

        if (e.Command is CommandKind.CancelAllOrders or CommandKind.EngageKillSwitch or CommandKind.FlattenAll)
        {
            var visitor = new CancelVisitor(this, e.TsEventNs);
            int open = _orders.ForEachOpen(ref visitor);
            _audit.TryPublish(new AuditRecord { Kind = AuditKind.CancelAllRequested, Quantity = open, TsEventNs = e.TsEventNs });
        }

        // Flatten: on its own command, or with the kill switch when its argument asks for it.
        if (e.Command == CommandKind.FlattenAll || (e.Command == CommandKind.EngageKillSwitch && e.CommandArg == KillSwitchFlatten))
        {
            Flatten(e.TsEventNs);
        }
    }

    /// <summary>Set by the engine when it takes snapshots; null = Checkpoint commands are ignored.</summary>
    internal CheckpointCoordinator? Checkpoints { get; set; }

    /// <summary>This stage's snapshot section: orders in doubt per symbol, the order table, the portfolio, the trading stages' counters, the per-agent book.</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32s(_unknownPerSymbol);
        _orders.WriteState(ref w);
        _portfolio.WriteState(ref w);
        _counters.WriteTradingState(ref w);
        _agents?.WriteState(ref w);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int32s(_unknownPerSymbol);
        _orders.ReadState(ref r);
        RebuildGroups();
        RebuildHeld();
        _portfolio.ReadState(ref r);
        _counters.ReadTradingState(ref r);
        _agents?.ReadState(ref r);
    }

    /// <summary>Argument of <see cref="CommandKind.EngageKillSwitch"/> that also closes every position.</summary>
    public const long KillSwitchFlatten = 1;

    /// <summary>Hands a cancel of <paramref name="order"/> to the gateway; false when the outbound ring is full (counted).</summary>
    private bool SendCancel(in OrderRecord order, long tsNs)
    {
        if (!SuppressSending && Hand(OrderCommandKind.CancelOrder, in order, 0, 0, 0, tsNs) != RejectReason.None)
        {
            _counters.Reject(RejectReason.GatewayBusy);
            return false;
        }

        _counters.CancelsSent++;
        return true;
    }

    private struct CancelVisitor(OrderManagerHandler owner, long tsNs) : IOrderVisitor
    {
        public readonly void Visit(ref OrderRecord order)
        {
            if (!order.CancelPending)
            {
                owner.RequestCancel(ref order, tsNs);
            }
        }
    }
}
