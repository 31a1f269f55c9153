using System.Numerics;
using System.Runtime.CompilerServices;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// Hands out sequence numbers to producers and tells consumers what has been published.
/// A producer calls <see cref="Next()"/> (or <see cref="TryNext(out long)"/>), writes the slot,
/// then <see cref="Publish(long)"/>. Claims block (spin, then yield) while the ring is full,
/// that is while the slowest gating consumer is a whole ring behind.
/// </summary>
public abstract class Sequencer
{
    private readonly Sequence _cursor = new();
    private readonly bool _signalConsumers;
    private Sequence[] _gatingSequences = [];

    // Only the two sealed sequencers below derive from this, so the ring can call them directly.
    private protected Sequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        ArgumentNullException.ThrowIfNull(waitStrategy);
        if (bufferSize < 1 || !BitOperations.IsPow2(bufferSize))
        {
            ThrowHelper.ThrowBufferSizeNotPowerOfTwo(bufferSize);
        }

        BufferSize = bufferSize;
        WaitStrategy = waitStrategy;
        _signalConsumers = waitStrategy.IsBlocking;
    }

    /// <summary>Number of slots in the ring (a power of two).</summary>
    public int BufferSize { get; }

    /// <summary>How consumers of this ring wait for new events.</summary>
    public IWaitStrategy WaitStrategy { get; }

    /// <summary>
    /// The cursor sequence: for a single producer the highest published sequence; for many
    /// producers the highest claimed one (availability is then tracked per slot).
    /// </summary>
    public Sequence CursorSequence => _cursor;

    /// <summary>Current value of <see cref="CursorSequence"/>.</summary>
    public long Cursor => _cursor.Value;

    /// <summary>The sequences producers must not lap (the last consumers of the ring).</summary>
    // Acquire read: sees the fully built array published by the CAS in AddGatingSequences.
    protected Sequence[] GatingSequences => Volatile.Read(ref _gatingSequences);

    /// <summary>Adds sequences that producers must not overtake by more than one ring.</summary>
    public void AddGatingSequences(params Sequence[] sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Sequence[] current, updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            updated = new Sequence[current.Length + sequences.Length];
            current.CopyTo(updated, 0);
            long cursor = Cursor;
            for (int i = 0; i < sequences.Length; i++)
            {
                // A late-added consumer starts at the cursor so it does not gate on history.
                sequences[i].SetValue(cursor);
                updated[current.Length + i] = sequences[i];
            }
        }
        // CAS is a full fence: the array contents are visible before the reference is.
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);
    }

    /// <summary>Removes a gating sequence; returns whether it was present.</summary>
    public bool RemoveGatingSequence(Sequence sequence)
    {
        Sequence[] current, updated;
        do
        {
            current = Volatile.Read(ref _gatingSequences);
            int index = Array.IndexOf(current, sequence);
            if (index < 0)
            {
                return false;
            }

            updated = new Sequence[current.Length - 1];
            Array.Copy(current, 0, updated, 0, index);
            Array.Copy(current, index + 1, updated, index, current.Length - index - 1);
        }
        // CAS is a full fence, as above.
        while (Interlocked.CompareExchange(ref _gatingSequences, updated, current) != current);
        return true;
    }

    /// <summary>The slowest gating sequence, or the cursor when there is none.</summary>
    public long GetMinimumGatingSequence() => SequenceGroup.Minimum(GatingSequences, Cursor);

    /// <summary>A barrier for consumers that process after <paramref name="dependents"/> (or after publication if none).</summary>
    public SequenceBarrier NewBarrier(params Sequence[] dependents) => new(this, dependents);

    /// <summary>Claims the next sequence, waiting while the ring is full.</summary>
    public long Next() => Next(1);

    /// <summary>Claims <paramref name="n"/> consecutive sequences and returns the highest; the lowest is the result minus n plus 1.</summary>
    public abstract long Next(int n);

    /// <summary>Claims the next sequence if the ring has room; never waits.</summary>
    public bool TryNext(out long sequence) => TryNext(1, out sequence);

    /// <summary>Claims <paramref name="n"/> sequences if the ring has room for all; never waits.</summary>
    public abstract bool TryNext(int n, out long highSequence);

    /// <summary>Whether <paramref name="requiredCapacity"/> slots could be claimed now without waiting.</summary>
    public abstract bool HasAvailableCapacity(int requiredCapacity);

    /// <summary>Free slots right now (a snapshot; it may change at once).</summary>
    public abstract long RemainingCapacity();

    /// <summary>Makes a claimed sequence visible to consumers.</summary>
    public abstract void Publish(long sequence);

    /// <summary>Makes a claimed range visible to consumers.</summary>
    public abstract void Publish(long lowSequence, long highSequence);

    /// <summary>Whether <paramref name="sequence"/> has been published and not yet overwritten.</summary>
    public abstract bool IsAvailable(long sequence);

    /// <summary>
    /// The highest sequence in [<paramref name="lowerBound"/>, <paramref name="availableSequence"/>]
    /// such that every sequence up to it is published; <paramref name="lowerBound"/> - 1 if none is.
    /// </summary>
    public abstract long GetHighestPublishedSequence(long lowerBound, long availableSequence);

    /// <summary>Spin, then yield, while the slowest gating sequence is less than <paramref name="wrapPoint"/>.</summary>
    private protected long WaitForCapacity(long wrapPoint, long cursorValue)
    {
        var spinner = default(SpinWait);
        long minimum;
        while (wrapPoint > (minimum = SequenceGroup.Minimum(GatingSequences, cursorValue)))
        {
            // Never Sleep(1): a full ring usually drains in microseconds, and a 1 ms stall
            // would cost thousands of events. Yield lets a consumer on the same core run.
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return minimum;
    }

    /// <summary>Wakes parked consumers after a publish, when the wait strategy parks them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void SignalConsumers()
    {
        if (_signalConsumers)
        {
            WaitStrategy.SignalAllWhenBlocking();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void ValidateClaim(int n)
    {
        if (n < 1 || n > BufferSize)
        {
            ThrowHelper.ThrowClaimSizeOutOfRange(n, BufferSize);
        }
    }
}
