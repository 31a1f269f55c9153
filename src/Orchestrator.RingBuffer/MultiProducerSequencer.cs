using System.Numerics;
using System.Runtime.CompilerServices;

namespace Orchestrator.RingBuffer;

/// <summary>
/// Sequencer for any number of publishing threads. A claim is one atomic add on the cursor;
/// because claims can be published out of order, each slot records the lap it was last
/// published in, and consumers read the highest contiguous published sequence.
/// </summary>
/// <remarks>Thread-safe for producers.</remarks>
public sealed class MultiProducerSequencer : Sequencer
{
    private readonly Sequence _gatingSequenceCache = new();
    private readonly int[] _availableBuffer;
    private readonly int _indexMask;
    private readonly int _indexShift;

    public MultiProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _availableBuffer = new int[bufferSize];
        _availableBuffer.AsSpan().Fill(-1);
        _indexMask = bufferSize - 1;
        _indexShift = BitOperations.Log2((uint)bufferSize);
    }

    public override long Next(int n)
    {
        ValidateClaim(n);
        // Atomic add (full fence): claims [current + 1, current + n] for this thread alone.
        long current = CursorSequence.AddAndGet(n) - n;
        long nextSequence = current + n;
        long wrapPoint = nextSequence - BufferSize;
        long cachedGating = _gatingSequenceCache.Value;

        if (wrapPoint > cachedGating || cachedGating > current)
        {
            _gatingSequenceCache.SetValue(WaitForCapacity(wrapPoint, current));
        }

        return nextSequence;
    }

    public override bool TryNext(int n, out long highSequence)
    {
        ValidateClaim(n);
        long current, next;
        do
        {
            current = Cursor;
            next = current + n;
            if (!HasCapacity(n, current))
            {
                highSequence = default;
                return false;
            }
        }
        // CAS (full fence): only claim if no other producer moved the cursor meanwhile.
        while (!CursorSequence.CompareAndSet(current, next));

        highSequence = next;
        return true;
    }

    public override bool HasAvailableCapacity(int requiredCapacity) => HasCapacity(requiredCapacity, Cursor);

    private bool HasCapacity(int requiredCapacity, long cursorValue)
    {
        long wrapPoint = cursorValue + requiredCapacity - BufferSize;
        long cachedGating = _gatingSequenceCache.Value;
        if (wrapPoint > cachedGating || cachedGating > cursorValue)
        {
            long minimum = SequenceGroup.Minimum(GatingSequences, cursorValue);
            _gatingSequenceCache.SetValue(minimum);
            if (wrapPoint > minimum)
            {
                return false;
            }
        }

        return true;
    }

    public override long RemainingCapacity()
    {
        long produced = Cursor;
        long consumed = SequenceGroup.Minimum(GatingSequences, produced);
        return BufferSize - (produced - consumed);
    }

    public override void Publish(long sequence)
    {
        SetAvailable(sequence);
        SignalConsumers();
    }

    public override void Publish(long lowSequence, long highSequence)
    {
        for (long sequence = lowSequence; sequence <= highSequence; sequence++)
        {
            SetAvailable(sequence);
        }

        SignalConsumers();
    }

    public override bool IsAvailable(long sequence)
    {
        int index = (int)sequence & _indexMask;
        // Acquire read: pairs with the release write in SetAvailable, so the slot's contents
        // written before publication are visible once the flag matches.
        return Volatile.Read(ref _availableBuffer[index]) == CalculateAvailabilityFlag(sequence);
    }

    public override long GetHighestPublishedSequence(long lowerBound, long availableSequence)
    {
        for (long sequence = lowerBound; sequence <= availableSequence; sequence++)
        {
            if (!IsAvailable(sequence))
            {
                return sequence - 1;
            }
        }

        return availableSequence;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence)
    {
        int index = (int)sequence & _indexMask;
        // Release write: the event written into the slot is visible before the flag says so.
        Volatile.Write(ref _availableBuffer[index], CalculateAvailabilityFlag(sequence));
    }

    /// <summary>The lap number of a sequence: which time round the ring it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CalculateAvailabilityFlag(long sequence) => (int)((ulong)sequence >> _indexShift);
}
