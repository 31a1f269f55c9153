namespace Orchestrator.RingBuffer;

/// <summary>
/// What a consumer waits on: the ring's publication, and the progress of the consumers it
/// depends on. A consumer never sees a sequence that an upstream consumer has not finished.
/// </summary>
/// <remarks>Used by one consumer thread; <see cref="Alert"/> may be called from any thread.</remarks>
public sealed class SequenceBarrier
{
    /// <summary>Returned by <see cref="WaitFor"/> when the barrier was alerted (the consumer should stop).</summary>
    public const long Alerted = long.MinValue;

    private readonly MultiProducerSequencer? _multiProducer;
    private readonly IWaitStrategy _waitStrategy;
    private readonly Sequence[] _dependents;
    private readonly Sequence? _singleDependent;
    private volatile bool _alerted;

    internal SequenceBarrier(Sequencer sequencer, Sequence[] dependents)
    {
        _multiProducer = sequencer as MultiProducerSequencer;
        _waitStrategy = sequencer.WaitStrategy;
        // With no upstream consumers, wait on the producer cursor itself.
        _dependents = dependents.Length == 0 ? [sequencer.CursorSequence] : (Sequence[])dependents.Clone();
        _singleDependent = _dependents.Length == 1 ? _dependents[0] : null;
    }

    /// <summary>Whether <see cref="Alert"/> has been called (and not cleared).</summary>
    public bool IsAlerted => _alerted;

    /// <summary>The slowest of the sequences this barrier depends on.</summary>
    public long DependentValue => _singleDependent?.Value ?? SequenceGroup.Minimum(_dependents, long.MaxValue);

    /// <summary>
    /// Waits until <paramref name="sequence"/> is available and returns the highest sequence that
    /// may be processed (possibly more than asked, for batching; possibly less with several
    /// producers when a lower claim is not yet published), or <see cref="Alerted"/>.
    /// </summary>
    public long WaitFor(long sequence)
    {
        if (_alerted)
        {
            return Alerted;
        }

        // Fast path: already available, so no call into the wait strategy.
        long available = DependentValue;
        if (available < sequence)
        {
            available = _waitStrategy.WaitFor(sequence, this);
            if (available < sequence)
            {
                return available;
            }
        }

        // A single producer publishes in order; many producers may leave gaps.
        return _multiProducer is null ? available : _multiProducer.GetHighestPublishedSequence(sequence, available);
    }

    /// <summary>Wakes the waiting consumer and makes every later wait return <see cref="Alerted"/>.</summary>
    public void Alert()
    {
        _alerted = true;
        _waitStrategy.SignalAllWhenBlocking(); // always: a parked waiter must see the alert
    }
}
