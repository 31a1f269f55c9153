namespace Orchestrator.Adapters.Venues;

/// <summary>Venue refusal codes that mean more than "this order": a person must act.</summary>
public static class VenueRejectCodes
{
    /// <summary>KIS: 주문가능금액을 초과 했습니다 (the order exceeds the cash available to order with).</summary>
    public const string KisOrderableAmountExceeded = "APBK0952";

    /// <summary>Alpaca: 403 with code 40310000, "insufficient buying power".</summary>
    public const string AlpacaForbidden = "40310000";

    /// <summary>
    /// Ours, not a venue's: the venue already holds an order under our client order id with other
    /// terms (symbol, side or quantity); the order is refused, never adopted, and a person must look.
    /// </summary>
    public const string ClientOrderIdCollision = "client_order_id_collision";

    /// <summary>
    /// Ours, not a venue's: the venue has no such order type, time in force or group (issue 19); the order
    /// was not sent, and the refusal's message says what the venue lacks.
    /// </summary>
    public const string Unsupported = "UNSUPPORTED";

    /// <summary>True when a refusal says the account lacks cash or buying power.</summary>
    public static bool IsInsufficientFunds(string? code, string? message) =>
        code == KisOrderableAmountExceeded
        || (message is not null && (message.Contains("insufficient buying power", StringComparison.OrdinalIgnoreCase)
            || message.Contains("insufficient balance", StringComparison.OrdinalIgnoreCase)
            || message.Contains("주문가능금액을 초과", StringComparison.Ordinal)));
}
