namespace Orchestrator.Agents.Supervision;

/// <summary>Where a supervised agent process is in its life.</summary>
public enum SupervisedAgentState
{
    /// <summary>The process is running.</summary>
    Running,

    /// <summary>It ended and waits out its backoff before the next start.</summary>
    Backoff,

    /// <summary>It ended too often within its restart window: not restarted until the operator resumes it.</summary>
    Paused,

    /// <summary>Not running and not going to be: its restart policy said so, or the daemon is stopping.</summary>
    Stopped,
}
