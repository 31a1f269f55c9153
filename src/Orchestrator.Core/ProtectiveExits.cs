namespace Orchestrator.Core;

/// <summary>
/// The protective exits a signal asks for with its entry (issue 19): a take-profit, a stop-loss and a
/// trailing stop, each as a price (raw fixed point) or as a distance from the entry's average fill
/// price in millionths (20,000 = 2 %); 0 = none. At most one of each pair is set (the edges refuse
/// both). Exits become an order group with the entry: one exit filling cancels the others, partial
/// fills resize them, and an exit is never larger than the position it protects. Venue-native where
/// the symbol's venue has it (<see cref="VenueCapabilities"/>), emulated by the order manager otherwise.
/// </summary>
public struct ProtectiveExits
{
    /// <summary>Take-profit limit price; 0 = none (or see <see cref="TakeProfitPpm"/>).</summary>
    public long TakeProfitRaw;

    /// <summary>Stop-loss trigger price; 0 = none (or see <see cref="StopLossPpm"/>).</summary>
    public long StopLossRaw;

    /// <summary>Trailing stop distance as a price amount; 0 = none (or see <see cref="TrailPpm"/>).</summary>
    public long TrailRaw;

    /// <summary>Take-profit as a distance above (long) / below (short) the entry price, in millionths.</summary>
    public int TakeProfitPpm;

    /// <summary>Stop-loss as a distance below (long) / above (short) the entry price, in millionths.</summary>
    public int StopLossPpm;

    /// <summary>Trailing stop distance from the best price since entry, in millionths.</summary>
    public int TrailPpm;

    /// <summary>Whether any exit is asked for.</summary>
    public readonly bool Any => (TakeProfitRaw | StopLossRaw | TrailRaw) != 0 || (TakeProfitPpm | StopLossPpm | TrailPpm) != 0;
}

/// <summary>What a trade signal asks of the engine (issue 19): a new order (the default), or an amend or cancel of one it has.</summary>
public enum SignalAction : byte
{
    /// <summary>A new order (every signal before issue 19).</summary>
    New = 0,

    /// <summary>
    /// Change the open order <see cref="EngineEvent.TargetOrderId"/>: its limit price (<see cref="EngineEvent.SignalPriceRaw"/>),
    /// stop price (<see cref="EngineEvent.SignalStopRaw"/>) and/or total quantity (<see cref="EngineEvent.SignalQuantity"/>); 0 = unchanged.
    /// </summary>
    Amend,

    /// <summary>Cancel what is left of the open order <see cref="EngineEvent.TargetOrderId"/>.</summary>
    Cancel,
}

/// <summary>An order's part in an order group (bracket, OCO, trailing exit).</summary>
public enum OrderGroupRole : byte
{
    None = 0,

    /// <summary>The order that opens the position; its fills size the exits.</summary>
    Entry,

    /// <summary>The take-profit exit (a limit order).</summary>
    TakeProfit,

    /// <summary>The stop-loss exit (a stop order).</summary>
    StopLoss,

    /// <summary>The trailing-stop exit.</summary>
    TrailingStop,
}

/// <summary>What a venue holds natively (issue 19); everything else the engine emulates.</summary>
[Flags]
public enum VenueCapabilities : ushort
{
    None = 0,

    /// <summary>Entry + take-profit + stop-loss as one venue order (Alpaca <c>order_class: bracket</c>).</summary>
    NativeBracket = 1,

    /// <summary>Two exits where one cancels the other (Alpaca <c>order_class: oco</c>).</summary>
    NativeOco = 2,

    /// <summary>Trailing stop orders (Alpaca <c>trailing_stop</c>).</summary>
    NativeTrailingStop = 4,

    /// <summary>Amend in place (Alpaca PATCH /v2/orders/{id}; KIS order-rvsecncl revise code 01).</summary>
    Amend = 8,

    /// <summary>Stop and stop-limit orders.</summary>
    StopOrders = 16,

    /// <summary>Fractional quantities.</summary>
    Fractional = 32,

    /// <summary>Opening/closing auction time in force (opg, cls).</summary>
    AuctionTif = 64,

    /// <summary>Short sales.</summary>
    Shorts = 128,
}
