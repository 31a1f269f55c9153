using Orchestrator.Core;

namespace Orchestrator.Engine.Audit;

/// <summary>
/// A fixed-size audit record: fast-path stages fill one in and hand it to the
/// <see cref="AuditTrail"/>; a slow thread turns it into text. No string is built on the hot path.
/// </summary>
public struct AuditRecord
{
    public AuditKind Kind;
    public int SymbolId;
    public Side Side;
    public IntentOrigin Origin;
    public RejectReason Reason;
    public OrderType OrderType;
    public long Quantity;
    public long PriceRaw;
    public int ConfidencePpm;
    public long ClientOrderId;
    public long SignalId;
    public int SourceId;
    public int ReasonTextId;

    /// <summary>A kind-specific figure: position size in basis points of equity, leaves quantity, equity.</summary>
    public long Value;
    public long TsEventNs;

    /// <summary>Consolidation records: the group's mode.</summary>
    public Options.ConsolidationMode Mode;

    /// <summary>Consolidation records: the source of the other signal named in <see cref="Value"/> (the one that decided, or the veto).</summary>
    public int PeerSourceId;

    /// <summary>Consolidation records: the support of the signal's side, ×10^6 (summed weights, or sources for a quorum).</summary>
    public long SupportPpm;

    /// <summary>Consolidation records: the support a side needs, ×10^6.</summary>
    public long NeededPpm;
}
