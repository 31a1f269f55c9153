using Orchestrator.Core;
using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// Engine-held exits of order groups (issue 19): the exits that do not rest at the venue, which the order
/// manager watches on the symbol's trades and bars (event time; a bar's low and high) and turns into a
/// market order, day, when the market reaches them —
/// <list type="bullet">
/// <item>at a venue that takes no stop orders (<see cref="VenueCapabilities.StopOrders"/> missing: KIS) the
/// engine holds every exit of a group: the stop-loss or trailing stop and the take-profit; whichever the
/// market reaches first closes what the group protects at market, and the other is done with it. Nothing
/// rests at such a venue (KIS takes neither stops nor GTC orders, so no exit could rest there across days);
/// KIS sends the market order as a domestic market order, and a US one as its collared limit;</item>
/// <item>at a venue with stop orders, after the held take-profit was touched and placed (the stop it
/// replaced is gone, <see cref="OrderManagerHandler"/>'s group logic), the engine holds the stop: when it
/// triggers, the resting take-profit is canceled and the position closed at market once its Canceled is in.</item>
/// </list>
/// A held stop is checked against the trail as it stood before the event moves it. The shares protected
/// by held exits alone are published to the order table (<see cref="OrderStore.HeldSellQuantity"/>), so the
/// global exits leave them to their group as they do with exits resting at the venue.
/// <para>A signal's own stop or stop-limit for a venue without stop orders
/// (<see cref="VenueCapabilityTable.EngineHoldsStop"/>) is held the same way: the order is created
/// <see cref="OrderStatus.Held"/> and nothing goes out; the first trade or bar of its symbol that reaches the
/// stop (event time: a buy stop at or above it, a sell stop at or below it; a bar's high or low) sends it under
/// its own id as a market order (stop) or a limit at its limit price (stop-limit) — day, or ioc/fok as it
/// asked (a gtc one goes out as day: KIS takes no gtc). While held, its source's cancel ends it Canceled and
/// its amend changes it at once (no venue to ask); the kill switch and cancel-all cancel it like any open
/// order. A day (ioc, fok) one expires at its exchange's regular close after it was created (calendars on;
/// else at the end of that UTC day), on the symbol's first trade or bar at or after that time; a gtc one
/// is held until triggered or canceled. While its symbol is paused by an order in doubt it stays held.</para>
/// <para>A signal's own trailing stop for a venue without trailing-stop orders is held the same way: its mark starts
/// at the symbol's last trade when it is placed and follows the best price since — a sell's
/// high-water mark, a buy's low-water mark (<see cref="OrderRecord.TrailAnchorRaw"/>) — and its stop is the mark less
/// (plus) its trail, a price amount or millionths of the mark. A trade or bar reaching the stop as it stood before that
/// event sends it at market. While held its source may amend its quantity (it has no stop price of its own).</para>
/// </summary>
/// <remarks>Trading thread. The triggers are flags on the entry (<see cref="OrderRecord.StopTriggered"/>,
/// <see cref="OrderRecord.TakeProfitTouched"/>) and held orders' status, set by market events, so journal
/// replay and snapshots reach the same state; the market order is an exit like any other (recovered, placed
/// once). A held order's trigger and expiry follow from the journal's market events on replay — a trailing stop's mark
/// too, which lives on its record, so a snapshot carries it; the list of
/// held orders is rebuilt from the order table after a snapshot is read.</remarks>
public sealed partial class OrderManagerHandler
{
    // Ids of the orders the engine holds (status Held), ascending, with ended ones dropped lazily; per symbol how many are held.
    private readonly long[] _held;
    private readonly int[] _heldPerSymbol;
    private int _heldCount;

    // The event being handled: the ring's sequence an ended held order is told under (EndedOrders).
    private long _sequence;

    /// <summary>Set by the engine for its consumer after the trading stages: held orders ended without a venue report go here too (live only).</summary>
    internal EngineEndedOrders? EndedOrders { get; set; }

    /// <summary>Set by the engine when sessions follow the exchanges' calendars: each symbol id's calendar, for when a held day order expires (null = the UTC day).</summary>
    internal ExchangeCalendar?[]? Calendars { get; set; }

    /// <summary>Orders the engine holds for their venue (status <see cref="OrderStatus.Held"/>).</summary>
    public int HeldOrders
    {
        get
        {
            int held = 0;
            for (int s = 0; s < _heldPerSymbol.Length; s++)
            {
                held += _heldPerSymbol[s];
            }

            return held;
        }
    }

    /// <summary>A new stop or stop-limit the venue cannot take: created <see cref="OrderStatus.Held"/>, nothing sent (also in replay).</summary>
    private long Hold(int symbolId, Side side, long quantity, OrderType type, TimeInForce tif, long limitRaw, long stopRaw, IntentOrigin origin, int sourceId, long signalId, long tsNs, in GroupLink link)
    {
        if (_heldCount == _held.Length)
        {
            CompactHeld(); // only ended ones can be dropped: live held orders each keep a slot of the table, as long as this list
        }

        ref OrderRecord order = ref _orders.Create(symbolId, side, type, tif, quantity, limitRaw, stopRaw, origin, sourceId, signalId, tsNs);
        LinkGroup(ref order, in link);
        order.Status = OrderStatus.Held;
        if (type == OrderType.TrailingStop)
        {
            order.TrailAnchorRaw = _portfolio.MarkRaw(symbolId); // the mark starts at the last trade (risk passes no signal before the first)
            stopRaw = TrailingStopPrice(in order);
        }

        _held[_heldCount++] = order.ClientOrderId;
        _heldPerSymbol[symbolId]++;
        if (!SuppressSending)
        {
            _audit.TryPublish(new AuditRecord
            {
                Kind = AuditKind.OrderHeld,
                SymbolId = symbolId,
                Side = side,
                OrderType = type,
                Origin = origin,
                Quantity = quantity,
                PriceRaw = stopRaw,
                Value = type == OrderType.StopLimit ? limitRaw : 0,
                ClientOrderId = order.ClientOrderId,
                SignalId = signalId,
                SourceId = sourceId,
                TsEventNs = tsNs,
            });
        }

        return order.ClientOrderId;
    }

    /// <summary>On a trade or bar: expires the symbol's held orders whose day is over, and sends those whose stop the market reached.</summary>
    private void OnHeldMarket(ref EngineEvent e)
    {
        int symbolId = e.SymbolId;
        if (_heldCount == 0 || (uint)symbolId >= (uint)_heldPerSymbol.Length || _heldPerSymbol[symbolId] == 0 || e.PriceRaw <= 0)
        {
            return;
        }

        (long high, long low) = PriceRange(in e);
        for (int i = 0; i < _heldCount; i++)
        {
            if (!_orders.TryFind(_held[i], out int slot) || _orders[slot].Status != OrderStatus.Held || _orders[slot].SymbolId != symbolId)
            {
                continue;
            }

            ref OrderRecord order = ref _orders[slot];
            if (e.TsEventNs >= HeldUntilNs(in order))
            {
                EndHeld(slot, OrderStatus.Expired, e.TsEventNs);
            }
            else if (order.OrderType == OrderType.TrailingStop)
            {
                OnTrailingMarket(ref order, in e, high, low);
            }
            else if (order.Side == Side.Buy ? high >= order.StopRaw : low <= order.StopRaw)
            {
                Release(ref order, e.TsEventNs); // a full outbound ring or a paused symbol: still held, tried on the next trade
            }
        }

        CompactHeld();
    }

    /// <summary>
    /// A held trailing stop on a trade or bar: checked against its stop as it stood before this event (a bar does not say whether
    /// its high came before its low, so a stop the bar's own best price raised does not trigger on it, as at the paper venue),
    /// then its mark moves to the event's best price for it — a sell's high-water mark, a buy's low-water mark, never back.
    /// </summary>
    private void OnTrailingMarket(ref OrderRecord order, in EngineEvent e, long high, long low)
    {
        bool isBuy = order.Side == Side.Buy;
        if (order.TrailAnchorRaw == 0)
        {
            order.TrailAnchorRaw = e.PriceRaw; // cannot happen: risk passes no signal before its symbol's first price, the mark it starts from
        }

        long stop = TrailingStopPrice(in order);
        if (isBuy ? high >= stop : low <= stop)
        {
            if (Release(ref order, e.TsEventNs))
            {
                return;
            }
        }

        order.TrailAnchorRaw = isBuy ? Math.Min(order.TrailAnchorRaw, low) : Math.Max(order.TrailAnchorRaw, high);
    }

    /// <summary>A held trailing stop's stop: its mark less (a sell) or plus (a buy) its trail, a price amount or millionths of the mark; 0 without a mark.</summary>
    private static long TrailingStopPrice(in OrderRecord order)
    {
        long anchor = order.TrailAnchorRaw;
        if (anchor <= 0)
        {
            return 0;
        }

        long distance = order.TrailRaw > 0 ? order.TrailRaw : (long)((Int128)anchor * order.TrailPpm / PpmScale);
        return order.Side == Side.Buy ? anchor + distance : Math.Max(1, anchor - distance);
    }

    /// <summary>When a held order's hold ends: gtc never; day, ioc and fok at the regular close of its exchange's session it was created in (or before), else at the end of that UTC day.</summary>
    private long HeldUntilNs(in OrderRecord order)
    {
        if (order.TimeInForce == TimeInForce.Gtc)
        {
            return long.MaxValue;
        }

        if (Calendars is { } calendars && (uint)order.SymbolId < (uint)calendars.Length && calendars[order.SymbolId] is { } calendar)
        {
            return calendar.SessionCloseNs(order.TsCreatedNs);
        }

        const long NsPerDay = 86_400_000_000_000;
        long day = Math.DivRem(order.TsCreatedNs, NsPerDay, out long rem) - (rem < 0 ? 1 : 0);
        return (day + 1) * NsPerDay;
    }

    /// <summary>
    /// Sends a held order whose stop the market reached, under its own id: a market order (stop) or a limit at its limit
    /// (stop-limit), day unless it asked for ioc/fok. False (still held) while its symbol is paused or the outbound ring is full.
    /// </summary>
    private bool Release(ref OrderRecord order, long tsNs)
    {
        int symbolId = order.SymbolId;
        if (_unknownPerSymbol[symbolId] > 0)
        {
            return false; // an order in doubt: the venue's position is not known; sent on the first trade after it settles, if still reached
        }

        long outSequence = -1;
        if (!SuppressSending && !_outbound.TryNext(out outSequence))
        {
            _counters.Reject(RejectReason.GatewayBusy);
            return false;
        }

        OrderType type = order.OrderType == OrderType.StopLimit ? OrderType.Limit : OrderType.Market;
        order.OrderType = type; // from now on an ordinary order at the venue (its stop price stays on the record)
        order.TimeInForce = order.TimeInForce == TimeInForce.Gtc ? TimeInForce.Day : order.TimeInForce;
        order.Status = OrderStatus.PendingNew;
        order.TsUpdatedNs = tsNs;
        _heldPerSymbol[symbolId]--;
        _counters.OrdersSubmitted++;
        if (SuppressSending)
        {
            return true; // replay: it was sent before the restart; its reports follow in the journal
        }

        try
        {
            WriteSubmit(outSequence, in order, type, order.TimeInForce, type == OrderType.Limit ? order.LimitRaw : 0, 0, tsNs, 0);
        }
        catch
        {
            _outbound[outSequence] = default;
            throw;
        }
        finally
        {
            _outbound.Publish(outSequence); // a claimed slot is always published
        }

        _audit.TryPublish(OrderAudit(AuditKind.HeldOrderTriggered, in order, order.LeavesQuantity, order.LimitRaw, RejectReason.None, tsNs));
        return true;
    }

    /// <summary>Ends a held order without the venue (its source's or the operator's cancel: Canceled; its day is over: Expired).</summary>
    private void EndHeld(int slot, OrderStatus next, long tsNs)
    {
        ref OrderRecord order = ref _orders[slot];
        _heldPerSymbol[order.SymbolId]--;
        _orders.Update(slot, next, 0, 0, tsNs);
        _counters.OrderFinished(next);
        _audit.TryPublish(OrderAudit(next == OrderStatus.Canceled ? AuditKind.OrderCanceled : AuditKind.OrderExpired, in order, order.Quantity, order.LimitRaw, RejectReason.None, tsNs));
        if (!SuppressSending)
        {
            EndedOrders?.TryAdd(new EngineEndedOrder(_sequence, order.ClientOrderId, next, tsNs)); // the agent feed's news of it (no venue will report it)
        }
        if (order.GroupRole == OrderGroupRole.Entry && _groupsPerSymbol[order.SymbolId] > 0)
        {
            SyncGroups(order.SymbolId, tsNs); // a held entry that never filled: its group ends with it
        }
    }

    /// <summary>An amend of a held order (its source's, passed by risk and sizing): takes effect at once, nothing goes to the venue.</summary>
    private void AmendHeld(ref OrderRecord order, long quantity, long limitRaw, long stopRaw, long tsNs)
    {
        if (_orders.TryFind(order.ClientOrderId, out int slot))
        {
            _orders.Replace(slot, quantity, limitRaw, stopRaw, tsNs);
            _audit.TryPublish(OrderAudit(AuditKind.OrderReplaced, in order, order.Quantity, order.LimitRaw, RejectReason.None, tsNs));
        }
    }

    /// <summary>Drops ended orders from the list of held ones (keeps it ascending).</summary>
    private void CompactHeld()
    {
        int kept = 0;
        for (int i = 0; i < _heldCount; i++)
        {
            if (_orders.TryFind(_held[i], out int slot) && _orders[slot].Status == OrderStatus.Held)
            {
                _held[kept++] = _held[i];
            }
        }

        Array.Clear(_held, kept, _heldCount - kept);
        _heldCount = kept;
    }

    /// <summary>After a snapshot was read: the held orders, from the order table (ascending ids).</summary>
    private void RebuildHeld()
    {
        Array.Clear(_held);
        Array.Clear(_heldPerSymbol);
        _heldCount = 0;
        for (int slot = 0; slot < _orders.Capacity; slot++)
        {
            ref OrderRecord order = ref _orders[slot];
            if (order.ClientOrderId != 0 && order.Status == OrderStatus.Held)
            {
                _held[_heldCount++] = order.ClientOrderId;
                _heldPerSymbol[order.SymbolId]++;
            }
        }

        Array.Sort(_held, 0, _heldCount);
    }

    /// <summary>The stop's price: the stop-loss (given, or its distance from the average fill), the trail from its anchor, or the tighter of both; 0 = none.</summary>
    private static long StopPrice(in OrderRecord entry)
    {
        ProtectiveExits exits = entry.Exits;
        bool isLong = entry.Side == Side.Buy;
        long stop = exits.StopLossRaw != 0 ? exits.StopLossRaw : Offset(entry.AvgFillPriceRaw, -exits.StopLossPpm, isLong);
        long distance = exits.TrailRaw != 0 ? exits.TrailRaw : (long)((Int128)entry.TrailAnchorRaw * exits.TrailPpm / PpmScale);
        if (distance > 0 && entry.TrailAnchorRaw > 0)
        {
            long trail = isLong ? entry.TrailAnchorRaw - distance : entry.TrailAnchorRaw + distance;
            stop = stop <= 0 ? trail : isLong ? Math.Max(stop, trail) : Math.Min(stop, trail);
        }

        return stop;
    }

    /// <summary>Whether <paramref name="entry"/>'s stop can rest at its venue: the venue takes stop orders, or the stop is a trail alone and the venue trails.</summary>
    private bool VenueTakesStops(in OrderRecord entry) =>
        (CapabilitiesOf(entry.SymbolId) & VenueCapabilities.StopOrders) != 0 || VenueTrails(in entry);

    /// <summary>Whether <paramref name="entry"/>'s stop is a trail alone that its venue holds as a trailing-stop order.</summary>
    private bool VenueTrails(in OrderRecord entry) =>
        (entry.Exits.TrailRaw != 0 || entry.Exits.TrailPpm != 0) && entry.Exits.StopLossRaw == 0 && entry.Exits.StopLossPpm == 0
        && (CapabilitiesOf(entry.SymbolId) & VenueCapabilities.NativeTrailingStop) != 0;

    /// <summary>The stop the engine holds for <paramref name="entry"/> and has not yet triggered; 0 = none (no stop, or the venue holds it).</summary>
    private long HeldStop(in OrderRecord entry)
    {
        if (!WantsStop(in entry) || entry.StopTriggered)
        {
            return 0;
        }

        bool takeProfitFired = entry.TakeProfitTouched && WantsTakeProfit(in entry);
        bool held = VenueTakesStops(in entry) ? takeProfitFired : !takeProfitFired; // after the swap / until the take-profit closed it
        return held ? StopPrice(in entry) : 0;
    }

    /// <summary>The take-profit the engine holds for <paramref name="entry"/>, not yet reached; 0 = none (none asked for, or it rests at the venue).</summary>
    private long HeldTakeProfit(in OrderRecord entry)
    {
        if (!WantsTakeProfit(in entry) || entry.TakeProfitTouched || entry.StopTriggered)
        {
            return 0;
        }

        return !VenueTakesStops(in entry) || WantsStop(in entry) ? TakeProfitPrice(in entry) : 0;
    }

    /// <summary>A venue without stop orders: nothing rests; the exit the market reached closes <paramref name="protect"/> at market.</summary>
    private void SyncHeldExits(ref OrderRecord entry, long protect, long takeProfit, bool wantsStop, long tsNs)
    {
        SyncStopAtMarket(ref entry, wantsStop ? protect : 0, tsNs);
        bool takeProfitFired = takeProfit > 0 && entry.TakeProfitTouched && !entry.StopTriggered;
        SyncExit(ref entry, OrderGroupRole.TakeProfit, takeProfitFired ? protect : 0, OrderType.Market, 0, 0, tsNs);
    }

    /// <summary>
    /// The engine's stop: nothing at the venue until it triggers, then a market close of <paramref name="protect"/>
    /// once no take-profit rests (canceled first: the venue holds one sell of the shares). Cancels a stop that
    /// still rests from before (the group's swap to the take-profit).
    /// </summary>
    private void SyncStopAtMarket(ref OrderRecord entry, long protect, long tsNs)
    {
        bool trails = entry.Exits.TrailRaw != 0 || entry.Exits.TrailPpm != 0;
        long close = entry.StopTriggered && entry.TakeProfitOrderId == 0 ? protect : 0;
        SyncExit(ref entry, trails ? OrderGroupRole.TrailingStop : OrderGroupRole.StopLoss, close, OrderType.Market, 0, 0, tsNs);
    }
}
