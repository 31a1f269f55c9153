using System.Numerics;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper venue's reports between the exchange and the engine: the exchange writes them here
/// under the venue's lock (never waiting), and one thread at a time publishes them to the engine
/// after that lock is released — so a full inbound ring stalls only the thread publishing, never
/// the other callers of the venue (issue 16). Reports leave in the order the exchange produced
/// them, whichever thread publishes: every order's reports stay in order.
/// </summary>
/// <remarks>
/// <para>A pre-allocated ring of <see cref="ExecutionReport"/> slots; nothing is allocated per
/// report. One writer at a time (the venue's lock) advances the tail; one drainer at a time (the
/// <c>_draining</c> flag) advances the head. A caller that finds another thread draining leaves its
/// reports to it: the drainer checks again after letting go of the flag, so none is stranded.</para>
/// <para>The writer must leave room: <see cref="Free"/> is checked under the lock before each call
/// into the exchange, against the most reports that call can produce. Should one call still
/// produce more than is free (more open orders than the ring was sized for), the excess is
/// published in place, under the lock — the old behaviour, kept only for that configuration.</para>
/// </remarks>
internal sealed class ExecutionReportOutbox : IExecutionReportSink
{
    private readonly ExecutionReport[] _slots;
    private readonly int _mask;
    private readonly IExecutionReportSink _target;
    private long _tail; // next slot to write; written by the lock holder
    private long _head; // next slot to publish; written by the drainer
    private int _draining; // 1 while a thread publishes

    /// <summary>Room for at least <paramref name="minimumCapacity"/> reports (rounded up to a power of two).</summary>
    public ExecutionReportOutbox(IExecutionReportSink target, int minimumCapacity)
    {
        _target = target;
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumCapacity, 64));
        _slots = new ExecutionReport[capacity];
        _mask = capacity - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Slots free for the writer (call under the venue's lock).</summary>
    public int Free => _slots.Length - (int)(_tail - Volatile.Read(ref _head)); // acquire: slots the drainer has finished with

    /// <summary>Whether reports wait to be published (any thread).</summary>
    public bool HasPending => Volatile.Read(ref _tail) != Volatile.Read(ref _head);

    /// <summary>Queues one report (the exchange calls this under the venue's lock).</summary>
    public void OnExecutionReport(in ExecutionReport report)
    {
        if (Free == 0)
        {
            PublishInPlace();
        }

        _slots[(int)(_tail & _mask)] = report;
        Volatile.Write(ref _tail, _tail + 1); // release: the slot's contents before the drainer can see it
    }

    /// <summary>
    /// Publishes what is queued, unless another thread is publishing (it will publish these too).
    /// Call without the venue's lock: publishing may wait on a full ring.
    /// </summary>
    public void Drain()
    {
        while (HasPending)
        {
            // Full fence: a writer whose CAS fails here wrote its tail before our re-check below can read it.
            if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }

            try
            {
                PublishPending();
            }
            finally
            {
                // Full fence, then the loop re-reads the tail: a report queued while we held the flag is ours.
                Interlocked.Exchange(ref _draining, 0);
            }
        }
    }

    private void PublishPending()
    {
        long head = _head;
        while (head != Volatile.Read(ref _tail)) // acquire: the slot was written before the tail moved
        {
            _target.OnExecutionReport(in _slots[(int)(head & _mask)]);
            head++;
            Volatile.Write(ref _head, head); // release: the slot is free only after it was published
        }
    }

    /// <summary>The ring is full mid-call: waits for the drainer, or publishes, while holding the venue's lock (rare; see remarks).</summary>
    private void PublishInPlace()
    {
        var spin = default(SpinWait);
        while (Free == 0)
        {
            if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            {
                try
                {
                    PublishPending();
                }
                finally
                {
                    Interlocked.Exchange(ref _draining, 0);
                }
            }
            else
            {
                spin.SpinOnce();
            }
        }
    }
}
