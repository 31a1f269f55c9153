using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The agent feed, on the engine's outcome thread (after the trading stages, in sequence order;
/// called by <see cref="SignalOutcomeHandler"/>): writes trade ticks and the bars they close into
/// the ONE shared <see cref="MarketDataRing"/>, and turns the orders of external agents' signals and
/// their execution reports into each agent's reliable events (order updates, fills numbered by
/// <c>fill_seq</c>, the agent's own position after each fill) in its <see cref="AgentEventLog"/>.
/// At the end of a batch it wakes the writers with something new. Never blocks, never allocates:
/// per-symbol, per-order and per-agent state live in arrays sized at start.
/// <para>
/// Orders are attributed by the signal's source (forced to the hello name for agents) when the
/// order is created, and remembered by client order id (ids are sequential, so the table is
/// indexed by id; an agent order still open after <see cref="OrderWindow"/> later orders is
/// forgotten and counted in <see cref="UntrackedReports"/>). This also keeps the signal's client
/// id (<c>signal_id</c>) and the order's type, prices and quantity for the order lines. The exits the
/// engine places for an agent's group entry are the agent's too: they are tracked from their first report
/// (the order manager stamps their terms on it), so an exit's fill moves the agent's position line.
/// Quantities are in each symbol's units (issue 19); the lines write them in shares.
/// </para>
/// <para>
/// Feed bars (a bar file replayed by <c>run --data</c>) are a tick at their close and add their open, high, low,
/// close and volume to the bars. With exchange calendars the bars longer than a minute follow each symbol's
/// exchange (<see cref="SessionBars"/>: a 1d bar is the exchange's local day, shorter ones start at the open and
/// end at the close), as the engine's strategies get theirs (issue 20).
/// </para>
/// <para>
/// A stop the engine holds (status <c>held</c>) that the engine itself ends — expired at its exchange's close, or canceled
/// by cancel-all, the kill switch or flatten — has no venue report: the engine tells it in
/// <see cref="EngineEndedOrders"/> under the sequence of the event it ended on, and the feed writes its
/// <c>expired</c> / <c>canceled</c> line when it reaches that event (after the event's own lines).
/// </para>
/// </summary>
internal sealed class AgentFeed
{
    public const int OrderWindow = 1 << 14;

    private readonly MarketDataRing _ring;
    private readonly AgentDirectory _agents;
    private readonly GatewaySlot[] _slots;
    private readonly int _symbolCount;
    private readonly QuantityUnits _units;
    private readonly long[] _bidRaw;
    private readonly long[] _askRaw;
    private readonly long[] _lastRaw;
    private readonly BarBuilder[] _bars; // [symbol * timeframes + timeframe]
    private readonly TrackedOrder[] _orders;
    private readonly byte[] _orderIds;
    private readonly Position[] _positions; // [agent * symbols + symbol]
    private readonly long[] _fillSeq;
    private readonly bool[] _agentTouched;
    private bool _marketWritten;
    private bool _anyAgentTouched;
    private long _untracked;

    // Each symbol's venue capabilities: which stops the engine holds (shown as held); null = every venue takes stops.
    private readonly VenueCapabilities[]? _capabilities;

    // Each symbol's exchange calendar (the engine's, with calendars: exchange); null = bars on the UTC epoch grid.
    private readonly ExchangeCalendar?[]? _calendars;

    // The held orders the engine ended with no venue report (null = not followed).
    private readonly EngineEndedOrders? _ended;

    public AgentFeed(MarketDataRing ring, AgentDirectory agents, GatewaySlot[] slots, int symbolCount, QuantityUnits? units = null, VenueCapabilities[]? capabilities = null, ExchangeCalendar?[]? calendars = null, EngineEndedOrders? ended = null)
    {
        _calendars = calendars;
        _ended = ended;
        _units = units ?? QuantityUnits.Whole(symbolCount);
        _capabilities = capabilities;
        _ring = ring;
        _agents = agents;
        _slots = slots;
        _symbolCount = symbolCount;
        _bidRaw = new long[symbolCount];
        _askRaw = new long[symbolCount];
        _lastRaw = new long[symbolCount];
        _bars = new BarBuilder[symbolCount * BarTimeframes.Count];
        _orders = new TrackedOrder[OrderWindow];
        _orderIds = new byte[OrderWindow * SignalLineParser.MaxIdBytes];
        _positions = new Position[AgentDirectory.MaxAgents * symbolCount];
        _fillSeq = new long[AgentDirectory.MaxAgents];
        _agentTouched = new bool[AgentDirectory.MaxAgents];
    }

    /// <summary>Execution reports of agent orders that were no longer tracked (acquire).</summary>
    public long UntrackedReports => Volatile.Read(ref _untracked);

    /// <summary>Held orders the engine ended that its ring of ended orders dropped, full (the agent was not told of them).</summary>
    public long EndsDropped => _ended?.Dropped ?? 0;

    /// <summary>The event at ring sequence <paramref name="sequence"/>: its own lines, then those of the held orders the engine ended on it.</summary>
    public void OnEvent(ref EngineEvent e, long sequence, bool endOfBatch)
    {
        OnEvent(ref e, endOfBatch: false);
        while (_ended is not null && _ended.TryTake(sequence, out EngineEndedOrder ended))
        {
            OnEngineEnded(in ended);
        }

        if (endOfBatch)
        {
            WakeWriters();
        }
    }

    public void OnEvent(ref EngineEvent e, bool endOfBatch)
    {
        switch (e.Kind)
        {
            case EventKind.TradeTick:
            case EventKind.Bar:
                OnTrade(ref e);
                break;
            case EventKind.QuoteTick:
                if ((uint)e.SymbolId < (uint)_symbolCount)
                {
                    _bidRaw[e.SymbolId] = e.BidRaw != 0 ? e.BidRaw : _bidRaw[e.SymbolId];
                    _askRaw[e.SymbolId] = e.AskRaw != 0 ? e.AskRaw : _askRaw[e.SymbolId];
                }

                break;
            case EventKind.TradeSignal:
                if (e.ClientOrderId != 0 && e.Action == SignalAction.New)
                {
                    OnOrderCreated(ref e);
                }
                else if (e.ClientOrderId != 0 && e.ReportOrderId == e.ClientOrderId && e.ExecType is ExecutionType.Canceled or ExecutionType.Replaced)
                {
                    OnReport(ref e); // a held order's cancel or amend, done by the engine at once (the ack carries its outcome)
                }

                break;
            case EventKind.ExecutionReport:
                OnReport(ref e);
                break;
        }

        if (endOfBatch)
        {
            WakeWriters();
        }
    }

    private void OnTrade(ref EngineEvent e)
    {
        int symbol = e.SymbolId;
        if ((uint)symbol >= (uint)_symbolCount)
        {
            return;
        }

        _lastRaw[symbol] = e.PriceRaw;
        if (e.BidRaw != 0)
        {
            _bidRaw[symbol] = e.BidRaw;
        }

        if (e.AskRaw != 0)
        {
            _askRaw[symbol] = e.AskRaw;
        }

        ref MarketRecord r = ref _ring.BeginWrite();
        r.Kind = MarketRecordKind.Tick;
        r.Timeframe = 0;
        r.SymbolId = symbol;
        r.TsNs = e.TsEventNs;
        r.PriceRaw = e.PriceRaw;
        r.Size = e.Size;
        r.BidRaw = _bidRaw[symbol];
        r.AskRaw = _askRaw[symbol];
        r.OpenRaw = r.HighRaw = r.LowRaw = 0;
        _ring.EndWrite(ref r);
        _marketWritten = true;
        bool isBar = e.Kind == EventKind.Bar;
        OnTradeForBars(symbol, e.TsEventNs, isBar && e.OpenRaw > 0 ? e.OpenRaw : e.PriceRaw, isBar && e.HighRaw > 0 ? e.HighRaw : e.PriceRaw, isBar && e.LowRaw > 0 ? e.LowRaw : e.PriceRaw, e.PriceRaw, e.Size);
    }

    /// <summary>
    /// The 1-minute bar from trades (or feed bars' OHLCV); on its close, the larger timeframes from it. Every bar goes out
    /// when the first trade past its end arrives (as the engine's own strategies get theirs), shortest
    /// timeframe first.
    /// </summary>
    private void OnTradeForBars(int symbol, long tsNs, long openRaw, long highRaw, long lowRaw, long priceRaw, long size)
    {
        ref BarBuilder minute = ref _bars[symbol * BarTimeframes.Count];
        long start = tsNs - (tsNs % BarTimeframes.LengthNs[0]);
        if (minute.Open && start > minute.StartNs)
        {
            BarBuilder closed = minute;
            Emit(symbol, 0, closed);
            for (int tf = 1; tf < BarTimeframes.Count; tf++)
            {
                Aggregate(symbol, tf, closed, start);
            }

            minute.Open = false;
        }

        if (minute.Open && start < minute.StartNs)
        {
            return; // late trade: its minute is closed
        }

        if (!minute.Open)
        {
            minute = new BarBuilder { Open = true, StartNs = start, EndNs = start + BarTimeframes.LengthNs[0], OpenRaw = openRaw, HighRaw = highRaw, LowRaw = lowRaw, CloseRaw = priceRaw, Volume = size };
            return;
        }

        minute.HighRaw = Math.Max(minute.HighRaw, highRaw);
        minute.LowRaw = Math.Min(minute.LowRaw, lowRaw);
        minute.CloseRaw = priceRaw;
        minute.Volume += size;
    }

    /// <summary>
    /// Adds a closed minute to timeframe <paramref name="tf"/>'s bar, and closes that bar when the
    /// trade that closed the minute (in the minute starting <paramref name="nextMinuteNs"/>) is past its end.
    /// </summary>
    private void Aggregate(int symbol, int tf, in BarBuilder closedMinute, long nextMinuteNs)
    {
        ref BarBuilder bar = ref _bars[(symbol * BarTimeframes.Count) + tf];
        if (!bar.Open)
        {
            bar = closedMinute;
            SessionBars.Bounds(BarTimeframes.LengthNs[tf], _calendars?[symbol], closedMinute.StartNs, out bar.StartNs, out bar.EndNs);
        }
        else
        {
            bar.HighRaw = Math.Max(bar.HighRaw, closedMinute.HighRaw);
            bar.LowRaw = Math.Min(bar.LowRaw, closedMinute.LowRaw);
            bar.CloseRaw = closedMinute.CloseRaw;
            bar.Volume += closedMinute.Volume;
        }

        if (nextMinuteNs >= bar.EndNs)
        {
            Emit(symbol, tf, bar);
            bar.Open = false;
        }
    }

    private void Emit(int symbol, int tf, in BarBuilder bar)
    {
        ref MarketRecord r = ref _ring.BeginWrite();
        r.Kind = MarketRecordKind.Bar;
        r.Timeframe = (byte)tf;
        r.SymbolId = symbol;
        r.TsNs = bar.StartNs;
        r.OpenRaw = bar.OpenRaw;
        r.HighRaw = bar.HighRaw;
        r.LowRaw = bar.LowRaw;
        r.PriceRaw = bar.CloseRaw;
        r.Size = bar.Volume;
        r.BidRaw = r.AskRaw = 0;
        _ring.EndWrite(ref r);
        _marketWritten = true;
    }

    private void OnOrderCreated(ref EngineEvent e)
    {
        if (_agents.BySource(e.SourceId) is not { } agent || (uint)e.SymbolId >= (uint)_symbolCount)
        {
            return;
        }

        int index = (int)(e.ClientOrderId & (OrderWindow - 1));
        ref TrackedOrder order = ref _orders[index];
        order = new TrackedOrder
        {
            OrderId = e.ClientOrderId,
            Agent = agent.Index,
            SymbolId = e.SymbolId,
            Side = e.IntentSide,
            OrderType = e.IntentOrderType,
            Tif = e.IntentTif,
            Quantity = e.Quantity,
            LimitRaw = e.IntentLimitRaw,
            StopRaw = e.IntentStopRaw,
            Exits = e.Exits,
            IdLength = -1,
        };

        // The client's id is still in its connection slot: the outcome (which frees it) is decided after this.
        if (GatewaySlot.TryGetSlot(e.SignalId, out int slot) && (uint)slot < (uint)_slots.Length)
        {
            order.IdLength = _slots[slot].CopyClientId(e.SignalId, _orderIds.AsSpan(index * SignalLineParser.MaxIdBytes, SignalLineParser.MaxIdBytes));
        }

        VenueCapabilities venue = _capabilities is { } capabilities && (uint)e.SymbolId < (uint)capabilities.Length ? capabilities[e.SymbolId] : VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop;
        order.Held = VenueCapabilityTable.EngineHolds(venue, SignalIntentRules.Resolve(order.OrderType, order.LimitRaw, order.StopRaw), order.Tif, order.StopRaw);
        WriteOrder(agent, ref order, order.Held ? OrderStatus.Held : OrderStatus.PendingNew, RejectReason.None, e.TsEventNs);
    }

    private void OnReport(ref EngineEvent e)
    {
        ref TrackedOrder order = ref _orders[(int)(e.ReportOrderId & (OrderWindow - 1))];
        if ((order.OrderId != e.ReportOrderId || e.ReportOrderId == 0) && !TryAdoptExit(ref e, ref order))
        {
            if (e.SourceId != 0 && _agents.BySource(e.SourceId) is not null)
            {
                Volatile.Write(ref _untracked, _untracked + 1); // stamped as an agent's, but fell out of the window
            }

            return;
        }

        if (_agents.ByIndex[order.Agent] is not { } agent)
        {
            return;
        }

        OrderStatus status;
        switch (e.ExecType)
        {
            case ExecutionType.Accepted:
                order.Held = false; // a held stop reached its stop: now at the venue
                status = OrderStatus.Accepted;
                break;
            case ExecutionType.PartialFill:
            case ExecutionType.Fill:
                order.Filled += e.FillQuantity;
                status = e.ExecType == ExecutionType.Fill || e.LeavesQuantity == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled;
                break;
            case ExecutionType.Canceled:
                status = OrderStatus.Canceled;
                break;
            case ExecutionType.Rejected:
                status = OrderStatus.Rejected;
                break;
            case ExecutionType.Expired:
                status = OrderStatus.Expired;
                break;
            case ExecutionType.Replaced:
                // An amend the venue took (issue 19): the order works on with its new total and prices.
                order.Quantity = e.ReportQuantity;
                order.LimitRaw = e.ReportLimitRaw;
                order.StopRaw = e.ReportStopRaw;
                status = order.Held ? OrderStatus.Held : order.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Accepted;
                break;
            case ExecutionType.AmendRejected:
                status = order.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Accepted; // the order stands as it was
                break;
            default:
                status = OrderStatus.Unknown;
                break;
        }

        WriteOrder(agent, ref order, status, e.ReportReject, e.TsEventNs);
        if (e.ExecType is ExecutionType.PartialFill or ExecutionType.Fill)
        {
            WriteFill(agent, ref order, ref e); // after the order's update: the fill, then the position it leaves
        }

        if (status is OrderStatus.Filled or OrderStatus.Canceled or OrderStatus.Rejected or OrderStatus.Expired)
        {
            order.OrderId = 0; // done: free the entry
        }
    }

    /// <summary>A held order the engine ended by itself (no venue report): its expired or canceled line; one the feed does not track (another source's, or already ended by its cancel's ack) is skipped.</summary>
    private void OnEngineEnded(in EngineEndedOrder ended)
    {
        ref TrackedOrder order = ref _orders[(int)(ended.OrderId & (OrderWindow - 1))];
        if (order.OrderId != ended.OrderId || ended.OrderId == 0 || _agents.ByIndex[order.Agent] is not { } agent)
        {
            return;
        }

        WriteOrder(agent, ref order, ended.Status, RejectReason.None, ended.TsEventNs);
        order.OrderId = 0; // done: free the entry
    }

    /// <summary>
    /// The first report of a group exit the engine placed for an agent's entry (issue 19: take-profit, stop-loss,
    /// trailing stop, or the market close of a held one): no signal announced it, so it is tracked from here, with
    /// the terms the order manager stamped on the report. Its fills then move the agent's position line.
    /// </summary>
    private bool TryAdoptExit(ref EngineEvent e, ref TrackedOrder order)
    {
        OrderGroupRole role = e.Origin switch
        {
            IntentOrigin.TakeProfit => OrderGroupRole.TakeProfit,
            IntentOrigin.StopLoss => OrderGroupRole.StopLoss,
            IntentOrigin.TrailingStop => OrderGroupRole.TrailingStop,
            _ => OrderGroupRole.None,
        };
        if (e.ReportOrderId == 0 || e.TargetOrderId == 0 || role == OrderGroupRole.None
            || _agents.BySource(e.SourceId) is not { } agent || (uint)e.SymbolId >= (uint)_symbolCount)
        {
            return false;
        }

        order = new TrackedOrder
        {
            OrderId = e.ReportOrderId,
            Agent = agent.Index,
            SymbolId = e.SymbolId,
            Side = e.ReportSide,
            OrderType = e.IntentOrderType,
            Tif = e.IntentTif,
            Quantity = e.Quantity,
            LimitRaw = e.IntentLimitRaw,
            StopRaw = e.IntentStopRaw,
            GroupRole = role,
            GroupId = e.TargetOrderId,
            IdLength = -1,
        };
        return true;
    }

    private void WriteOrder(GatewayAgent agent, ref TrackedOrder order, OrderStatus status, RejectReason reject, long tsNs)
    {
        AgentEventLog log = agent.Log;
        ref AgentEvent a = ref log.BeginWrite();
        a = default;
        a.Sequence = -1;
        a.Kind = AgentEventKind.Order;
        a.OrderId = order.OrderId;
        a.SymbolId = order.SymbolId;
        a.Side = order.Side;
        a.OrderType = order.OrderType;
        a.Tif = order.Tif;
        a.Quantity = order.Quantity;
        a.Filled = order.Filled;
        a.PriceRaw = order.LimitRaw;
        a.SecondRaw = order.StopRaw;
        a.Exits = order.Exits;
        a.GroupRole = order.GroupRole;
        a.GroupId = order.GroupId;
        a.Status = status;
        a.Reject = reject;
        a.TsNs = tsNs;
        a.IdLength = CopyOrderId(ref order, log);
        Publish(agent, log, ref a);
    }

    private void WriteFill(GatewayAgent agent, ref TrackedOrder order, ref EngineEvent e)
    {
        long fillSeq = ++_fillSeq[agent.Index];
        AgentEventLog log = agent.Log;
        ref AgentEvent f = ref log.BeginWrite();
        f = default;
        f.Sequence = -1;
        f.Kind = AgentEventKind.Fill;
        f.FillSeq = fillSeq;
        f.OrderId = order.OrderId;
        f.SymbolId = order.SymbolId;
        f.Side = order.Side;
        f.Quantity = e.FillQuantity;
        f.PriceRaw = e.FillPriceRaw;
        f.SecondRaw = e.CommissionRaw;
        f.Filled = e.LeavesQuantity;
        f.TsNs = e.TsEventNs;
        f.IdLength = CopyOrderId(ref order, log);
        Publish(agent, log, ref f);
        agent.Counters.SetFills(fillSeq);

        ref Position position = ref _positions[(agent.Index * _symbolCount) + order.SymbolId];
        long unitsPerShare = _units.PerShare(order.SymbolId);
        position.Apply(order.Side == Side.Sell ? -e.FillQuantity : e.FillQuantity, e.FillPriceRaw, e.CommissionRaw, unitsPerShare);
        long last = _lastRaw[order.SymbolId] != 0 ? _lastRaw[order.SymbolId] : e.FillPriceRaw;
        ref AgentEvent p = ref log.BeginWrite();
        p = default;
        p.Sequence = -1;
        p.Kind = AgentEventKind.Position;
        p.SymbolId = order.SymbolId;
        p.Quantity = position.Quantity;
        p.PriceRaw = position.AvgRaw;
        p.SecondRaw = position.RealizedRaw;
        p.UnrealizedRaw = position.Quantity == 0 ? 0 : Quantities.SaturatingNotional(last - position.AvgRaw, position.Quantity, unitsPerShare);
        p.TsNs = e.TsEventNs;
        p.IdLength = -1;
        Publish(agent, log, ref p);
    }

    private int CopyOrderId(ref TrackedOrder order, AgentEventLog log)
    {
        if (order.IdLength > 0)
        {
            int index = (int)(order.OrderId & (OrderWindow - 1));
            _orderIds.AsSpan(index * SignalLineParser.MaxIdBytes, order.IdLength).CopyTo(log.IdSpan());
        }

        return order.IdLength;
    }

    private void Publish(GatewayAgent agent, AgentEventLog log, ref AgentEvent e)
    {
        log.EndWrite(ref e);
        _agentTouched[agent.Index] = true;
        _anyAgentTouched = true;
        if (agent.Session is { } session && log.Count - session.ReliableCursor > session.QueueSize)
        {
            session.RequestKick(); // never dropped: the connection goes, the events stay for its replay
        }
    }

    private void WakeWriters()
    {
        if (_anyAgentTouched)
        {
            for (int i = 0; i < _agentTouched.Length; i++)
            {
                if (_agentTouched[i])
                {
                    _agentTouched[i] = false;
                    _agents.ByIndex[i]?.Session?.Work.Set();
                }
            }

            _anyAgentTouched = false;
        }

        if (_marketWritten)
        {
            _marketWritten = false;
            AgentSession?[] sessions = _agents.Sessions;
            for (int i = 0; i < sessions.Length; i++)
            {
                if (Volatile.Read(ref sessions[i]) is { WantsMarketData: true } session)
                {
                    session.Work.Set();
                }
            }
        }
    }

    private struct TrackedOrder
    {
        public long OrderId;
        public int Agent;
        public int SymbolId;
        public Side Side;
        public OrderType OrderType;
        public TimeInForce Tif;
        public long Quantity;
        public long Filled;
        public long LimitRaw;
        public long StopRaw;

        /// <summary>The exits the signal asked for (issue 19): the order is then a group's entry.</summary>
        public ProtectiveExits Exits;

        /// <summary>A group exit the engine placed for the agent's entry (issue 19), and that entry's id.</summary>
        public OrderGroupRole GroupRole;
        public long GroupId;
        public int IdLength;

        /// <summary>A stop the engine holds for a venue without stop orders (issue 19) until its venue's Accepted.</summary>
        public bool Held;
    }

    private struct BarBuilder
    {
        public bool Open;
        public long StartNs;
        public long EndNs;
        public long OpenRaw;
        public long HighRaw;
        public long LowRaw;
        public long CloseRaw;
        public long Volume;
    }

    /// <summary>
    /// An agent's position in one symbol from its own fills: signed quantity (in the symbol's units), average price,
    /// realized P&amp;L net of commissions (fixed point; a fractional symbol's money through <see cref="Quantities"/>).
    /// </summary>
    private struct Position
    {
        public long Quantity;
        public long AvgRaw;
        public long RealizedRaw;

        public void Apply(long signedQuantity, long priceRaw, long commissionRaw, long unitsPerShare)
        {
            RealizedRaw -= commissionRaw;
            if (Quantity == 0 || Math.Sign(Quantity) == Math.Sign(signedQuantity))
            {
                long total = Quantity + signedQuantity;
                AvgRaw = (long)((((Int128)AvgRaw * Math.Abs(Quantity)) + ((Int128)priceRaw * Math.Abs(signedQuantity))) / Math.Abs(total));
                Quantity = total;
                return;
            }

            long closing = Math.Min(Math.Abs(signedQuantity), Math.Abs(Quantity));
            long perShare = Quantity > 0 ? priceRaw - AvgRaw : AvgRaw - priceRaw;
            RealizedRaw += Quantities.SaturatingNotional(perShare, closing, unitsPerShare);
            long rest = Math.Abs(signedQuantity) - closing;
            Quantity += Math.Sign(signedQuantity) * closing;
            if (rest > 0)
            {
                Quantity = Math.Sign(signedQuantity) * rest;
                AvgRaw = priceRaw;
            }
            else if (Quantity == 0)
            {
                AvgRaw = 0;
            }
        }
    }
}
