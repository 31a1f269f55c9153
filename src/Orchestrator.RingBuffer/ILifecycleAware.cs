namespace Orchestrator.RingBuffer;

/// <summary>Optional for handlers: told on their own thread when the processor starts and stops.</summary>
public interface ILifecycleAware
{
    /// <summary>Called once on the processor thread before the first event.</summary>
    void OnStart();

    /// <summary>Called once on the processor thread after the last event.</summary>
    void OnShutdown();
}
