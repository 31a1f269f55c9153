using System.Runtime.InteropServices;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// A padded 64-bit counter: the producer cursor, each processor's progress, and the gating cache
/// are all <see cref="Sequence"/>s. The value sits <see cref="Constants.CacheLinePadding"/> bytes
/// away from anything else on either side so two threads writing two sequences never share a
/// cache line (a layout test checks this).
/// </summary>
/// <remarks>Thread-safe: one writer per sequence, any number of readers.</remarks>
[StructLayout(LayoutKind.Explicit, Size = (Constants.CacheLinePadding * 2) + sizeof(long))]
public sealed class Sequence
{
    /// <summary>The value of a sequence before anything was published or processed.</summary>
    public const long InitialValue = -1;

    [FieldOffset(Constants.CacheLinePadding)]
    private long _value;

    public Sequence(long initialValue = InitialValue)
    {
        // Plain write: the object is published to other threads through a volatile or
        // thread-start edge, which orders this store before any read of it.
        _value = initialValue;
    }

    /// <summary>Acquire read: event data written before the matching <see cref="SetValue"/> is visible after it.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Release write: everything this thread wrote before is visible to a thread that reads this value.</summary>
    public void SetValue(long value) => Volatile.Write(ref _value, value);

    /// <summary>Atomic compare-and-set (full fence).</summary>
    public bool CompareAndSet(long expected, long next) =>
        Interlocked.CompareExchange(ref _value, next, expected) == expected;

    /// <summary>Atomic add (full fence); returns the new value.</summary>
    public long AddAndGet(long increment) => Interlocked.Add(ref _value, increment);

    /// <summary>For layout tests only.</summary>
    internal ref long ValueRef => ref _value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
