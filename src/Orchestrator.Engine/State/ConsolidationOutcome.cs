namespace Orchestrator.Engine.State;

/// <summary>
/// What consolidation did with a signal (<see cref="SignalConsolidator"/>), counted per outcome; in
/// the order of the <c>Consolidation*</c> audit kinds.
/// </summary>
public enum ConsolidationOutcome : byte
{
    /// <summary>It traded: it decided its group (it goes on to risk).</summary>
    Decided,

    /// <summary>Held back, pending in its window.</summary>
    Held,

    /// <summary>Did not trade: another signal decided against it, or first.</summary>
    Outvoted,

    /// <summary>Did not trade: a veto source's signal against its side held.</summary>
    Vetoed,

    /// <summary>A veto source's signal, recorded as a veto; it does not trade.</summary>
    Veto,

    /// <summary>A held signal that counted in a decision.</summary>
    Contributed,

    /// <summary>A held signal whose window ended without a decision.</summary>
    Expired,

    /// <summary>A held signal replaced by a newer one of the same source.</summary>
    Superseded,
}
