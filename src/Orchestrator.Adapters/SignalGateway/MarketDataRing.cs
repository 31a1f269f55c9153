namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The agents' shared market-data broadcast ring: ONE writer (the engine's outcome thread, through
/// <see cref="AgentFeed"/>) and any number of readers (each agent connection's writer loop), each
/// with its own cursor, so the feed thread's cost per event does not grow with the number of
/// agents. The writer never waits: a reader it laps skips ahead to the oldest event still held and
/// counts what it missed as dropped market data.
/// <para>
/// Torn reads: each slot carries the number of the event it holds (<see cref="MarketRecord.Sequence"/>).
/// The writer sets it to -1, writes the fields, then publishes the number; a reader checks the number
/// before and after its copy (a seqlock per slot) and treats a mismatch as being lapped.
/// </para>
/// </summary>
internal sealed class MarketDataRing
{
    private readonly MarketRecord[] _records;
    private readonly long _mask;
    private long _published; // events written; the writer's only, read by readers with acquire

    public MarketDataRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two, at least 2");
        }

        _records = new MarketRecord[capacity];
        for (int i = 0; i < _records.Length; i++)
        {
            _records[i].Sequence = -1;
        }

        _mask = capacity - 1;
    }

    public int Capacity => _records.Length;

    /// <summary>Events written so far (acquire).</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Writer only: the slot for the next event, marked as being rewritten.</summary>
    public ref MarketRecord BeginWrite()
    {
        ref MarketRecord record = ref _records[_published & _mask];
        // Release, then a full fence: a reader that sees any new field also sees -1 when it re-checks.
        Volatile.Write(ref record.Sequence, -1);
        Interlocked.MemoryBarrier();
        return ref record;
    }

    /// <summary>Writer only: publishes the event written into the slot from <see cref="BeginWrite"/>.</summary>
    public void EndWrite(ref MarketRecord record)
    {
        long sequence = _published;
        Volatile.Write(ref record.Sequence, sequence); // release: the fields are written before the number
        Volatile.Write(ref _published, sequence + 1);   // release: readers see the event whole
    }

    /// <summary>
    /// Reader: copies event <paramref name="cursor"/> into <paramref name="record"/>. False when the
    /// writer has lapped the cursor (the slot holds a newer event or is being rewritten).
    /// </summary>
    public bool TryRead(long cursor, out MarketRecord record)
    {
        ref MarketRecord slot = ref _records[cursor & _mask];
        long before = Volatile.Read(ref slot.Sequence); // acquire: the fields read below are at least this event's
        record = slot;
        Interlocked.MemoryBarrier(); // the copy completes before the re-check (loads are not moved past it)
        return before == cursor && Volatile.Read(ref slot.Sequence) == cursor;
    }

    /// <summary>
    /// Reader: moves a cursor the writer has lapped to the oldest event still held; returns how many
    /// events it skipped (0 when it was not lapped).
    /// </summary>
    public long SkipLapped(ref long cursor)
    {
        long oldest = Published - _records.Length + 1; // one slot of margin: the next write may be under way
        if (cursor >= oldest)
        {
            return 0;
        }

        long skipped = oldest - cursor;
        cursor = oldest;
        return skipped;
    }
}
