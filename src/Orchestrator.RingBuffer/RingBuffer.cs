using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// A pre-allocated ring of <typeparamref name="T"/> structs, size a power of two. Producers
/// claim a sequence, write the slot in place through <c>ref</c>, and publish it; consumers
/// read (and later stages annotate) the same slot. Nothing is allocated after construction.
/// </summary>
/// <typeparam name="T">The event: an unmanaged-friendly struct changed in place.</typeparam>
public sealed class RingBuffer<T>
    where T : struct
{
    // Empty slots before and after the entries so no other object shares their cache lines.
    private static readonly int s_padSlots = Math.Max(1, (Constants.RingPaddingBytes + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>());

    private readonly T[] _entries;
    private readonly long _indexMask;
    private readonly Sequencer _sequencer;
    private readonly SingleProducerSequencer? _singleProducer; // exactly one of these two is set:
    private readonly MultiProducerSequencer? _multiProducer;   // calls through them are direct, inlinable

    public RingBuffer(Sequencer sequencer)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        _sequencer = sequencer;
        _singleProducer = sequencer as SingleProducerSequencer;
        _multiProducer = sequencer as MultiProducerSequencer;
        _entries = new T[sequencer.BufferSize + (2 * s_padSlots)];
        _indexMask = sequencer.BufferSize - 1;
    }

    /// <summary>A ring for one publishing thread.</summary>
    public static RingBuffer<T> CreateSingleProducer(int bufferSize, IWaitStrategy waitStrategy) =>
        new(new SingleProducerSequencer(bufferSize, waitStrategy));

    /// <summary>A ring for any number of publishing threads.</summary>
    public static RingBuffer<T> CreateMultiProducer(int bufferSize, IWaitStrategy waitStrategy) =>
        new(new MultiProducerSequencer(bufferSize, waitStrategy));

    /// <summary>A ring with the sequencer that <paramref name="producerType"/> names.</summary>
    public static RingBuffer<T> Create(ProducerType producerType, int bufferSize, IWaitStrategy waitStrategy) =>
        producerType == ProducerType.Single
            ? CreateSingleProducer(bufferSize, waitStrategy)
            : CreateMultiProducer(bufferSize, waitStrategy);

    /// <summary>The slot for <paramref name="sequence"/>, by reference (no copy, no bounds check).</summary>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), s_padSlots + (nint)(sequence & _indexMask));
    }

    public int BufferSize => _sequencer.BufferSize;

    public Sequencer Sequencer => _sequencer;

    /// <inheritdoc cref="Sequencer.Cursor"/>
    public long Cursor => _sequencer.Cursor;

    /// <inheritdoc cref="Sequencer.Next()"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next()
    {
        if (_singleProducer is not null)
        {
            return _singleProducer.Next(1);
        }
        else
        {
            return _multiProducer!.Next(1);
        }
    }

    /// <inheritdoc cref="Sequencer.Next(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n)
    {
        if (_singleProducer is not null)
        {
            return _singleProducer.Next(n);
        }
        else
        {
            return _multiProducer!.Next(n);
        }
    }

    /// <inheritdoc cref="Sequencer.TryNext(out long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(out long sequence)
    {
        if (_singleProducer is not null)
        {
            return _singleProducer.TryNext(1, out sequence);
        }
        else
        {
            return _multiProducer!.TryNext(1, out sequence);
        }
    }

    /// <inheritdoc cref="Sequencer.TryNext(int, out long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNext(int n, out long highSequence)
    {
        if (_singleProducer is not null)
        {
            return _singleProducer.TryNext(n, out highSequence);
        }
        else
        {
            return _multiProducer!.TryNext(n, out highSequence);
        }
    }

    /// <inheritdoc cref="Sequencer.Publish(long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_singleProducer is not null)
        {
            _singleProducer.Publish(sequence);
        }
        else
        {
            _multiProducer!.Publish(sequence);
        }
    }

    /// <inheritdoc cref="Sequencer.Publish(long, long)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long lowSequence, long highSequence)
    {
        if (_singleProducer is not null)
        {
            _singleProducer.Publish(lowSequence, highSequence);
        }
        else
        {
            _multiProducer!.Publish(lowSequence, highSequence);
        }
    }

    /// <inheritdoc cref="Sequencer.RemainingCapacity"/>
    public long RemainingCapacity() => _sequencer.RemainingCapacity();

    /// <inheritdoc cref="Sequencer.HasAvailableCapacity"/>
    public bool HasAvailableCapacity(int requiredCapacity) => _sequencer.HasAvailableCapacity(requiredCapacity);

    /// <inheritdoc cref="Sequencer.AddGatingSequences"/>
    public void AddGatingSequences(params Sequence[] sequences) => _sequencer.AddGatingSequences(sequences);

    /// <inheritdoc cref="Sequencer.RemoveGatingSequence"/>
    public bool RemoveGatingSequence(Sequence sequence) => _sequencer.RemoveGatingSequence(sequence);

    /// <inheritdoc cref="Sequencer.GetMinimumGatingSequence"/>
    public long GetMinimumGatingSequence() => _sequencer.GetMinimumGatingSequence();

    /// <inheritdoc cref="Sequencer.NewBarrier"/>
    public SequenceBarrier NewBarrier(params Sequence[] dependents) => _sequencer.NewBarrier(dependents);

    /// <summary>Slots of padding on each side of the entries (for layout tests).</summary>
    internal static int PadSlots => s_padSlots;

    /// <summary>The backing array (for layout tests).</summary>
    internal T[] Entries => _entries;
}
