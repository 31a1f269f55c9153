namespace Orchestrator.Adapters.Venues;

/// <summary>
/// The venue's definite answer to an order or cancel request: taken (with its id), or refused
/// for a business reason (never retried). An answer that could not be read, a timeout, a 5xx or a
/// rate-limit refusal is not a result: the client throws <see cref="VenueTransientException"/>.
/// </summary>
public sealed record VenuePlaceResult(bool Accepted, string? VenueOrderId, string? Code, string? Message)
{
    /// <summary>Legs the venue created with a taken order (a bracket's exits, an oco's stop); empty for a plain order.</summary>
    public IReadOnlyList<VenueLeg> Legs { get; init; } = [];

    public static VenuePlaceResult Taken(string venueOrderId, string? code = null, string? message = null) => new(true, venueOrderId, code, message);

    public static VenuePlaceResult Refused(string? code, string? message) => new(false, null, code, message);
}
