using System.Buffers;
using System.Collections.Concurrent;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// A connection slot, pre-allocated at start and reused by one connection after another: its
/// table of answered lines (<see cref="GatewayOptions.MaxInFlight"/> entries, ids in a fixed
/// byte arena) and the cursors that make the table a single-producer ring:
/// <code>
///   settled ≤ acked ≤ lines         reader writes [lines], writer acks then settles in order,
///   lines − settled ≤ capacity      the engine's outcome thread fills outcomes of accepted lines
/// </code>
/// Signal ids are <see cref="SignalLimits.GatewaySignalIdBase"/> + (slot &lt;&lt; 32) + line number;
/// the line numbers go on across connections, so an id is never reused while it may be in flight.
/// </summary>
internal sealed class GatewaySlot
{
    private readonly LineEntry[] _entries;
    private readonly byte[] _ids;
    private readonly long _mask;
    private readonly long _idBase;
    private long _lines;    // written by the reader only
    private long _settled;  // written by the writer only
    private long _acked;    // the writer's own

    public GatewaySlot(int index, int capacity)
    {
        Index = index;
        _entries = new LineEntry[capacity];
        _ids = new byte[capacity * SignalLineParser.MaxIdBytes];
        _mask = capacity - 1;
        _idBase = SignalLimits.GatewaySignalIdBase + ((long)index << 32);
    }

    public int Index { get; }

    public int Capacity => _entries.Length;

    /// <summary>Wakes the writer: new answers (reader) or outcomes (engine).</summary>
    public AsyncSignal Work { get; } = new();

    /// <summary>Wakes the reader: the writer settled lines and freed room.</summary>
    public AsyncSignal Space { get; } = new();

    /// <summary>Agent protocol answers with a text of their own (welcome, hello errors), in line order: the reader enqueues, the writer dequeues one per <see cref="LineAnswer.Control"/> entry.</summary>
    public ConcurrentQueue<byte[]> Controls { get; } = new();

    /// <summary>Next line number (acquire: the entries before it are written).</summary>
    public long Lines => Volatile.Read(ref _lines);

    /// <summary>Lines settled (acquire: their entries may be reused).</summary>
    public long Settled => Volatile.Read(ref _settled);

    /// <summary>Whether every answered line was also settled (no outcome outstanding).</summary>
    public bool IsDrained => Settled == Lines;

    /// <summary>Reader: whether the table has room for one more line.</summary>
    public bool HasRoom => _lines - Volatile.Read(ref _settled) < _entries.Length;

    /// <summary>Reader: the signal id the next line gets if it is accepted.</summary>
    public long NextSignalId => _idBase + (_lines & 0xFFFF_FFFF);

    /// <summary>Whether <paramref name="signalId"/> belongs to this gateway, and to which slot.</summary>
    public static bool TryGetSlot(long signalId, out int slot)
    {
        slot = (int)((signalId - SignalLimits.GatewaySignalIdBase) >> 32);
        return signalId >= SignalLimits.GatewaySignalIdBase && signalId < SignalLimits.GatewaySignalIdEnd;
    }

    /// <summary>Reader: appends a line's answer (call only with <see cref="HasRoom"/>).</summary>
    public void Append(LineAnswer answer, GatewayError error, ReadOnlySpan<byte> id, bool hasId)
    {
        Prepare(0, id, hasId);
        ref LineEntry entry = ref _entries[_lines & _mask];
        entry.Answer = answer;
        entry.Error = error;
        entry.Sequence = -1;
        Volatile.Write(ref _lines, _lines + 1); // release: the entry is whole before the writer sees it
    }

    /// <summary>
    /// Reader, for an accepted line: the entry is written BEFORE the signal is published, so the
    /// outcome thread always finds it. <see cref="Append"/>'s cursor write follows the publish.
    /// </summary>
    public void Prepare(long signalId, ReadOnlySpan<byte> id, bool hasId)
    {
        ref LineEntry entry = ref _entries[_lines & _mask];
        entry.SignalId = signalId;
        entry.DecidedSignalId = 0;
        entry.Outcome = SignalOutcome.Pending;
        entry.IdLength = hasId ? id.Length : -1;
        id.CopyTo(_ids.AsSpan((int)(_lines & _mask) * SignalLineParser.MaxIdBytes));
    }

    /// <summary>Reader: completes a prepared accepted line with its ring sequence.</summary>
    public void Commit(long sequence)
    {
        ref LineEntry entry = ref _entries[_lines & _mask];
        entry.Answer = LineAnswer.Accepted;
        entry.Error = GatewayError.None;
        entry.Sequence = sequence;
        Volatile.Write(ref _lines, _lines + 1); // release
    }

    /// <summary>
    /// The engine's outcome thread: records what the trading stages decided. Never blocks and
    /// never allocates; the entry cannot be reused before this (the reader's credit keeps it).
    /// </summary>
    public void Decide(long signalId, RejectReason reject, long orderId)
    {
        ref LineEntry entry = ref _entries[(signalId - _idBase) & _mask];
        if (entry.SignalId != signalId)
        {
            return; // cannot happen while the credit holds; never write over another line
        }

        entry.Reject = reject;
        entry.OrderId = orderId;
        entry.Outcome = reject != RejectReason.None ? SignalOutcome.RiskRejected : orderId != 0 ? SignalOutcome.Ordered : SignalOutcome.NoOrder;
        Volatile.Write(ref entry.DecidedSignalId, signalId); // release: the outcome is whole before the writer sees it
    }

    /// <summary>
    /// The engine's outcome thread, before <see cref="Decide"/> (which lets the writer free the entry):
    /// copies the client's id of the line that got <paramref name="signalId"/>; its length, or -1 when it had none.
    /// </summary>
    public int CopyClientId(long signalId, Span<byte> destination)
    {
        long line = signalId - _idBase;
        ref LineEntry entry = ref _entries[line & _mask];
        if (entry.SignalId != signalId || entry.IdLength < 0)
        {
            return -1;
        }

        int length = Math.Min(entry.IdLength, destination.Length);
        _ids.AsSpan((int)(line & _mask) * SignalLineParser.MaxIdBytes, length).CopyTo(destination);
        return length;
    }

    /// <summary>
    /// Writer: writes the acks of new lines, then the outcomes that were decided, in line order, to
    /// <paramref name="output"/> (null = the client is gone: settle without writing). Returns the
    /// lines written; <paramref name="freed"/> tells whether table room was freed for the reader.
    /// </summary>
    public int WriteAnswers(IBufferWriter<byte>? output, out bool freed)
    {
        int written = 0;
        long lines = Lines;
        for (; _acked < lines; _acked++)
        {
            ref LineEntry entry = ref _entries[_acked & _mask];
            if (entry.Answer == LineAnswer.Control)
            {
                if (Controls.TryDequeue(out byte[]? control) && output is not null)
                {
                    output.Write(control);
                    written++;
                }
            }
            else if (output is not null)
            {
                GatewayAnswerFormat.WriteAck(output, entry, Id(_acked, entry.IdLength));
                written++;
            }
        }

        long settled = _settled;
        for (; settled < _acked; settled++)
        {
            ref LineEntry entry = ref _entries[settled & _mask];
            if (entry.Answer != LineAnswer.Accepted)
            {
                continue; // the ack was the whole answer
            }

            if (Volatile.Read(ref entry.DecidedSignalId) != entry.SignalId)
            {
                break; // acquire; not decided yet: outcomes go out in line order
            }

            if (output is not null)
            {
                GatewayAnswerFormat.WriteOutcome(output, entry, Id(settled, entry.IdLength));
                written++;
            }
        }

        freed = settled != _settled;
        if (freed)
        {
            Volatile.Write(ref _settled, settled); // release: the entries were read before the reader reuses them
        }

        return written;
    }

    private ReadOnlySpan<byte> Id(long line, int length) => _ids.AsSpan((int)(line & _mask) * SignalLineParser.MaxIdBytes, Math.Max(length, 0));
}
