using Orchestrator.Core;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// A leg the venue created with an order (issue 19): an Alpaca bracket's or oto's exits, an oco's stop.
/// The broker gateway tracks it under <see cref="NativeLegIds.Of"/> of its group and role.
/// </summary>
/// <param name="VenueOrderId">The venue's id of the leg.</param>
/// <param name="Role">Take-profit, stop-loss or trailing stop.</param>
/// <param name="Side">The leg's side (the entry's opposite).</param>
/// <param name="Type">Limit (take-profit), stop or stop-limit (stop-loss), trailing stop.</param>
/// <param name="Quantity">Shares.</param>
/// <param name="LimitPriceRaw">Fixed-point limit price; 0 when none.</param>
/// <param name="StopPriceRaw">Fixed-point stop trigger; 0 when none.</param>
public sealed record VenueLeg(string VenueOrderId, OrderGroupRole Role, Side Side, OrderType Type, long Quantity, long LimitPriceRaw, long StopPriceRaw);

/// <summary>A venue-created leg as an order listing shows it (issue 19): what it is, and its cumulative state (fills, status).</summary>
/// <param name="Leg">The leg's role, side, type, quantity and prices.</param>
/// <param name="State">Its state, as any order's.</param>
public sealed record VenueLegState(VenueLeg Leg, VenueOrderState State);
