namespace Orchestrator.Adapters.Venues;

/// <summary>
/// A venue call whose outcome is not known or was refused for load: HTTP 5xx, 429 (or KIS
/// <c>EGW00201</c>), an unreadable answer. For an order request the order may or may not be at
/// the venue: the gateway looks it up before any retry and never resends blindly.
/// </summary>
public sealed class VenueTransientException : Exception
{
    public VenueTransientException()
    {
    }

    public VenueTransientException(string message)
        : base(message)
    {
    }

    public VenueTransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the venue said it is overloaded (429, EGW00201): back off longer.</summary>
    public bool RateLimited { get; init; }

    /// <summary>The venue's code, if it gave one.</summary>
    public string? Code { get; init; }

    /// <summary>
    /// True when the request itself never went out (e.g. no access token could be had, or a read
    /// it needed first failed): an order request failing so was definitely not placed.
    /// </summary>
    public bool NotSent { get; init; }
}
