namespace Orchestrator.Engine.Snapshots;

/// <summary>
/// Takes snapshots on the fast path without stopping it. A <see cref="Core.CommandKind.Checkpoint"/>
/// command travels the ring like any input; each stage, right after processing it, writes its own
/// state into its section of a pre-allocated buffer (the signal engine claims the buffer, the risk
/// manager and sizing fill theirs, the order manager fills the last and hands the buffer over); a
/// background thread writes the file (<see cref="SnapshotFile"/>) and frees the buffer.
/// <para>
/// Two buffers, sized at construction from the layout: one can fill while the other is written.
/// When both are busy the checkpoint is skipped and counted (<see cref="Skipped"/>): the fast path
/// never waits, never allocates, never takes a lock here. Buffer states move Free → Filling (signal
/// engine) → Ready (order manager) → Writing → Free (writer thread), each by a release write read
/// with acquire; the ring's own sequence barriers order a stage's section writes before the next
/// stage sees the command, so the writer sees every section whole.
/// </para>
/// </summary>
/// <remarks>
/// The stages call <see cref="TryBegin"/>, <see cref="TryGetSection"/> and <see cref="Complete"/> on
/// their threads; the writer is a background thread started by <see cref="Start"/> and stopped
/// (after writing what is ready) by <see cref="Stop"/>. It polls every few milliseconds: the hand-off
/// needs no signal the fast path would pay for, and snapshots are minutes apart.
/// </remarks>
public sealed class CheckpointCoordinator
{
    private const int Free = 0;
    private const int Filling = 1;
    private const int Ready = 2;
    private const int Writing = 3;
    private const int PollMilliseconds = 5;

    private readonly Slot[] _slots;
    private readonly string _directory;
    private readonly long _firstJournalSequence;
    private readonly object _lifecycle = new();
    private Thread? _thread;
    private volatile bool _stopping;
    private long _requested;
    private long _skipped;
    private long _written;
    private long _failed;
    private string? _lastError;
    private SnapshotInfo? _lastWritten;

    public CheckpointCoordinator(string directory, SnapshotLayout layout, long firstJournalSequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(layout);
        _directory = directory;
        Layout = layout;
        _firstJournalSequence = firstJournalSequence;
        _slots = [new Slot(layout.BodyBytes), new Slot(layout.BodyBytes)];
    }

    public SnapshotLayout Layout { get; }

    /// <summary>While set (recovery replays the journal), Checkpoint commands write nothing.</summary>
    public bool Suppressed { get; set; }

    /// <summary>Checkpoints whose state was captured.</summary>
    public long Requested => Volatile.Read(ref _requested);

    /// <summary>Checkpoints skipped because both buffers were busy (the writer was behind).</summary>
    public long Skipped => Volatile.Read(ref _skipped);

    /// <summary>Snapshot files written.</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Snapshot writes that failed (I/O); <see cref="LastError"/> says why. The engine keeps trading: the journal is intact.</summary>
    public long Failed => Volatile.Read(ref _failed);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The newest snapshot written by this engine.</summary>
    public SnapshotInfo? LastWritten => Volatile.Read(ref _lastWritten);

    /// <summary>Raised on the writer thread after each snapshot file is written (slow path: log it).</summary>
    public event Action<SnapshotInfo>? SnapshotWritten;

    /// <summary>Raised on the writer thread when a write fails.</summary>
    public event Action<Exception>? SnapshotFailed;

    /// <summary>
    /// Signal engine: claims a free buffer for the checkpoint at <paramref name="ringSequence"/> and
    /// returns its signal section; false when suppressed or both buffers are busy (counted).
    /// </summary>
    public bool TryBegin(long ringSequence, long tsEventNs, out Span<byte> section)
    {
        section = default;
        if (Suppressed)
        {
            return false;
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            Slot slot = _slots[i];
            if (Volatile.Read(ref slot.State) == Free)
            {
                slot.RingSequence = ringSequence;
                slot.CoveredSequence = _firstJournalSequence + ringSequence;
                slot.TsEventNs = tsEventNs;
                Volatile.Write(ref slot.State, Filling);
                Volatile.Write(ref _requested, _requested + 1); // one writer: the signal engine's thread
                section = slot.Body.AsSpan(Layout.RangeOf(SnapshotSection.SignalEngine));
                return true;
            }
        }

        Volatile.Write(ref _skipped, _skipped + 1);
        return false;
    }

    /// <summary>Trading stages: their section of the buffer claimed for <paramref name="ringSequence"/>; false when the checkpoint was skipped.</summary>
    public bool TryGetSection(long ringSequence, SnapshotSection part, out Span<byte> section)
    {
        section = default;
        Slot? slot = Find(ringSequence);
        if (slot is null)
        {
            return false;
        }

        section = slot.Body.AsSpan(Layout.RangeOf(part));
        return true;
    }

    /// <summary>Order manager, last: the buffer for <paramref name="ringSequence"/> is complete; the writer takes it.</summary>
    public void Complete(long ringSequence)
    {
        if (Find(ringSequence) is { } slot)
        {
            Volatile.Write(ref slot.State, Ready); // release: every section write before it is visible to the writer
        }
    }

    /// <summary>Starts the writer thread (idempotent).</summary>
    public void Start()
    {
        lock (_lifecycle)
        {
            if (_thread is not null)
            {
                return;
            }

            _stopping = false;
            _thread = new Thread(Run) { IsBackground = true, Name = "snapshot-writer", Priority = ThreadPriority.BelowNormal };
            _thread.Start();
        }
    }

    /// <summary>Writes what is ready, then stops the writer thread.</summary>
    public void Stop(TimeSpan timeout)
    {
        lock (_lifecycle)
        {
            if (_thread is null)
            {
                return;
            }

            _stopping = true;
            _thread.Join(timeout);
            _thread = null;
        }
    }

    /// <summary>Writes every ready buffer now, on the caller's thread (tests and tools with no writer thread).</summary>
    public int WriteReady()
    {
        int written = 0;
        while (TakeReady() is { } slot)
        {
            WriteSlot(slot);
            written++;
        }

        return written;
    }

    private Slot? Find(long ringSequence)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            Slot slot = _slots[i];
            if (Volatile.Read(ref slot.State) == Filling && slot.RingSequence == ringSequence)
            {
                return slot;
            }
        }

        return null;
    }

    private Slot? TakeReady()
    {
        Slot? oldest = null;
        foreach (Slot slot in _slots)
        {
            if (Volatile.Read(ref slot.State) == Ready && (oldest is null || slot.CoveredSequence < oldest.CoveredSequence))
            {
                oldest = slot;
            }
        }

        if (oldest is not null && Interlocked.CompareExchange(ref oldest.State, Writing, Ready) != Ready)
        {
            return null; // another caller took it (WriteReady racing the thread)
        }

        return oldest;
    }

    private void Run()
    {
        while (true)
        {
            if (TakeReady() is { } slot)
            {
                WriteSlot(slot);
                continue;
            }

            if (_stopping)
            {
                return;
            }

            Thread.Sleep(PollMilliseconds);
        }
    }

    private void WriteSlot(Slot slot)
    {
        try
        {
            string path = SnapshotFile.Write(_directory, Layout, slot.CoveredSequence, slot.TsEventNs, slot.Body);
            SnapshotFile.Prune(_directory);
            var info = new SnapshotInfo(path, slot.CoveredSequence, slot.TsEventNs);
            Volatile.Write(ref _lastWritten, info);
            Interlocked.Increment(ref _written);
            SnapshotWritten?.Invoke(info);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Volatile.Write(ref _lastError, ex.Message);
            Interlocked.Increment(ref _failed);
            SnapshotFailed?.Invoke(ex);
        }
        finally
        {
            Volatile.Write(ref slot.State, Free); // release: the signal engine may claim it again
        }
    }

    private sealed class Slot(int bodyBytes)
    {
        public readonly byte[] Body = GC.AllocateUninitializedArray<byte>(bodyBytes, pinned: true);
        public int State;
        public long RingSequence = -1;
        public long CoveredSequence;
        public long TsEventNs;
    }
}

/// <summary>The sections of a snapshot body, one per stage.</summary>
public enum SnapshotSection
{
    SignalEngine,
    Risk,
    Sizing,
    OrderManager,
}
