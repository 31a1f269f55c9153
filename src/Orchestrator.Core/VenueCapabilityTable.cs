namespace Orchestrator.Core;

/// <summary>
/// What each venue the daemon can trade through holds natively (issue 19); the engine emulates the rest
/// (brackets, OCO and trailing exits in the order manager). The README's venue table says, per venue
/// and order type, which side holds the protection while the daemon is down.
/// </summary>
/// <remarks>
/// <para><b>paper</b>: stops, stop-limits, trailing stops, amend, opg/cls and shorts. Brackets and OCO are
/// deliberately not native: the paper exchange lives inside the daemon, so a "venue-held" bracket
/// would protect nothing the engine's emulation does not — and emulating them on paper runs the same
/// engine code that protects KIS positions.</para>
/// <para><b>alpaca</b>: <c>trailing_stop</c>, PATCH amend, stop/stop_limit, opg/cls, shorts, and <c>order_class</c>
/// bracket/oto (issue 19): an entry's take-profit and stop-loss go with it and Alpaca holds them, also while the daemon is
/// down. The broker gateway reports the legs Alpaca makes under <see cref="NativeLegIds"/> — adopted from the placement's
/// answer, from a lookup of an entry in doubt, and from the nested order listing (<c>GET /v2/orders?nested=true</c>) after
/// a restart — and the order manager books them as the group's exits. Exits Alpaca takes no bracket for (a trailing exit,
/// percent exits on a market entry, a tif other than day/gtc, a fraction of a share) are held by the engine as at any
/// venue. <see cref="AlpacaEngineHeldExits"/> is the fallback (<c>broker_config.yaml</c> <c>alpaca.exits: engine</c>).</para>
/// <para><b>kis</b>: revise (<c>order-rvsecncl</c> code 01) only. Market/limit with day, IOC and FOK
/// domestically (ORD_DVSN 00/01/11–14); no stop, trailing, bracket, GTC or auction order is sent — the
/// engine holds order groups' stops and take-profits and closes at market when one is reached, holds a
/// signal's own stop or stop-limit (<see cref="EngineHoldsStop"/>) and sends it as a market order or a limit
/// when the market reaches its stop, and holds a signal's own trailing stop the same way (a high-water mark for a
/// sell, a low-water mark for a buy, from trades and bars in event time); a signal's own opg or cls order is refused with
/// <see cref="RejectReason.UnsupportedOrder"/>.</para>
/// Slow path (start-up); stateless.
/// </remarks>
public static class VenueCapabilityTable
{
    public const VenueCapabilities Paper = VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend
        | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts;

    public const VenueCapabilities Alpaca = VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend | VenueCapabilities.StopOrders
        | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco;

    /// <summary>What the venues hold of order groups themselves (brackets, OCO); <see cref="WithoutVenueGroups"/> takes it away.</summary>
    public const VenueCapabilities VenueGroups = VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco;

    /// <summary>Alpaca with the engine holding every group's exits (<c>alpaca.exits: engine</c>): nothing protects them while the daemon is down.</summary>
    public const VenueCapabilities AlpacaEngineHeldExits = Alpaca & ~VenueGroups;

    /// <summary><paramref name="capabilities"/> without the venue's own brackets and OCO: the engine holds the exits.</summary>
    public static VenueCapabilities WithoutVenueGroups(VenueCapabilities capabilities) => capabilities & ~VenueGroups;

    public const VenueCapabilities Kis = VenueCapabilities.Amend;

    /// <summary>
    /// Whether the engine holds an order of <paramref name="type"/> and <paramref name="timeInForce"/> for a venue with
    /// <paramref name="capabilities"/> instead of sending it (issue 19): a stop or stop-limit where the venue takes no stop
    /// orders, a trailing stop where it has none (<see cref="VenueCapabilities.NativeTrailingStop"/>); day, gtc, ioc or fok.
    /// The order is <see cref="OrderStatus.Held"/> until the market reaches its stop (a trailing stop's: the best price
    /// since it was placed, less or plus its trail).
    /// </summary>
    public static bool EngineHoldsStop(VenueCapabilities capabilities, OrderType type, TimeInForce timeInForce) =>
        (type is OrderType.Stop or OrderType.StopLimit ? (capabilities & VenueCapabilities.StopOrders) == 0
            : type == OrderType.TrailingStop && (capabilities & VenueCapabilities.NativeTrailingStop) == 0)
        && timeInForce is TimeInForce.Day or TimeInForce.Gtc or TimeInForce.Ioc or TimeInForce.Fok;

    /// <summary>
    /// <see cref="EngineHoldsStop"/> for an order with these prices: a stop or stop-limit needs its stop price
    /// (<paramref name="stopRaw"/> &gt; 0); a trailing stop has none of its own (its trail decides).
    /// </summary>
    public static bool EngineHolds(VenueCapabilities capabilities, OrderType type, TimeInForce timeInForce, long stopRaw) =>
        (stopRaw > 0 || type == OrderType.TrailingStop) && EngineHoldsStop(capabilities, type, timeInForce);

    /// <summary>The capabilities of the venue named <paramref name="venue"/> ("paper", "alpaca", "kis"); None for a name it does not know.</summary>
    public static VenueCapabilities Of(string? venue) => venue switch
    {
        "paper" => Paper,
        "alpaca" => Alpaca,
        "kis" => Kis,
        _ => VenueCapabilities.None,
    };
}
