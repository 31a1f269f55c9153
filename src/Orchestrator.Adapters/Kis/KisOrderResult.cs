namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS's answer to an order: success with the venue's order number (ODNO), or a business
/// failure with <c>msg_cd</c>/<c>msg1</c> — KIS reports failures in <c>rt_cd</c>, whatever the
/// HTTP status. Transport failures (timeouts, 5xx) are not results: they are for the
/// resilience pipeline and reconciliation to settle.
/// </summary>
public sealed record KisOrderResult(bool Accepted, string? OrderNumber, string? MessageCode, string? Message);
