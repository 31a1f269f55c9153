namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One agent's reliable events (orders, fills, positions), a ring with ONE writer (the feed thread)
/// and one reader at a time (the agent's current connection writer), with per-slot sequence
/// numbers like <see cref="MarketDataRing"/>. It holds more than a connection may lag behind
/// (<see cref="GatewayOptions.AgentQueueSize"/>): a connection further behind is disconnected, and
/// on its next hello the events after its last fill are replayed from here.
/// </summary>
internal sealed class AgentEventLog
{
    private readonly AgentEvent[] _events;
    private readonly byte[] _ids;
    private readonly long _mask;
    private long _count; // written by the feed thread only

    public AgentEventLog(int capacity)
    {
        _events = new AgentEvent[capacity];
        for (int i = 0; i < _events.Length; i++)
        {
            _events[i].Sequence = -1;
        }

        _ids = new byte[capacity * SignalLineParser.MaxIdBytes];
        _mask = capacity - 1;
    }

    public int Capacity => _events.Length;

    /// <summary>Events written so far (acquire).</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The oldest event number still held.</summary>
    public long Oldest => Math.Max(0, Count - _events.Length + 1);

    /// <summary>Writer only: the slot for the next event, marked as being rewritten.</summary>
    public ref AgentEvent BeginWrite()
    {
        ref AgentEvent e = ref _events[_count & _mask];
        Volatile.Write(ref e.Sequence, -1);
        Interlocked.MemoryBarrier(); // a reader re-checking after its copy sees -1 if any field changed
        return ref e;
    }

    /// <summary>Writer only: the id arena entry of the slot being written.</summary>
    public Span<byte> IdSpan() => _ids.AsSpan((int)(_count & _mask) * SignalLineParser.MaxIdBytes, SignalLineParser.MaxIdBytes);

    /// <summary>Writer only: publishes the event begun with <see cref="BeginWrite"/>.</summary>
    public void EndWrite(ref AgentEvent e)
    {
        long sequence = _count;
        Volatile.Write(ref e.Sequence, sequence); // release: fields and id before the number
        Volatile.Write(ref _count, sequence + 1);
    }

    /// <summary>
    /// Reader: copies event <paramref name="number"/> and its id (into <paramref name="id"/>, which must
    /// hold <see cref="SignalLineParser.MaxIdBytes"/>). False when it was overwritten meanwhile.
    /// </summary>
    public bool TryRead(long number, out AgentEvent e, Span<byte> id)
    {
        int index = (int)(number & _mask);
        ref AgentEvent slot = ref _events[index];
        long before = Volatile.Read(ref slot.Sequence);
        e = slot;
        if (e.IdLength > 0)
        {
            _ids.AsSpan(index * SignalLineParser.MaxIdBytes, Math.Min(e.IdLength, SignalLineParser.MaxIdBytes)).CopyTo(id);
        }

        Interlocked.MemoryBarrier(); // the copy completes before the re-check
        return before == number && Volatile.Read(ref slot.Sequence) == number;
    }

    /// <summary>
    /// Slow path (a hello): the number of the first event after the fill numbered
    /// <paramref name="lastFillSeq"/>, or the oldest held when that fill is no longer held
    /// (<paramref name="complete"/> false) or 0 is given.
    /// </summary>
    public long After(long lastFillSeq, out bool complete)
    {
        long count = Count;
        long oldest = Oldest;
        complete = true;
        if (lastFillSeq <= 0)
        {
            return oldest;
        }

        Span<byte> scratch = stackalloc byte[SignalLineParser.MaxIdBytes];
        for (long n = count - 1; n >= oldest; n--)
        {
            if (TryRead(n, out AgentEvent e, scratch) && e.Kind == AgentEventKind.Fill && e.FillSeq <= lastFillSeq)
            {
                return n + 1;
            }
        }

        complete = oldest == 0;
        return oldest;
    }
}
