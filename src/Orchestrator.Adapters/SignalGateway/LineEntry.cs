using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One answered line of a connection, in its slot's pre-allocated table. The reader fills the
/// answer part before it publishes the line (the cursor's volatile write releases it); the engine's
/// outcome thread fills the outcome part of an accepted signal and releases it with
/// <see cref="DecidedSignalId"/>; the writer reads both.
/// </summary>
internal struct LineEntry
{
    public LineAnswer Answer;
    public GatewayError Error;

    /// <summary>Length of the client's id in the slot's id arena; -1 = the line had none.</summary>
    public int IdLength;

    /// <summary>The gateway's signal id (0 unless accepted).</summary>
    public long SignalId;

    /// <summary>The inbound ring sequence of an accepted signal.</summary>
    public long Sequence;

    public SignalOutcome Outcome;
    public RejectReason Reject;
    public long OrderId;

    /// <summary>Equals <see cref="SignalId"/> once the outcome fields are written (volatile write by the engine's outcome thread).</summary>
    public long DecidedSignalId;
}
