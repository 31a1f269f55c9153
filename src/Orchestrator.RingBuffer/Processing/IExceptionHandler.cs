namespace Orchestrator.RingBuffer;

/// <summary>Decides what happens when a handler throws. Called on the processor thread.</summary>
public interface IExceptionHandler<T>
    where T : struct
{
    /// <summary>A handler threw while processing <paramref name="sequence"/>; returns whether to halt or continue.</summary>
    ExceptionPolicy OnEventException(Exception exception, long sequence, ref T data, string processorName);

    /// <summary>A handler's <see cref="ILifecycleAware.OnStart"/> threw.</summary>
    void OnStartException(Exception exception, string processorName);

    /// <summary>A handler's <see cref="ILifecycleAware.OnShutdown"/> threw.</summary>
    void OnShutdownException(Exception exception, string processorName);
}
