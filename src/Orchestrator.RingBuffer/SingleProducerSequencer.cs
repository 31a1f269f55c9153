using System.Runtime.InteropServices;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// Sequencer for exactly one publishing thread. Claims need no atomic instruction: the producer
/// keeps its next value and a cache of the slowest consumer in fields only it touches.
/// </summary>
/// <remarks>Not thread-safe for producers: call Next/TryNext/Publish from one thread only.</remarks>
public sealed class SingleProducerSequencer : Sequencer
{
    private ProducerFields _fields = new() { NextValue = Sequence.InitialValue, CachedGatingValue = Sequence.InitialValue };

    public SingleProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
    }

    public override long Next(int n)
    {
        ValidateClaim(n);
        long nextValue = _fields.NextValue;
        long nextSequence = nextValue + n;
        long wrapPoint = nextSequence - BufferSize;
        long cachedGating = _fields.CachedGatingValue;

        if (wrapPoint > cachedGating || cachedGating > nextValue)
        {
            // Full fence (store-load): our earlier cursor publication must not be ordered after
            // the reads of the consumers' sequences below, or both sides could wait on each other.
            Interlocked.MemoryBarrier();
            _fields.CachedGatingValue = WaitForCapacity(wrapPoint, nextValue);
        }

        _fields.NextValue = nextSequence;
        return nextSequence;
    }

    public override bool TryNext(int n, out long highSequence)
    {
        ValidateClaim(n);
        if (!HasCapacity(n))
        {
            highSequence = default;
            return false;
        }

        highSequence = _fields.NextValue += n;
        return true;
    }

    public override bool HasAvailableCapacity(int requiredCapacity) => HasCapacity(requiredCapacity);

    private bool HasCapacity(int requiredCapacity)
    {
        long nextValue = _fields.NextValue;
        long wrapPoint = nextValue + requiredCapacity - BufferSize;
        long cachedGating = _fields.CachedGatingValue;

        if (wrapPoint > cachedGating || cachedGating > nextValue)
        {
            // Full fence (store-load), as in Next.
            Interlocked.MemoryBarrier();
            long minimum = SequenceGroup.Minimum(GatingSequences, nextValue);
            _fields.CachedGatingValue = minimum;
            if (wrapPoint > minimum)
            {
                return false;
            }
        }

        return true;
    }

    public override long RemainingCapacity()
    {
        long nextValue = _fields.NextValue;
        long consumed = SequenceGroup.Minimum(GatingSequences, nextValue);
        return BufferSize - (nextValue - consumed);
    }

    public override void Publish(long sequence)
    {
        // Release write inside SetValue: the slot's contents are visible before the cursor is.
        CursorSequence.SetValue(sequence);
        SignalConsumers();
    }

    public override void Publish(long lowSequence, long highSequence) => Publish(highSequence);

    public override bool IsAvailable(long sequence)
    {
        long cursor = Cursor;
        return sequence <= cursor && sequence > cursor - BufferSize;
    }

    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence) => availableSequence;

    /// <summary>Producer-only fields, padded away from the cursor and the class's other fields.</summary>
    [StructLayout(LayoutKind.Explicit, Size = (Constants.CacheLinePadding * 2) + (2 * sizeof(long)))]
    internal struct ProducerFields
    {
        [FieldOffset(Constants.CacheLinePadding)]
        public long NextValue;

        [FieldOffset(Constants.CacheLinePadding + sizeof(long))]
        public long CachedGatingValue;
    }
}
