namespace Orchestrator.RingBuffer;

/// <summary>What a processor does after a handler throws.</summary>
public enum ExceptionPolicy
{
    /// <summary>
    /// Stop the processor at the failing event (its sequence stays before it, so later stages
    /// never see it) and report the fault to the owner. The default: better stopped than wrong.
    /// </summary>
    Halt,

    /// <summary>Log the failure, count the event as processed, and go on with the next one.</summary>
    Continue,
}
