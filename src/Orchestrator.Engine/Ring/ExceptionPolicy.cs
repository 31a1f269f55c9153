namespace Orchestrator.Engine.Ring;

/// <summary>What a ring stage does after its handler throws (<see cref="FaultPolicyExceptionHandler{T}"/>).</summary>
public enum ExceptionPolicy
{
    /// <summary>
    /// Stop the stage at the failing event: its sequence stays one before it, so later stages
    /// never see the failed event or anything after it, and the owner is told
    /// (<see cref="RingPipeline{T}.ProcessorFaulted"/>). The default: better stopped than wrong.
    /// </summary>
    Halt,

    /// <summary>Log the failure, count the event as processed, and go on with the next one.</summary>
    Continue,
}
