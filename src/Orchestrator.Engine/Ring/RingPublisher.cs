using Disruptor;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Claim, fill, publish — with the publish on every path. A claimed slot that is never published
/// stalls the ring for good (every later sequence waits behind it), so if filling throws, the slot
/// is published as <c>default(T)</c> and the exception goes on to the caller. <c>default</c> is the
/// no-op event of every ring here (<c>EventKind.None</c>, <c>OrderCommandKind.None</c>,
/// <c>AuditKind.None</c>), which every stage ignores.
/// </summary>
/// <remarks>Called on any producer thread; allocation-free.</remarks>
public static class RingPublisher
{
    /// <summary>Claims the next slot (waiting while the ring is full), fills and publishes it; returns its sequence.</summary>
    public static long Publish<T, TWriter>(ValueRingBuffer<T> ring, in TWriter writer)
        where T : struct
        where TWriter : struct, ISlotWriter<T>
    {
        long sequence = ring.Next();
        Fill(ring, sequence, in writer);
        return sequence;
    }

    /// <summary>Like <see cref="Publish{T, TWriter}"/> without waiting: -1 when the ring is full.</summary>
    public static long TryPublish<T, TWriter>(ValueRingBuffer<T> ring, in TWriter writer)
        where T : struct
        where TWriter : struct, ISlotWriter<T>
    {
        if (!ring.TryNext(out long sequence))
        {
            return -1;
        }

        Fill(ring, sequence, in writer);
        return sequence;
    }

    private static void Fill<T, TWriter>(ValueRingBuffer<T> ring, long sequence, in TWriter writer)
        where T : struct
        where TWriter : struct, ISlotWriter<T>
    {
        try
        {
            writer.Write(ref ring[sequence]);
        }
        catch
        {
            ring[sequence] = default; // the no-op every stage ignores
            throw;
        }
        finally
        {
            ring.Publish(sequence);
        }
    }
}
