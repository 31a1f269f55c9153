using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// One order as the venue sees it, from a query, a reconciliation or a push stream. Fill figures
/// are cumulative, so the gateway can apply the same state twice (a poll and a stream both
/// reporting a fill) and emit each share exactly once.
/// </summary>
/// <param name="VenueOrderId">The venue's own id (KIS <c>ODNO</c>, Alpaca <c>id</c>).</param>
/// <param name="ClientOrderId">The engine's id when the venue echoes it (Alpaca); null at KIS.</param>
/// <param name="Symbol">The venue's symbol.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Quantity">Shares ordered.</param>
/// <param name="FilledQuantity">Shares filled so far.</param>
/// <param name="AverageFillPrice">Average price of those shares (0 when none); decimal, never double.</param>
/// <param name="Status">Working or how it ended.</param>
/// <param name="Reason">The venue's words for a reject, cancel or expiry, if any.</param>
public sealed record VenueOrderState(
    string VenueOrderId,
    long? ClientOrderId,
    string Symbol,
    Side Side,
    long Quantity,
    long FilledQuantity,
    decimal AverageFillPrice,
    VenueOrderStatus Status,
    string? Reason = null)
{
    /// <summary>
    /// The legs the venue created with this order (issue 19: an Alpaca bracket's or oto's exits, listed nested under
    /// their parent), each with its own cumulative state; empty for a plain order or a listing that does not nest them.
    /// </summary>
    public IReadOnlyList<VenueLegState> Legs { get; init; } = [];
}
