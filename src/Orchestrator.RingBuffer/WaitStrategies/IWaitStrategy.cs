namespace Orchestrator.RingBuffer;

/// <summary>How a consumer waits for a sequence to become available.</summary>
public interface IWaitStrategy
{
    /// <summary>
    /// Waits until the barrier's dependent sequence reaches <paramref name="sequence"/>; returns
    /// that dependent value, or <see cref="SequenceBarrier.Alerted"/> once the barrier is alerted.
    /// </summary>
    long WaitFor(long sequence, SequenceBarrier barrier);

    /// <summary>
    /// Whether waiters park and must be woken: only then do producers and processors call
    /// <see cref="SignalAllWhenBlocking"/> after each publish or advance (spinning strategies
    /// cost nothing on the publishing side).
    /// </summary>
    bool IsBlocking { get; }

    /// <summary>Wakes parked waiters; called after a publish or consumer advance when <see cref="IsBlocking"/>.</summary>
    void SignalAllWhenBlocking();
}
