using Orchestrator.Agents.Llm;
using Orchestrator.Core;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// Feeds an agent's <see cref="LlmSignalHistory"/> (the built-in <c>strategy_agent</c>'s, in llm mode) from the
/// engine's audit stream, so its next prompt holds what became of its signals and its fills (issue 18): the
/// risk verdict, the consolidation's word, the order's states and fills of the records whose source is the
/// agent's. Then passes every record on to the observer that was there before (the dashboard's).
/// </summary>
/// <remarks>
/// Audit thread. A record of another source costs one comparison and allocates nothing; the agent's own
/// records (a few per model call) allocate their texts.
/// </remarks>
public sealed class AgentHistoryFeed(TradingEngine engine, int sourceId, LlmSignalHistory history, IAuditObserver? next) : IAuditObserver
{
    /// <summary>The observer records are passed on to (null = none).</summary>
    public IAuditObserver? Next => next;

    public void Observe(in AuditRecord record)
    {
        next?.Observe(record);
        if (record.SourceId != sourceId || sourceId == 0)
        {
            return;
        }

        switch (record.Kind)
        {
            case AuditKind.RiskRejected:
                history.OnDecided(record.SignalId, "rejected by risk: " + record.Reason, final: true);
                break;
            case AuditKind.ConsolidationHeld:
                history.OnDecided(record.SignalId, "held by consolidation (waiting for the other agents)", final: false);
                break;
            case AuditKind.ConsolidationDecided:
                history.OnDecided(record.SignalId, "accepted by consolidation", final: false);
                break;
            case AuditKind.ConsolidationVeto:
            case AuditKind.ConsolidationOutvoted:
            case AuditKind.ConsolidationVetoed:
            case AuditKind.ConsolidationExpired:
            case AuditKind.ConsolidationSuperseded:
            case AuditKind.ConsolidationContributed:
                history.OnDecided(record.SignalId, "not traded: " + ConsolidationOutcome(record.Kind) + " by consolidation", final: true);
                break;
            case AuditKind.OrderSubmitted:
            case AuditKind.OrderAccepted:
                history.OnOrderUpdate(record.SignalId, record.ClientOrderId, ExecutionType.Accepted, RejectReason.None);
                break;
            case AuditKind.OrderCanceled:
                history.OnOrderUpdate(record.SignalId, record.ClientOrderId, ExecutionType.Canceled, RejectReason.None);
                break;
            case AuditKind.OrderRejected:
                history.OnOrderUpdate(record.SignalId, record.ClientOrderId, ExecutionType.Rejected, record.Reason);
                break;
            case AuditKind.OrderExpired:
                history.OnOrderUpdate(record.SignalId, record.ClientOrderId, ExecutionType.Expired, RejectReason.None);
                break;
            case AuditKind.OrderStatusUnknown:
                history.OnOrderUpdate(record.SignalId, record.ClientOrderId, ExecutionType.Unknown, RejectReason.None);
                break;
            case AuditKind.OrderPartiallyFilled:
            case AuditKind.OrderFilled:
                history.OnFill(record.SignalId, record.TsEventNs, engine.Symbols.GetName(record.SymbolId), record.Side,
                    engine.Instruments.Units.ToDecimal(record.SymbolId, record.Quantity), FixedPoint.ToDecimal(record.PriceRaw), commission: null, complete: record.Kind == AuditKind.OrderFilled);
                break;
        }
    }

    private static string ConsolidationOutcome(AuditKind kind) => kind switch
    {
        AuditKind.ConsolidationVeto => "a veto, blocking the other side for the window,",
        AuditKind.ConsolidationOutvoted => "outvoted",
        AuditKind.ConsolidationVetoed => "vetoed",
        AuditKind.ConsolidationExpired => "expired without a decision",
        AuditKind.ConsolidationSuperseded => "superseded by its own newer signal",
        _ => "counted toward another signal's decision",
    };
}
