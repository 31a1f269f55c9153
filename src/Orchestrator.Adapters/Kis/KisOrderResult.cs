namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS's answer to an order: success with the venue's order number (ODNO), or a business
/// failure with <c>msg_cd</c>/<c>msg1</c> — KIS reports failures in <c>rt_cd</c>, whatever the
/// HTTP status. Transport failures (timeouts, 5xx) are not results: they are for the
/// resilience pipeline and reconciliation to settle.
/// </summary>
/// <param name="Accepted">rt_cd was "0".</param>
/// <param name="OrderNumber">ODNO: the venue's order number (needed to cancel).</param>
/// <param name="BranchNumber">KRX_FWDG_ORD_ORGNO: the forwarding branch (needed to cancel).</param>
/// <param name="MessageCode">msg_cd.</param>
/// <param name="Message">msg1.</param>
public sealed record KisOrderResult(bool Accepted, string? OrderNumber, string? BranchNumber, string? MessageCode, string? Message);
