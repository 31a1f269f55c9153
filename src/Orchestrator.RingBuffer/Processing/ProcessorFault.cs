namespace Orchestrator.RingBuffer;

/// <summary>A processor halted because a handler threw at <see cref="Sequence"/>.</summary>
/// <param name="ProcessorName">The processor (and its thread) name.</param>
/// <param name="Sequence">The event that failed; the processor's own sequence stays one before it.</param>
/// <param name="Exception">What the handler threw.</param>
public sealed record ProcessorFault(string ProcessorName, long Sequence, Exception Exception);
