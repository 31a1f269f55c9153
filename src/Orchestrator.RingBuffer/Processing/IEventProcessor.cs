namespace Orchestrator.RingBuffer;

/// <summary>A consumer loop that owns a <see cref="Sequence"/> and runs on one thread.</summary>
public interface IEventProcessor
{
    /// <summary>Name used for the thread and in logs.</summary>
    string Name { get; }

    /// <summary>The last sequence this processor has finished with.</summary>
    Sequence Sequence { get; }

    /// <summary>Whether <see cref="Run"/> is executing.</summary>
    bool IsRunning { get; }

    /// <summary>Set when a handler failure halted the processor.</summary>
    ProcessorFault? Fault { get; }

    /// <summary>Completes when <see cref="Run"/> returns; faulted if a handler failure halted it.</summary>
    Task Completion { get; }

    /// <summary>Processes events on the calling thread until halted. Call once.</summary>
    void Run();

    /// <summary>Asks the processor to stop after the batch in hand. Thread-safe.</summary>
    void Halt();
}
