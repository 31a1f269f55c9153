using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// A broker's answer about one of the strategy's own orders that is not a fill: accepted, canceled,
/// rejected, expired, or unknown (fills arrive as <see cref="Fill"/>).
/// </summary>
public readonly struct OrderUpdate
{
    public OrderUpdate(long clientOrderId, long signalId, int symbolId, Side side, ExecutionType execType, long leavesQuantity, RejectReason reject, long tsEventNs)
    {
        ClientOrderId = clientOrderId;
        SignalId = signalId;
        SymbolId = symbolId;
        Side = side;
        ExecType = execType;
        LeavesQuantity = leavesQuantity;
        Reject = reject;
        TsEventNs = tsEventNs;
    }

    /// <summary>The engine's client order id (<see cref="SubmitResult.ClientOrderId"/> of the submit that made it).</summary>
    public long ClientOrderId { get; }

    /// <summary>The id of the signal that made the order (<see cref="SubmitResult.SignalId"/>).</summary>
    public long SignalId { get; }

    public int SymbolId { get; }

    public Side Side { get; }

    public ExecutionType ExecType { get; }

    /// <summary>Shares still open on the order after this report.</summary>
    public long LeavesQuantity { get; }

    /// <summary>The broker's reason when <see cref="ExecType"/> is Rejected.</summary>
    public RejectReason Reject { get; }

    public long TsEventNs { get; }
}
