using Orchestrator.Core;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Engine.Handlers;

/// <summary>How every stage refuses an intent: the reason goes into the slot, a counter and the audit trail.</summary>
internal static class Refusal
{
    public static void Record(ref EngineEvent e, RejectReason reason, EngineCounters counters, AuditTrail audit)
    {
        e.Reject = reason;
        counters.Reject(reason);
        audit.TryPublish(new AuditRecord
        {
            Kind = AuditKind.RiskRejected,
            SymbolId = e.SymbolId,
            Side = e.IntentSide == Side.None ? e.SignalSide : e.IntentSide,
            Origin = e.Origin,
            Reason = reason,
            ConfidencePpm = e.ConfidencePpm,
            SignalId = e.SignalId,
            SourceId = e.SourceId,
            TsEventNs = e.TsEventNs,
        });
    }
}
