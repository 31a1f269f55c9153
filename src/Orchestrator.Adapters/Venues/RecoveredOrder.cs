using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>An order a restarted engine rebuilt from its journal as still open, for the gateway to take over.</summary>
/// <param name="Request">The order as it was sent (or was to be sent), with its terms as last amended.</param>
/// <param name="Status">The engine's status: PendingNew/New (never acknowledged), Unknown (in doubt), Accepted or PartiallyFilled.</param>
/// <param name="FilledQuantity">Shares the engine already has as filled.</param>
/// <param name="AvgFillPriceRaw">Average price of those shares, fixed point.</param>
public sealed record RecoveredOrder(VenueOrderRequest Request, OrderStatus Status, long FilledQuantity, long AvgFillPriceRaw)
{
    /// <summary>A cancel was sent and not answered before the stop: the gateway sends it again.</summary>
    public bool CancelPending { get; init; }

    /// <summary>An amend in flight at the stop (its new total quantity; 0 = none): the gateway sends it again with these terms.</summary>
    public long AmendQuantity { get; init; }

    public long AmendLimitRaw { get; init; }

    public long AmendStopRaw { get; init; }
}
