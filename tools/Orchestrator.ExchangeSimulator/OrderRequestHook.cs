namespace Orchestrator.ExchangeSimulator;

/// <summary>Where an order request is when <see cref="KisSimulator.OrderRequestHook"/> sees it.</summary>
public enum OrderRequestStage
{
    /// <summary>Read and valid, not yet booked: the venue has not taken it.</summary>
    Received,

    /// <summary>Booked (and matched), not yet answered: the venue has it, the client does not know.</summary>
    Booked,
}

/// <summary>What the venue does once the hook returns.</summary>
public enum OrderRequestOutcome
{
    /// <summary>Go on as usual.</summary>
    Proceed,

    /// <summary>
    /// Drop what is left: at <see cref="OrderRequestStage.Received"/> the request is never booked, at
    /// <see cref="OrderRequestStage.Booked"/> the answer is never sent; either way the connection is
    /// aborted, as if the network lost it.
    /// </summary>
    Drop,
}

/// <summary>An order request as the hook sees it.</summary>
/// <param name="Stage">Received (before booking) or Booked (before answering).</param>
/// <param name="Account">CANO + ACNT_PRDT_CD, e.g. 5000000001.</param>
/// <param name="Symbol">PDNO.</param>
/// <param name="Buy">True for a buy.</param>
/// <param name="Quantity">Shares asked for.</param>
/// <param name="OrderNumber">The venue's order number once booked; null at <see cref="OrderRequestStage.Received"/>.</param>
public sealed record OrderRequestMoment(OrderRequestStage Stage, string Account, string Symbol, bool Buy, long Quantity, string? OrderNumber);
