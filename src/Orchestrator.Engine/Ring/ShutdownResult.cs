namespace Orchestrator.Engine.Ring;

/// <summary>How <see cref="RingPipeline{T}.Shutdown"/> ended.</summary>
public enum ShutdownResult
{
    /// <summary>Every published event was processed by every stage, and every thread stopped.</summary>
    Drained,

    /// <summary>The timeout passed with events still unprocessed or a thread still running; the stages were halted anyway.</summary>
    TimedOut,

    /// <summary>A stage had halted on a handler failure, so the backlog could never drain; see <see cref="RingPipeline{T}.Faults"/>.</summary>
    Faulted,
}
