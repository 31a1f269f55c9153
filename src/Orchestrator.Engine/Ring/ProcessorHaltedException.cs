namespace Orchestrator.Engine.Ring;

/// <summary>
/// Thrown by <see cref="FaultPolicyExceptionHandler{T}"/> out of Disruptor-net's processor loop
/// to stop it without marking the failed event done; caught by <see cref="RingProcessor{T}"/>
/// on the same thread, never seen by anyone else.
/// </summary>
internal sealed class ProcessorHaltedException(ProcessorFault fault) : Exception("Ring stage " + fault.ProcessorName + " halted.", fault.Exception)
{
    public ProcessorFault Fault { get; } = fault;
}
