using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// One KIS execution notice (H0STCNI0, VIRTUAL H0STCNI9), decrypted: an order accepted, refused,
/// revised or canceled (<see cref="IsFill"/> false), or one execution (<see cref="IsFill"/> true).
/// Not cumulative: a notice says what just happened, not where the order stands.
/// </summary>
/// <param name="OrderNumber">ODER_NO.</param>
/// <param name="OriginalOrderNumber">OODER_NO: the order a revision or cancel refers to (may be empty).</param>
/// <param name="Symbol">STCK_SHRN_ISCD.</param>
/// <param name="Side">SELN_BYOV_CLS: 01 sell, 02 buy.</param>
/// <param name="ExecutedQuantity">CNTG_QTY of an execution; 0 for an order notice.</param>
/// <param name="Price">CNTG_UNPR for an execution; the order price (ODER_PRC, else CNTG_UNPR) otherwise; KRW.</param>
/// <param name="IsFill">CNTG_YN is "2".</param>
/// <param name="Refused">RFUS_YN is "1".</param>
/// <param name="IsCancel">RCTF_CLS is "2" (a cancel confirmation).</param>
/// <param name="OrderQuantity">ODER_QTY.</param>
/// <param name="AccountNumber">ACNT_NO.</param>
/// <param name="Time">STCK_CNTG_HOUR, HHMMSS Korea time.</param>
public sealed record KisExecutionNotice(
    string OrderNumber,
    string OriginalOrderNumber,
    string Symbol,
    Side Side,
    long ExecutedQuantity,
    decimal Price,
    bool IsFill,
    bool Refused,
    bool IsCancel,
    long OrderQuantity,
    string AccountNumber,
    string Time);
