namespace Orchestrator.Agents.Health;

/// <summary>The process's resources at a check.</summary>
/// <param name="WorkingSetBytes">Physical memory in use by the process.</param>
/// <param name="GcHeapBytes">Managed heap size after the last collection.</param>
/// <param name="CpuPercent">CPU used since the previous check, as a share of all processors (0..100); null on the first check.</param>
/// <param name="Trimmed">Whether this check ran the trim callbacks and a full collection.</param>
public sealed record ProcessSample(long WorkingSetBytes, long GcHeapBytes, double? CpuPercent, bool Trimmed);
