namespace Orchestrator.Agents.Scheduling;

/// <summary>Where a delegated task is in its life.</summary>
public enum JobStatus
{
    Pending = 0,
    Running,
    Succeeded,
    Failed,
    Canceled,
    TimedOut,
}
