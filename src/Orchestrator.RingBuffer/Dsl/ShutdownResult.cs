namespace Orchestrator.RingBuffer;

/// <summary>How <see cref="Disruptor{T}.Shutdown"/> ended.</summary>
public enum ShutdownResult
{
    /// <summary>Every published event was processed by every handler, and every thread stopped.</summary>
    Drained,

    /// <summary>The timeout passed with events still unprocessed or a thread still running; processors were halted anyway.</summary>
    TimedOut,

    /// <summary>A processor had halted on a handler failure, so the backlog could never drain; see <see cref="Disruptor{T}.Faults"/>.</summary>
    Faulted,
}
