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
