namespace Orchestrator.Adapters.Venues;

/// <summary>What went wrong with a venue that a person has to fix.</summary>
public enum VenueIncidentKind
{
    /// <summary>Repeated failures opened the circuit breaker: the broker is unreachable or failing.</summary>
    BrokerOutage,

    /// <summary>The venue refused our credentials (HTTP 401/403, KIS EGW00123 after a fresh token, KIS EGW00103/EGW00105 on any call).</summary>
    CredentialsRefused,

    /// <summary>The venue refused an order for want of cash or buying power (KIS APBK0952, Alpaca 40310000).</summary>
    InsufficientFunds,

    /// <summary>The venue filled an order that belongs to no engine order (placed by hand, by another program or run): positions drift.</summary>
    ForeignFill,

    /// <summary>The venue holds another order under one of our client order ids (<see cref="VenueRejectCodes.ClientOrderIdCollision"/>).</summary>
    ClientOrderIdCollision,
}

/// <summary>
/// Raised by <see cref="VenueBrokerGateway.Incident"/> on the gateway's own (slow) threads; the
/// daemon turns it into a CRITICAL alert and a trading pause. <paramref name="Detail"/> never
/// holds a credential.
/// </summary>
public sealed record VenueIncident(VenueIncidentKind Kind, string Venue, string Detail, long ClientOrderId = 0, string? Code = null);
