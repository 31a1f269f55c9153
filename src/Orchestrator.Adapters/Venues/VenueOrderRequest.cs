using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// An order as the broker gateway asks a venue to take it: the engine's
/// <see cref="OrderCommand"/> with the symbol's venue name attached. Slow path.
/// </summary>
/// <param name="ClientOrderId">The engine's order id: Alpaca's <c>client_order_id</c>; KIS has no such field.</param>
/// <param name="Symbol">The venue's name for the instrument (KIS PDNO, Alpaca symbol).</param>
/// <param name="SymbolId">The engine's symbol index.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Type">Market, limit, stop, stop-limit, trailing stop.</param>
/// <param name="TimeInForce">Day, GTC, IOC, FOK, OPG, CLS.</param>
/// <param name="Quantity">Shares, in the symbol's quantity unit: 10^−<paramref name="QuantityDecimals"/> of a share (issue 19).</param>
/// <param name="LimitPriceRaw">Fixed-point limit price (<see cref="FixedPoint.Scale"/>); 0 for market orders.</param>
/// <param name="StopPriceRaw">Fixed-point stop trigger; 0 when none.</param>
/// <param name="GroupRole">The order's part in a group (issue 19): Entry with <paramref name="Exits"/> is a venue-native bracket.</param>
/// <param name="Exits">Exits the venue holds with the entry (<see cref="OrderCommand.Exits"/>); prices raw, or ppm of the entry's limit price.</param>
/// <param name="TrailRaw">A trailing stop's trail as a price amount (0 = see <paramref name="TrailPpm"/>).</param>
/// <param name="TrailPpm">A trailing stop's trail in millionths of the price.</param>
/// <param name="GroupId">The order's group (<see cref="OrderCommand.GroupId"/>; 0 = none): venue-created legs are tracked under <see cref="NativeLegIds.Of"/> of it.</param>
/// <param name="QuantityDecimals">The symbol's quantity decimals (<see cref="InstrumentInfo.QuantityDecimals"/>; 0 = whole shares): how a venue writes <paramref name="Quantity"/> as shares.</param>
public sealed record VenueOrderRequest(
    long ClientOrderId,
    string Symbol,
    int SymbolId,
    Side Side,
    OrderType Type,
    TimeInForce TimeInForce,
    long Quantity,
    long LimitPriceRaw,
    long StopPriceRaw,
    OrderGroupRole GroupRole = OrderGroupRole.None,
    ProtectiveExits Exits = default,
    long TrailRaw = 0,
    int TrailPpm = 0,
    long GroupId = 0,
    int QuantityDecimals = 0)
{
    /// <summary>Whether the order is for a fraction of a share (its quantity is not whole shares).</summary>
    public bool IsFractional => QuantityDecimals > 0 && Quantity % Quantities.UnitsPerShare(QuantityDecimals) != 0;

    /// <summary>The quantity as shares ("0.5", "12"): what a venue's order JSON carries.</summary>
    public string SharesText(long quantity) => Quantities.Format(quantity, QuantityDecimals);
}
