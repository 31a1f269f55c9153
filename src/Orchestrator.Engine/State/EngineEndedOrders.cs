using Orchestrator.Core;

namespace Orchestrator.Engine.State;

/// <summary>
/// The orders the engine ends without any venue report (issue 19): a stop it holds for its venue
/// (<see cref="OrderStatus.Held"/>) that expired at its exchange's close, or that its source's cancel, cancel-all,
/// the kill switch or flatten canceled. A one-to-one ring: the order manager adds on the trading thread, the one
/// consumer after the trading stages (the agent feed) takes each entry once it has reached that entry's event — so
/// it sees the end in sequence with the ring's other events without reading the order table. Fixed capacity, no
/// allocation; full, an end is dropped and counted (<see cref="Dropped"/>), never waited for.
/// </summary>
/// <remarks>
/// Live only: the order manager adds nothing while it replays the journal or runs a backtest inline (no
/// consumer follows those sequences). Memory ordering: the producer writes the entry, then publishes
/// <c>_head</c> (release); the consumer reads <c>_head</c> (acquire) before the entry, and publishes
/// <c>_tail</c> (release) after it is done with the slot, which the producer reads (acquire) before reusing it.
/// </remarks>
public sealed class EngineEndedOrders
{
    public const int DefaultCapacity = 1 << 12;

    private readonly EngineEndedOrder[] _entries;
    private readonly int _mask;
    private long _head; // next to write: producer's
    private long _tail; // next to read: consumer's
    private long _dropped;

    public EngineEndedOrders(int capacity = DefaultCapacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two");
        }

        _entries = new EngineEndedOrder[capacity];
        _mask = capacity - 1;
    }

    /// <summary>Ends dropped because the consumer was a full ring behind (acquire).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Producer (trading thread): adds an end; false (counted) when full.</summary>
    public bool TryAdd(in EngineEndedOrder ended)
    {
        long head = _head;
        if (head - Volatile.Read(ref _tail) >= _entries.Length)
        {
            Volatile.Write(ref _dropped, _dropped + 1); // one writer
            return false;
        }

        _entries[(int)(head & _mask)] = ended;
        Volatile.Write(ref _head, head + 1); // release: the entry is visible with the head
        return true;
    }

    /// <summary>Consumer: the next end of an event at or before <paramref name="sequence"/>, if any; taken.</summary>
    public bool TryTake(long sequence, out EngineEndedOrder ended)
    {
        long tail = _tail;
        if (tail == Volatile.Read(ref _head) || _entries[(int)(tail & _mask)].Sequence > sequence)
        {
            ended = default;
            return false; // nothing, or only ends of events this consumer has not reached
        }

        ended = _entries[(int)(tail & _mask)];
        Volatile.Write(ref _tail, tail + 1); // release: the slot may be reused
        return true;
    }
}
