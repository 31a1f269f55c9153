using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// Which engine orders KIS takes natively, as its ORD_DVSN code (issue 19).
/// </summary>
/// <remarks>
/// <para>Domestic (<c>order-cash</c>): 00 limit, 01 market, 11 IOC limit, 12 FOK limit, 13 IOC market,
/// 14 FOK market. KIS's other codes (02 conditional limit, 03/04 best-price, 05–07 off-hours) have no
/// engine order type and are not used.</para>
/// <para>Overseas (<c>overseas-stock/v1/trading/order</c>): 00 limit, day only — KIS's VIRTUAL server
/// takes nothing else, and its real-account auction codes (LOO/LOC) are not used here.</para>
/// <para>Everything else — stop, stop-limit, trailing stop, GTC, OPG, CLS, venue-held brackets — KIS does
/// not take through these endpoints: the client refuses it, unsent, with
/// <see cref="Venues.VenueRejectCodes.Unsupported"/>. The engine holds stops and exits for KIS symbols
/// (<see cref="VenueCapabilityTable.Kis"/>), so such orders reach KIS only as the market or limit
/// order a triggered stop becomes.</para>
/// Stateless.
/// </remarks>
internal static class KisOrderDivision
{
    /// <summary>The ORD_DVSN for <paramref name="type"/> and <paramref name="timeInForce"/>, or null when KIS has none.</summary>
    public static string? Of(bool domestic, OrderType type, TimeInForce timeInForce)
    {
        if (!domestic)
        {
            return timeInForce == TimeInForce.Day && type is OrderType.Limit or OrderType.Market ? "00" : null; // a US market order goes as a collared limit
        }

        return (type, timeInForce) switch
        {
            (OrderType.Limit, TimeInForce.Day) => "00",
            (OrderType.Market, TimeInForce.Day) => "01",
            (OrderType.Limit, TimeInForce.Ioc) => "11",
            (OrderType.Limit, TimeInForce.Fok) => "12",
            (OrderType.Market, TimeInForce.Ioc) => "13",
            (OrderType.Market, TimeInForce.Fok) => "14",
            _ => null,
        };
    }
}
