namespace Orchestrator.Engine.Ring;

/// <summary>A ring stage halted because its handler threw at <see cref="Sequence"/>.</summary>
/// <param name="ProcessorName">The stage (and, with its pipeline's prefix, its thread) name.</param>
/// <param name="Sequence">The event that failed; the stage's own sequence stays one before it.</param>
/// <param name="Exception">What the handler threw.</param>
public sealed record ProcessorFault(string ProcessorName, long Sequence, Exception Exception);
