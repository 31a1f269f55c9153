namespace Orchestrator.Engine.Strategies;

/// <summary>
/// A bounded one-to-one queue of <see cref="StrategyEnvelope"/>s: the trading thread writes, the
/// slow-path worker reads. Market data may only take the queue up to <c>capacity − reserve</c>, so
/// the last <see cref="ReservedForOrders"/> slots are kept for order updates and fills: market data
/// is dropped (counted by the caller) when the strategy falls behind; an order event is refused only
/// when even the reserve is full (counted as an overflow by the caller).
/// </summary>
/// <remarks>Single producer (the trading thread), single consumer (the strategy worker); allocation-free.</remarks>
internal sealed class StrategyEventQueue
{
    private readonly StrategyEnvelope[] _slots;
    private readonly int _mask;
    private long _head; // next to read; written by the consumer only
    private long _tail; // next to write; written by the producer only
    private long _handled; // envelopes the consumer finished with; written by the consumer only

    public StrategyEventQueue(int capacity, int reservedForOrders)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A power of two, at least 2.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(reservedForOrders);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(reservedForOrders, capacity);
        _slots = new StrategyEnvelope[capacity];
        _mask = capacity - 1;
        ReservedForOrders = reservedForOrders;
    }

    public int Capacity => _slots.Length;

    public int ReservedForOrders { get; }

    /// <summary>Envelopes waiting (a snapshot from any thread).</summary>
    public long Count => Volatile.Read(ref _tail) - Volatile.Read(ref _head);

    /// <summary>Whether every queued envelope was dequeued and handled (any thread; a snapshot).</summary>
    public bool IsSettled => Volatile.Read(ref _handled) == Volatile.Read(ref _tail);

    /// <summary>Consumer: the envelope last dequeued was handled (its callbacks returned).</summary>
    public void MarkHandled() => Volatile.Write(ref _handled, _handled + 1); // release: what the callback did is visible first

    /// <summary>Producer: queues <paramref name="envelope"/> unless its class of room is full.</summary>
    public bool TryEnqueue(in StrategyEnvelope envelope)
    {
        long tail = _tail;
        // Acquire: the consumer's release of _head means the slots before it are free to overwrite.
        long used = tail - Volatile.Read(ref _head);
        long room = envelope.IsMarketData ? _slots.Length - ReservedForOrders : _slots.Length;
        if (used >= room)
        {
            return false;
        }

        _slots[tail & _mask] = envelope;
        // Release: the slot's contents are visible before the consumer sees the new tail.
        Volatile.Write(ref _tail, tail + 1);
        return true;
    }

    /// <summary>Consumer: the oldest envelope, if any.</summary>
    public bool TryDequeue(out StrategyEnvelope envelope)
    {
        long head = _head;
        // Acquire: pairs with the producer's release of _tail, so the slot is fully written.
        if (head >= Volatile.Read(ref _tail))
        {
            envelope = default;
            return false;
        }

        envelope = _slots[head & _mask];
        // Release: the producer may reuse the slot only after we copied it out.
        Volatile.Write(ref _head, head + 1);
        return true;
    }
}
