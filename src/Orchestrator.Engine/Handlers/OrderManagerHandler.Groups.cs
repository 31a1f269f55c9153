using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// Order groups (issue 19): an entry that carries <see cref="ProtectiveExits"/> holds them, and the
/// order manager keeps them working as separate orders while the entry's position lasts —
/// <list type="bullet">
/// <item>on each entry fill it places (or resizes) a take-profit limit and a stop (stop-loss, trailing
/// stop, or one stop at the tighter of both) for what the entry filled and its exits have not yet
/// closed; exits priced in millionths are computed from the entry's average fill price;</item>
/// <item>only one of them rests at the venue (a venue refuses a second sell of shares an order holds):
/// with both asked for, the stop rests and the engine holds the take-profit until a trade or bar reaches
/// it (<see cref="OrderRecord.TakeProfitTouched"/>), then cancels the stop and places the take-profit
/// after the stop's Canceled, and holds the stop from then on; at a venue without stop orders nothing
/// rests and the engine holds both (<c>OrderManagerHandler.Stops.cs</c>: closes at market when reached);</item>
/// <item>the two exits are one-cancels-other: a fill of one shrinks the other by as much, and the last
/// share closed cancels it;</item>
/// <item>an exit is never larger than the position: the groups of a symbol share its position in
/// entry order, so a position that shrinks otherwise (another order, the operator) shrinks the exits;</item>
/// <item>a trailing stop is moved by the engine on the symbol's trades and bars (event time): its anchor
/// is the best price since the entry's first fill, the stop follows it by the trail, never back.</item>
/// </list>
/// A resize or move is an amend where the symbol's venue can amend (<see cref="VenueCapabilities.Amend"/>,
/// <see cref="SendAmend"/>); elsewhere a cancel, and the replacement once the venue confirmed the cancel
/// (never two live exits of one kind, so never more exits than shares). Where the venue holds brackets
/// (<see cref="VenueCapabilities.NativeBracket"/>) the exits travel with the entry's order instead and
/// the engine emulates nothing — it books the legs the venue creates from their reports
/// (<see cref="NativeLegIds"/>) as the group's exits; a trailing stop alone is sent as the venue's trailing-stop order where it
/// has one (<see cref="VenueCapabilities.NativeTrailingStop"/>). An exit the venue rejects, expires or
/// someone else cancels is dropped (audited), not placed again.
/// </summary>
/// <remarks>
/// Trading thread. State lives in the order records (the entry holds its exits' ids and what they
/// filled), so snapshots and journal replay carry it; the list of groups with work is derived from
/// <see cref="OrderRecord.GroupOpen"/> and rebuilt after a snapshot is read. Journal replay recreates
/// exits with their ids without sending them, like every order: a crash after the entry's fill was
/// journaled recovers with the exits the fill placed, placed once.
/// </remarks>
public sealed partial class OrderManagerHandler
{
    private const long PpmScale = 1_000_000;

    // Entry ids of the groups with work, ascending (entry order decides who gets a shrunken position first).
    private readonly long[] _groups;
    private readonly int[] _groupsPerSymbol;
    private int _groupCount;
    private VenueCapabilities[] _capabilities = [];
    private int[] _quantityDecimals = [];

    /// <summary>Emulated order groups with work (entry open, exits working or to be placed).</summary>
    public int ActiveGroups => _groupCount;

    /// <summary>What each symbol's venue holds natively (from the engine's instrument table; none = emulate everything).</summary>
    internal void UseInstruments(InstrumentTable instruments)
    {
        var capabilities = new VenueCapabilities[instruments.Count];
        var decimals = new int[instruments.Count];
        for (int s = 0; s < capabilities.Length; s++)
        {
            capabilities[s] = instruments[s].Capabilities;
            decimals[s] = instruments[s].QuantityDecimals;
        }

        _capabilities = capabilities;
        _quantityDecimals = decimals;
    }

    private VenueCapabilities CapabilitiesOf(int symbolId) => (uint)symbolId < (uint)_capabilities.Length ? _capabilities[symbolId] : VenueCapabilities.None;

    /// <summary>How a new order joins a group: an entry with its exits, or an exit of an entry.</summary>
    private readonly struct GroupLink(OrderGroupRole role, long groupId, ProtectiveExits exits, long trailRaw, int trailPpm)
    {
        public OrderGroupRole Role { get; } = role;

        public long GroupId { get; } = groupId;

        public ProtectiveExits Exits { get; } = exits;

        public long TrailRaw { get; } = trailRaw;

        public int TrailPpm { get; } = trailPpm;

        public static GroupLink Entry(in ProtectiveExits exits) => new(OrderGroupRole.Entry, 0, exits, 0, 0);

        /// <summary>A signal's own trailing-stop order: no group; the trail its signal gave (carried in the signal's exits).</summary>
        public static GroupLink Trail(in ProtectiveExits exits) => new(OrderGroupRole.None, 0, default, exits.TrailRaw, exits.TrailPpm);
    }

    /// <summary>Called by <see cref="Send"/> on a new order: records its part in a group (both when sending and in replay).</summary>
    private void LinkGroup(ref OrderRecord order, in GroupLink link)
    {
        if (link.Role == OrderGroupRole.None)
        {
            order.TrailRaw = link.TrailRaw; // a trailing-stop order's own trail (0 for any other plain order)
            order.TrailPpm = link.TrailPpm;
            return;
        }

        if (link.Role != OrderGroupRole.Entry)
        {
            _orders.MarkExit(ref order, link.Role);
            order.GroupId = link.GroupId;
            order.TrailRaw = link.TrailRaw;
            order.TrailPpm = link.TrailPpm;
            return;
        }

        ProtectiveExits exits = link.Exits;
        order.GroupRole = OrderGroupRole.Entry;
        order.GroupId = order.ClientOrderId;
        order.Exits = exits;
        order.ExitsNative = (CapabilitiesOf(order.SymbolId) & VenueCapabilities.NativeBracket) != 0 && VenueBracketTakes(in order, in exits);
        if (!order.ExitsNative)
        {
            order.GroupOpen = true;
            _groups[_groupCount++] = order.ClientOrderId; // the newest id: the list stays ascending
            _groupsPerSymbol[order.SymbolId]++;
        }
    }

    /// <summary>
    /// Whether a venue's bracket (Alpaca's bracket/oto) can carry <paramref name="entry"/>'s exits: priced or in percent
    /// of a limit or stop entry's price, no trailing exit, day or gtc, whole shares. Otherwise the engine holds them.
    /// </summary>
    private bool VenueBracketTakes(in OrderRecord entry, in ProtectiveExits exits)
    {
        bool percent = exits.TakeProfitPpm != 0 || exits.StopLossPpm != 0;
        long reference = entry.OrderType is OrderType.Limit or OrderType.StopLimit ? entry.LimitRaw : entry.OrderType == OrderType.Stop ? entry.StopRaw : 0;
        int decimals = (uint)entry.SymbolId < (uint)_quantityDecimals.Length ? _quantityDecimals[entry.SymbolId] : 0;
        return exits.TrailRaw == 0 && exits.TrailPpm == 0
            && entry.TimeInForce is TimeInForce.Day or TimeInForce.Gtc
            && (!percent || reference > 0)
            && (decimals == 0 || entry.Quantity % Quantities.UnitsPerShare(decimals) == 0);
    }

    /// <summary>The group fields of the command for a new order: only a native bracket's entry carries them (emulated exits are plain orders to the venue).</summary>
    private static void LinkCommand(ref OrderCommand command, in OrderRecord order)
    {
        if (order.ExitsNative)
        {
            command.GroupRole = OrderGroupRole.Entry;
            command.GroupId = order.ClientOrderId;
            command.Exits = order.Exits;
        }

        if (order.OrderType == OrderType.TrailingStop)
        {
            command.TrailRaw = order.TrailRaw;
            command.TrailPpm = order.TrailPpm;
        }
    }

    /// <summary>After a report on any order: keeps the groups of its symbol right (exit fills, ends, and the position they protect).</summary>
    private void OnGroupReport(long clientOrderId, long fill, OrderStatus next, RejectReason reject, long tsNs)
    {
        if (!_orders.TryFind(clientOrderId, out int slot))
        {
            return;
        }

        ref OrderRecord order = ref _orders[slot];
        int symbolId = order.SymbolId;
        if (order.GroupRole is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss or OrderGroupRole.TrailingStop
            && _orders.TryFind(order.GroupId, out int entrySlot))
        {
            ref OrderRecord entry = ref _orders[entrySlot];
            entry.ExitedQuantity += fill;
            bool isTakeProfit = order.GroupRole == OrderGroupRole.TakeProfit;
            if (order.ExitsNative)
            {
                return; // a venue-held leg: the venue cancels the other one itself, the engine books what it reports
            }

            if (OrderStateMachine.IsTerminal(next) && (isTakeProfit ? entry.TakeProfitOrderId : entry.StopOrderId) == clientOrderId)
            {
                if (isTakeProfit)
                {
                    entry.TakeProfitOrderId = 0;
                }
                else
                {
                    entry.StopOrderId = 0;
                }

                // Ended by the venue or by someone else (operator cancel, kill switch, expiry): not placed again.
                // One that never left before a crash (NeverPlaced, after recovery) is placed now, once. Canceled or
                // expired by someone else, it takes the exit the engine holds beside it along (that one never
                // reached the venue to be canceled there); refused by the venue, the other exit goes out instead.
                if (next != OrderStatus.Filled && !order.GroupCanceled && !(next == OrderStatus.Rejected && reject == RejectReason.NeverPlaced))
                {
                    bool otherHeld = (isTakeProfit ? entry.StopOrderId : entry.TakeProfitOrderId) == 0 && (isTakeProfit ? WantsStop(in entry) : WantsTakeProfit(in entry));
                    DropExit(ref entry, isTakeProfit, clientOrderId, next == OrderStatus.Rejected ? reject : RejectReason.None, tsNs);
                    if (otherHeld && next != OrderStatus.Rejected)
                    {
                        DropExit(ref entry, !isTakeProfit, 0, RejectReason.None, tsNs);
                    }
                }
            }
        }
        else if (fill == 0 && order.GroupRole != OrderGroupRole.Entry)
        {
            return; // a plain order's status change leaves positions alone
        }

        if ((uint)symbolId < (uint)_groupsPerSymbol.Length && _groupsPerSymbol[symbolId] > 0)
        {
            SyncGroups(symbolId, tsNs);
        }
    }

    /// <summary>The range a trade or bar reached: a bar's high and low when it has them, else the trade's price for both.</summary>
    private static (long High, long Low) PriceRange(in EngineEvent e) =>
        (e.Kind == EventKind.Bar && e.HighRaw > 0 ? e.HighRaw : e.PriceRaw, e.Kind == EventKind.Bar && e.LowRaw > 0 ? e.LowRaw : e.PriceRaw);

    /// <summary>On a trade or bar: moves the trailing stops of the symbol's groups, then keeps its exits right.</summary>
    private void OnGroupMarket(ref EngineEvent e)
    {
        int symbolId = e.SymbolId;
        if (_groupCount == 0 || (uint)symbolId >= (uint)_groupsPerSymbol.Length || _groupsPerSymbol[symbolId] == 0 || e.PriceRaw <= 0)
        {
            return;
        }

        (long high, long low) = PriceRange(in e);
        for (int i = 0; i < _groupCount; i++)
        {
            if (!_orders.TryFind(_groups[i], out int slot))
            {
                continue;
            }

            ref OrderRecord entry = ref _orders[slot];
            if (entry.SymbolId != symbolId || entry.FilledQuantity == 0)
            {
                continue;
            }

            bool isLong = entry.Side == Side.Buy;
            if (HeldStop(in entry) is var stop and > 0 && (isLong ? low <= stop : high >= stop))
            {
                entry.StopTriggered = true; // the engine's stop (before the trail moves on this event): closed below
            }

            if (HeldTakeProfit(in entry) is var takeProfit and > 0 && (isLong ? high >= takeProfit : low <= takeProfit))
            {
                entry.TakeProfitTouched = true; // the engine's take-profit: placed (or closed at market) below
            }

            if (entry.Exits.TrailRaw != 0 || entry.Exits.TrailPpm != 0)
            {
                // The anchor is the best price since the first fill: it only moves in the position's favour.
                entry.TrailAnchorRaw = isLong ? Math.Max(entry.TrailAnchorRaw, high) : Math.Min(entry.TrailAnchorRaw, low);
            }
        }

        SyncGroups(symbolId, e.TsEventNs);
    }

    /// <summary>
    /// Places, resizes, moves or cancels the exits of every group of <paramref name="symbolId"/>, giving
    /// the symbol's position to the groups in entry order; ends groups with nothing left to do.
    /// </summary>
    private void SyncGroups(int symbolId, long tsNs)
    {
        long position = _portfolio.Quantity(symbolId);
        long longLeft = Math.Max(position, 0);
        long shortLeft = Math.Max(-position, 0);
        long heldSell = 0, heldBuy = 0;
        int kept = 0;
        for (int i = 0; i < _groupCount; i++)
        {
            long entryId = _groups[i];
            if (!_orders.TryFind(entryId, out int slot))
            {
                continue; // cannot happen while GroupOpen holds the slot; dropped from the list
            }

            ref OrderRecord entry = ref _orders[slot];
            if (entry.SymbolId == symbolId)
            {
                ref long left = ref entry.Side == Side.Buy ? ref longLeft : ref shortLeft;
                long protect = Math.Clamp(entry.FilledQuantity - entry.ExitedQuantity, 0, left);
                left -= protect;
                SyncGroup(ref entry, protect, tsNs);
                if (entry.Exits.Any && entry.TakeProfitOrderId == 0 && entry.StopOrderId == 0)
                {
                    ref long held = ref entry.Side == Side.Buy ? ref heldSell : ref heldBuy;
                    held += protect; // protected by the engine alone, no exit at the venue (what the global exits leave alone)
                }

                if (!entry.IsOpen && entry.TakeProfitOrderId == 0 && entry.StopOrderId == 0 && (protect == 0 || !entry.Exits.Any))
                {
                    entry.GroupOpen = false;
                    _groupsPerSymbol[symbolId]--;
                    continue;
                }
            }

            _groups[kept++] = entryId;
        }

        for (int i = kept; i < _groupCount; i++)
        {
            _groups[i] = 0;
        }

        _groupCount = kept;
        _orders.SetHeldExits(symbolId, heldBuy, heldSell);
    }

    /// <summary>One group: its take-profit and its stop, each for <paramref name="protect"/> shares at the prices the entry's fills give.</summary>
    private void SyncGroup(ref OrderRecord entry, long protect, long tsNs)
    {
        if (entry.FilledQuantity == 0)
        {
            return;
        }

        ProtectiveExits exits = entry.Exits;
        if (entry.TrailAnchorRaw == 0)
        {
            entry.TrailAnchorRaw = entry.AvgFillPriceRaw;
        }

        long takeProfit = TakeProfitPrice(in entry);
        bool trails = exits.TrailRaw != 0 || exits.TrailPpm != 0;
        bool nativeTrail = VenueTrails(in entry);
        long stop = nativeTrail ? 0 : StopPrice(in entry);
        bool wantsStop = nativeTrail || stop > 0;
        if (!VenueTakesStops(in entry))
        {
            SyncHeldExits(ref entry, protect, takeProfit, wantsStop, tsNs); // the venue takes no stops: the engine holds both
            return;
        }

        // Only one exit of the shares may rest at the venue (a venue refuses a second sell of shares an order
        // already holds, and the emulated group sends no venue OCO): while both are asked for, the stop rests and
        // the engine holds the take-profit until the market reaches it, then cancels the stop and places the
        // take-profit once the stop's Canceled is in; from then on the engine holds the stop, and closes at
        // market when it triggers (after the take-profit's Canceled).
        bool swapped = takeProfit > 0 && entry.TakeProfitTouched;
        if (wantsStop && !swapped)
        {
            SyncExit(ref entry, trails ? OrderGroupRole.TrailingStop : OrderGroupRole.StopLoss, protect, nativeTrail ? OrderType.TrailingStop : OrderType.Stop, 0, stop, tsNs);
        }
        else
        {
            SyncStopAtMarket(ref entry, wantsStop ? protect : 0, tsNs);
        }

        bool takeProfitRests = takeProfit > 0 && (!wantsStop || swapped) && !entry.StopTriggered && entry.StopOrderId == 0;
        SyncExit(ref entry, OrderGroupRole.TakeProfit, takeProfitRests ? protect : 0, OrderType.Limit, takeProfit, 0, tsNs);
    }

    /// <summary>The take-profit's price: given, or the given distance from the average fill; 0 = none.</summary>
    private static long TakeProfitPrice(in OrderRecord entry) =>
        entry.Exits.TakeProfitRaw != 0 ? entry.Exits.TakeProfitRaw : Offset(entry.AvgFillPriceRaw, entry.Exits.TakeProfitPpm, entry.Side == Side.Buy);


    private static bool WantsStop(in OrderRecord entry) =>
        entry.Exits.StopLossRaw != 0 || entry.Exits.StopLossPpm != 0 || entry.Exits.TrailRaw != 0 || entry.Exits.TrailPpm != 0;

    private static bool WantsTakeProfit(in OrderRecord entry) => entry.Exits.TakeProfitRaw != 0 || entry.Exits.TakeProfitPpm != 0;

    /// <summary>A price <paramref name="ppm"/> millionths away from <paramref name="average"/>, in the position's favour when positive; 0 when ppm is 0.</summary>
    private static long Offset(long average, int ppm, bool isLong)
    {
        if (ppm == 0 || average <= 0)
        {
            return 0;
        }

        long distance = (long)((Int128)average * Math.Abs(ppm) / PpmScale);
        return (ppm > 0) == isLong ? average + distance : average - distance;
    }

    /// <summary>One exit to <paramref name="protect"/> shares at the given price (0 = the exit is not asked for).</summary>
    private void SyncExit(ref OrderRecord entry, OrderGroupRole role, long protect, OrderType type, long limitRaw, long stopRaw, long tsNs)
    {
        bool isTakeProfit = role == OrderGroupRole.TakeProfit;
        long exitId = isTakeProfit ? entry.TakeProfitOrderId : entry.StopOrderId;
        bool wanted = protect > 0 && (type is OrderType.TrailingStop or OrderType.Market || (isTakeProfit ? limitRaw : stopRaw) > 0);
        if (exitId != 0 && _orders.TryFind(exitId, out int slot))
        {
            ref OrderRecord exit = ref _orders[slot];
            if (!exit.IsOpen || exit.AmendPending || exit.CancelPending || exit.GroupCanceled)
            {
                return; // an answer is on its way; the next report or trade brings it up to date
            }

            if (!wanted || exit.OrderType != type)
            {
                CancelExit(ref exit, tsNs); // a stop that became the engine's: its market close follows the Canceled
                return;
            }

            if (exit.LeavesQuantity == protect && exit.LimitRaw == limitRaw && exit.StopRaw == stopRaw)
            {
                return;
            }

            if (exit.Status is not (OrderStatus.Accepted or OrderStatus.PartiallyFilled))
            {
                return; // not yet at the venue: changed once it is acknowledged
            }

            if ((CapabilitiesOf(exit.SymbolId) & VenueCapabilities.Amend) != 0)
            {
                RejectReason refused = SendAmend(ref exit, exit.FilledQuantity + protect, limitRaw, stopRaw, tsNs);
                if (refused is RejectReason.None or RejectReason.GatewayBusy)
                {
                    return; // sent (audited as an amend), or tried again on the next report or trade
                }
            }

            CancelExit(ref exit, tsNs); // the replacement follows the venue's Canceled (never two live exits of a kind)
            return;
        }

        if (exitId != 0)
        {
            if (isTakeProfit)
            {
                entry.TakeProfitOrderId = 0;
            }
            else
            {
                entry.StopOrderId = 0;
            }
        }

        if (!wanted)
        {
            return;
        }

        Side side = entry.Side == Side.Buy ? Side.Sell : Side.Buy;
        IntentOrigin origin = role switch
        {
            OrderGroupRole.TakeProfit => IntentOrigin.TakeProfit,
            OrderGroupRole.StopLoss => IntentOrigin.StopLoss,
            _ => IntentOrigin.TrailingStop,
        };
        var link = new GroupLink(role, entry.ClientOrderId, default, type == OrderType.TrailingStop ? entry.Exits.TrailRaw : 0, type == OrderType.TrailingStop ? entry.Exits.TrailPpm : 0);
        TimeInForce tif = type == OrderType.Market ? TimeInForce.Day : TimeInForce.Gtc; // a triggered close: day, which every venue takes
        RejectReason placed = Send(entry.SymbolId, side, protect, type, tif, limitRaw, stopRaw, origin, entry.SourceId, entry.SignalId, tsNs, 0, in link, out long newId);
        if (placed != RejectReason.None)
        {
            _counters.Reject(placed); // tried again on the symbol's next report or trade
            return;
        }

        if (isTakeProfit)
        {
            entry.TakeProfitOrderId = newId;
        }
        else
        {
            entry.StopOrderId = newId;
        }

        if (_orders.TryFind(newId, out int newSlot))
        {
            _orders[newSlot].TrailAnchorRaw = type == OrderType.Stop && role == OrderGroupRole.TrailingStop ? entry.TrailAnchorRaw : 0;
        }
    }

    private void CancelExit(ref OrderRecord exit, long tsNs)
    {
        if (!RequestCancel(ref exit, tsNs))
        {
            return; // outbound ring full: tried again on the next report or trade
        }

        exit.GroupCanceled = true;
        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.GroupExitCanceled,
            SymbolId = exit.SymbolId,
            Side = exit.Side,
            OrderType = exit.OrderType,
            Origin = exit.Origin,
            Quantity = exit.LeavesQuantity,
            ClientOrderId = exit.ClientOrderId,
            Value = exit.GroupId,
            SourceId = exit.SourceId,
            SignalId = exit.SignalId,
            TsEventNs = tsNs,
        });
    }

    /// <summary>
    /// The venue answered an exit's amend or cancel: Replaced — the groups of its symbol are brought up to date
    /// (what changed meanwhile); AmendRejected of an amend — the exit is canceled and replaced instead; of the
    /// group's cancel — the exit is the group's again (its fill or end is on its way).
    /// </summary>
    private void OnGroupAmendReport(long clientOrderId, bool replaced, long tsNs)
    {
        if (!_orders.TryFind(clientOrderId, out int slot))
        {
            return;
        }

        ref OrderRecord exit = ref _orders[slot];
        int symbolId = exit.SymbolId;
        if (!replaced)
        {
            if (exit.GroupCanceled && !exit.CancelPending)
            {
                exit.GroupCanceled = false; // the group's cancel was refused: the venue's fill or end follows, and decides
            }
            else if (exit.IsOpen && !exit.CancelPending && !exit.GroupCanceled && exit.GroupRole != OrderGroupRole.Entry)
            {
                CancelExit(ref exit, tsNs); // the amend was refused: replaced instead
            }

            return;
        }

        if (_groupsPerSymbol[symbolId] > 0)
        {
            SyncGroups(symbolId, tsNs);
        }
    }

    /// <summary>An exit that ended without the group asking: the entry stops asking for it.</summary>
    private void DropExit(ref OrderRecord entry, bool isTakeProfit, long exitId, RejectReason reason, long tsNs)
    {
        if (isTakeProfit)
        {
            entry.Exits.TakeProfitRaw = 0;
            entry.Exits.TakeProfitPpm = 0;
        }
        else
        {
            entry.Exits.StopLossRaw = 0;
            entry.Exits.StopLossPpm = 0;
            entry.Exits.TrailRaw = 0;
            entry.Exits.TrailPpm = 0;
        }

        _audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.GroupExitDropped,
            SymbolId = entry.SymbolId,
            Side = entry.Side,
            Origin = isTakeProfit ? IntentOrigin.TakeProfit : IntentOrigin.StopLoss,
            ClientOrderId = exitId,
            Value = entry.ClientOrderId,
            Reason = reason,
            SourceId = entry.SourceId,
            SignalId = entry.SignalId,
            TsEventNs = tsNs,
        });
    }

    /// <summary>
    /// A report under a venue-created leg's id (<see cref="NativeLegIds"/>: the take-profit or stop Alpaca made
    /// for a native bracket's entry): finds the leg's order, or creates it on the leg's first report — an exit of
    /// the entry's group, of the entry's source, for the entry's quantity, marked <see cref="OrderRecord.ExitsNative"/>
    /// so the engine's cancels of it go out under the leg id. False when the id is no leg of a native entry in
    /// the table. The report is journaled, so replay creates the same order under the same id.
    /// </summary>
    private bool TryFindNativeLeg(long reportOrderId, long tsNs, out int slot)
    {
        slot = 0;
        if (!NativeLegIds.TryParse(reportOrderId, out long groupId, out OrderGroupRole role) || !_orders.TryFind(groupId, out int entrySlot)
            || !_orders[entrySlot].ExitsNative || _orders[entrySlot].GroupRole != OrderGroupRole.Entry)
        {
            return false;
        }

        ref OrderRecord entry = ref _orders[entrySlot];
        bool isTakeProfit = role == OrderGroupRole.TakeProfit;
        long known = isTakeProfit ? entry.TakeProfitOrderId : entry.StopOrderId;
        if (known != 0)
        {
            return _orders.TryFind(known, out slot);
        }

        if (!_orders.HasCapacity)
        {
            return false;
        }

        ProtectiveExits exits = entry.Exits;
        bool isLong = entry.Side == Side.Buy;
        long reference = entry.LimitRaw != 0 ? entry.LimitRaw : entry.StopRaw; // what the adapter priced percent exits from
        long limit = !isTakeProfit ? 0 : exits.TakeProfitRaw != 0 ? exits.TakeProfitRaw : Offset(reference, exits.TakeProfitPpm, isLong);
        long stop = isTakeProfit || role == OrderGroupRole.TrailingStop ? 0 : exits.StopLossRaw != 0 ? exits.StopLossRaw : Offset(reference, -exits.StopLossPpm, isLong);
        OrderType type = isTakeProfit ? OrderType.Limit : role == OrderGroupRole.TrailingStop ? OrderType.TrailingStop : OrderType.Stop;
        IntentOrigin origin = isTakeProfit ? IntentOrigin.TakeProfit : role == OrderGroupRole.TrailingStop ? IntentOrigin.TrailingStop : IntentOrigin.StopLoss;
        long entryId = entry.ClientOrderId;
        ref OrderRecord leg = ref _orders.Create(entry.SymbolId, isLong ? Side.Sell : Side.Buy, type, entry.TimeInForce, entry.Quantity, limit, stop, origin, entry.SourceId, entry.SignalId, tsNs);
        LinkGroup(ref leg, new GroupLink(role, entryId, default, exits.TrailRaw, exits.TrailPpm));
        leg.ExitsNative = true;
        long legId = leg.ClientOrderId;
        if (!_orders.TryFind(entryId, out entrySlot))
        {
            return _orders.TryFind(legId, out slot); // cannot happen: the entry's slot is not the next one while it is this new
        }

        if (isTakeProfit)
        {
            _orders[entrySlot].TakeProfitOrderId = legId;
        }
        else
        {
            _orders[entrySlot].StopOrderId = legId;
        }

        return _orders.TryFind(legId, out slot);
    }

    /// <summary>After a snapshot was read: the list of groups with work, from the order table (ascending entry ids).</summary>
    private void RebuildGroups()
    {
        Array.Clear(_groups);
        Array.Clear(_groupsPerSymbol);
        _groupCount = 0;
        for (int slot = 0; slot < _orders.Capacity; slot++)
        {
            ref OrderRecord order = ref _orders[slot];
            if (order.ClientOrderId != 0 && order.GroupOpen)
            {
                _groups[_groupCount++] = order.ClientOrderId;
                _groupsPerSymbol[order.SymbolId]++;
            }
        }

        Array.Sort(_groups, 0, _groupCount);
    }
}
