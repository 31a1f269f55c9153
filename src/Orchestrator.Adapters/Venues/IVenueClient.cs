namespace Orchestrator.Adapters.Venues;

/// <summary>
/// A broker's order API as the broker gateway drives it (KIS, Alpaca). Slow
/// path: async and cancellable. Business refusals are results; transport failures, 5xx, 429 and
/// unreadable answers throw <see cref="VenueTransientException"/> (or the
/// <see cref="HttpRequestException"/>/<see cref="TimeoutException"/> underneath); a refused
/// credential throws <see cref="VenueAuthenticationException"/>.
/// </summary>
public interface IVenueClient : IDisposable
{
    /// <summary>Short name for logs and health ("kis", "alpaca").</summary>
    string Name { get; }

    /// <summary>
    /// Sends one new order. A failure before the request left throws <see cref="VenueTransientException"/>
    /// with <c>NotSent</c>: only then (or after a rate-limit refusal) may the gateway send it again.
    /// </summary>
    Task<VenuePlaceResult> PlaceAsync(VenueOrderRequest order, CancellationToken cancellationToken);

    /// <summary>Cancels what is left of an order the venue took.</summary>
    Task<VenuePlaceResult> CancelAsync(VenueOrderRequest order, string venueOrderId, CancellationToken cancellationToken);

    /// <summary>
    /// Changes an open order (issue 19) to <paramref name="amended"/>'s quantity — the new total, fills
    /// included — and prices; <paramref name="filledQuantity"/> is what the engine has as filled, for
    /// venues that take the quantity still to trade. Taken: the id the order has now (KIS and Alpaca
    /// replace the order with a new one; the old id then is retired). Refused: the venue's code and words.
    /// </summary>
    Task<VenuePlaceResult> AmendAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken);

    /// <summary>
    /// After an attempt whose outcome was not seen: the venue's record of <paramref name="order"/>,
    /// or null if the venue definitely does not have it. Alpaca looks it up by client order id;
    /// KIS (no client id) matches the day's orders by symbol, side and quantity, skipping
    /// <paramref name="claimed"/> venue ids that already belong to other engine orders.
    /// </summary>
    Task<VenueOrderState?> FindAsync(VenueOrderRequest order, IReadOnlySet<string> claimed, CancellationToken cancellationToken);

    /// <summary>The venue's current view of today's orders (fills and reconciliation poll this).</summary>
    Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(CancellationToken cancellationToken);

    /// <summary>The account's cash and positions as the venue books them (start-up and reconciliation).</summary>
    Task<VenueHoldings> GetHoldingsAsync(CancellationToken cancellationToken);
}

/// <summary>The venue refused our credentials (wrong or expired keys): a person must act.</summary>
public sealed class VenueAuthenticationException : Exception
{
    public VenueAuthenticationException()
    {
    }

    public VenueAuthenticationException(string message)
        : base(message)
    {
    }

    public VenueAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
