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
/// <para><b>alpaca</b>: <c>trailing_stop</c>, PATCH amend, stop/stop_limit, opg/cls, shorts (fractional
/// quantities are Alpaca's, but the engine trades whole shares until fractional quantities land end to
/// end). Alpaca also holds <c>order_class</c> bracket/oto/oco — the adapter sends them and the broker
/// gateway reports their legs under <see cref="NativeLegIds"/>, which the order manager books as the group's
/// exits — but <see cref="Alpaca"/> does not claim them: the gateway adopts legs only from the placement's
/// answer (not after an answer lost in doubt or a restart, when the poll would take them for foreign orders),
/// and Alpaca refuses market entries with percent exits and trailing exits that the emulation takes.
/// <see cref="AlpacaWithNativeGroups"/> is the set to use once the gateway adopts legs from the order listing.</para>
/// <para><b>kis</b>: revise (<c>order-rvsecncl</c> code 01) only. Market/limit with day, IOC and FOK
/// domestically (ORD_DVSN 00/01/11–14); no stop, trailing, bracket, GTC or auction order is sent — the
/// engine holds order groups' stops and take-profits and closes at market when one is reached, holds a
/// signal's own stop or stop-limit (<see cref="EngineHoldsStop"/>) and sends it as a market order or a limit
/// when the market reaches its stop; a signal's own trailing stop, opg or cls order is refused with
/// <see cref="RejectReason.UnsupportedOrder"/>.</para>
/// Slow path (start-up); stateless.
/// </remarks>
public static class VenueCapabilityTable
{
    public const VenueCapabilities Paper = VenueCapabilities.StopOrders | VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend
        | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts;

    public const VenueCapabilities Alpaca = VenueCapabilities.NativeTrailingStop | VenueCapabilities.Amend | VenueCapabilities.StopOrders
        | VenueCapabilities.AuctionTif | VenueCapabilities.Shorts;

    /// <summary>Alpaca with its venue-held brackets and OCO (the order manager books the <see cref="NativeLegIds"/> reports); not the default, see the remarks.</summary>
    public const VenueCapabilities AlpacaWithNativeGroups = Alpaca | VenueCapabilities.NativeBracket | VenueCapabilities.NativeOco;

    public const VenueCapabilities Kis = VenueCapabilities.Amend;

    /// <summary>
    /// Whether the engine holds an order of <paramref name="type"/> and <paramref name="timeInForce"/> for a venue with
    /// <paramref name="capabilities"/> instead of sending it (issue 19): a stop or stop-limit, day, gtc, ioc or fok, where
    /// the venue takes no stop orders. The order is <see cref="OrderStatus.Held"/> until the market reaches its stop.
    /// </summary>
    public static bool EngineHoldsStop(VenueCapabilities capabilities, OrderType type, TimeInForce timeInForce) =>
        type is OrderType.Stop or OrderType.StopLimit && (capabilities & VenueCapabilities.StopOrders) == 0
        && timeInForce is TimeInForce.Day or TimeInForce.Gtc or TimeInForce.Ioc or TimeInForce.Fok;

    /// <summary>The capabilities of the venue named <paramref name="venue"/> ("paper", "alpaca", "kis"); None for a name it does not know.</summary>
    public static VenueCapabilities Of(string? venue) => venue switch
    {
        "paper" => Paper,
        "alpaca" => Alpaca,
        "kis" => Kis,
        _ => VenueCapabilities.None,
    };
}
