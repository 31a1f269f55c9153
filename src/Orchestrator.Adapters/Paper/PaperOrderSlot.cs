using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// One pre-allocated order slot of the <see cref="PaperExchange"/>, changed in place by <c>ref</c>.
/// Open orders are threaded on two intrusive doubly linked lists by slot index: the symbol's
/// list (matching order) and the exchange-wide arrival list (end-of-day expiry order).
/// </summary>
internal struct PaperOrderSlot
{
    public long ClientOrderId;
    public int SymbolId;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce TimeInForce;

    /// <summary>Stop and stop-limit orders: the stop price has been reached; they now act as market or limit.</summary>
    public bool IsTriggered;

    public long Quantity;
    public long LeavesQuantity;
    public long LimitPriceRaw;
    public long StopPriceRaw;

    /// <summary>Trailing stops: the trail as a price amount, or (<see cref="TrailPpm"/>) in millionths of the anchor.</summary>
    public long TrailRaw;
    public int TrailPpm;

    /// <summary>Trailing stops: the best price since accept (a sell's high, a buy's low); 0 before any price.</summary>
    public long TrailAnchorRaw;

    /// <summary>Buys: the per-share price the cash reservation is estimated at (fixed at accept).</summary>
    public long ReservePriceRaw;

    /// <summary>Buys: cash held back for the leaves quantity; 0 for sells.</summary>
    public long ReservedCashRaw;

    /// <summary>Market time at which the order was accepted.</summary>
    public long AcceptedTsNs;

    public int SymbolNext;
    public int SymbolPrev;
    public int ArrivalNext;
    public int ArrivalPrev;
}
