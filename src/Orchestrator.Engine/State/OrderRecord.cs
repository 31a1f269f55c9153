using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>One order as the order manager tracks it.</summary>
public struct OrderRecord
{
    public long ClientOrderId;
    public int SymbolId;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce TimeInForce;
    public OrderStatus Status;
    public IntentOrigin Origin;

    /// <summary>
    /// Who asked for the order: the interned source (agent or strategy name, <see cref="TradingEngine.Sources"/>);
    /// built-in rules, protective exits and operator commands have their own (<see cref="EngineSources"/>).
    /// </summary>
    public int SourceId;

    /// <summary>The signal the order came from (the sender's id as the edge gave it); 0 for rule, exit and operator orders.</summary>
    public long SignalId;
    public long Quantity;
    public long FilledQuantity;
    public long LimitRaw;
    public long StopRaw;

    /// <summary>Volume-weighted average fill price (raw).</summary>
    public long AvgFillPriceRaw;
    public long TsCreatedNs;
    public long TsUpdatedNs;

    // ---- issue 19: order groups (owned by the order manager's group logic) ----

    /// <summary>The order's part in a group; None for a plain order.</summary>
    public OrderGroupRole GroupRole;

    /// <summary>The group's entry order id (the entry's own id on the entry); 0 = no group.</summary>
    public long GroupId;

    /// <summary>On an entry: the exits to hold once it fills (emulated) or sent with it (native).</summary>
    public ProtectiveExits Exits;

    /// <summary>On a trailing exit: the trail (price amount or millionths) and the best price seen since it was placed.</summary>
    public long TrailRaw;
    public int TrailPpm;
    public long TrailAnchorRaw;

    /// <summary>On an entry: its working take-profit and stop (stop-loss or trailing) exits — emulated, or the legs the venue made for a native one; 0 = none.</summary>
    public long TakeProfitOrderId;
    public long StopOrderId;

    /// <summary>On an emulated entry: what its exits have filled so far (the exits protect <c>FilledQuantity - ExitedQuantity</c>).</summary>
    public long ExitedQuantity;

    /// <summary>
    /// On an entry: its exits went to the venue with it (<see cref="VenueCapabilities.NativeBracket"/>); the engine does not emulate them.
    /// On an exit: a leg the venue created for such an entry, booked from its reports (<see cref="NativeLegIds"/>; the entry's
    /// <see cref="TakeProfitOrderId"/>/<see cref="StopOrderId"/> name it); the engine's commands for it go under its leg id.
    /// </summary>
    public bool ExitsNative;

    /// <summary>
    /// The id the venue knows the order by: a venue-created leg's <see cref="NativeLegIds"/> id (its commands, and its
    /// take-over by the broker gateway after a restart, go under it), else <see cref="ClientOrderId"/>.
    /// </summary>
    public readonly long VenueClientOrderId =>
        ExitsNative && GroupRole is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss or OrderGroupRole.TrailingStop
            ? NativeLegIds.Of(GroupId, GroupRole)
            : ClientOrderId;

    /// <summary>On an emulated entry: the group still has work (entry open, an exit working or still to place); its slot is not reused.</summary>
    public bool GroupOpen;

    /// <summary>
    /// On an emulated entry with both a take-profit and a stop, at a venue without OCO: the market reached the
    /// take-profit, which the engine held until now (only the stop rests at the venue — a venue refuses a
    /// second sell of the same shares); the stop is canceled and the take-profit placed once it is gone.
    /// </summary>
    public bool TakeProfitTouched;

    /// <summary>
    /// On an emulated entry whose stop the engine holds (a venue without stop orders, or after the take-profit
    /// replaced the resting stop): the market reached the stop; the group closes at market.
    /// </summary>
    public bool StopTriggered;

    /// <summary>
    /// On an exit: the group canceled it (one-cancels-other, shrunk to nothing, or to be replaced at a new size or
    /// price where the venue cannot amend: the replacement follows its Canceled report).
    /// </summary>
    public bool GroupCanceled;

    // ---- issue 19: amend and cancel in flight ----

    /// <summary>An amend sent and not yet answered (Replaced or AmendRejected); at most one at a time.</summary>
    public bool AmendPending;

    /// <summary>A cancel sent and not yet answered; re-sent after recovery if still open.</summary>
    public bool CancelPending;

    /// <summary>The pending amend's total quantity and prices.</summary>
    public long AmendQuantity;
    public long AmendLimitRaw;
    public long AmendStopRaw;

    public readonly long LeavesQuantity => Quantity - FilledQuantity;

    public readonly bool IsOpen => OrderStateMachine.IsOpen(Status);
}
