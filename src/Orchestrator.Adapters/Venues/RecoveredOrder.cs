using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>An order a restarted engine rebuilt from its journal as still open, for the gateway to take over.</summary>
/// <param name="Request">The order as it was sent (or was to be sent).</param>
/// <param name="Status">The engine's status: PendingNew/New (never acknowledged), Unknown (in doubt), Accepted or PartiallyFilled.</param>
/// <param name="FilledQuantity">Shares the engine already has as filled.</param>
/// <param name="AvgFillPriceRaw">Average price of those shares, fixed point.</param>
public sealed record RecoveredOrder(VenueOrderRequest Request, OrderStatus Status, long FilledQuantity, long AvgFillPriceRaw);
