using Orchestrator.Core;
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
/// </summary>
/// <remarks>Trading thread. The triggers are flags on the entry (<see cref="OrderRecord.StopTriggered"/>,
/// <see cref="OrderRecord.TakeProfitTouched"/>), set by market events, so journal replay and snapshots
/// reach the same state; the market order is an exit like any other (recovered, placed once).</remarks>
public sealed partial class OrderManagerHandler
{
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
