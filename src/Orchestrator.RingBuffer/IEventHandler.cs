namespace Orchestrator.RingBuffer;

/// <summary>
/// A ring stage. Called on the stage's processor thread for every published event, in sequence
/// order, with the slot by reference: read what earlier stages wrote, write what later ones read.
/// </summary>
/// <typeparam name="T">The event struct.</typeparam>
public interface IEventHandler<T>
    where T : struct
{
    /// <param name="data">The slot; valid only for the duration of the call.</param>
    /// <param name="sequence">The event's sequence number.</param>
    /// <param name="endOfBatch">True for the last event currently available: a good moment to flush.</param>
    void OnEvent(ref T data, long sequence, bool endOfBatch);
}
