namespace Orchestrator.RingBuffer;

/// <summary>
/// Parks waiting consumers on a monitor: no CPU at all while idle, wake-up latency of a
/// context switch (microseconds). The daemon's default on small machines. Producers and
/// consumers pay one fence and one read per publish/advance, and a lock only when a consumer
/// is actually parked.
/// </summary>
public sealed class BlockingWaitStrategy : IWaitStrategy
{
    private readonly object _gate = new();
    private int _waiters;

    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        long available = barrier.DependentValue;
        if (available >= sequence)
        {
            return available;
        }

        // Interlocked increment is a full fence: the signaller either sees this waiter, or this
        // waiter's re-read of the dependent sequence below sees the signaller's advance
        // (Dekker-style pairing with the fence in SignalAllWhenBlocking).
        Interlocked.Increment(ref _waiters);
        try
        {
            lock (_gate)
            {
                while ((available = barrier.DependentValue) < sequence)
                {
                    if (barrier.IsAlerted)
                    {
                        return SequenceBarrier.Alerted;
                    }

                    Monitor.Wait(_gate);
                }
            }
        }
        finally
        {
            // Full fence; only lowers the count, which at worst costs a signaller one spare lock.
            Interlocked.Decrement(ref _waiters);
        }

        return available;
    }

    public bool IsBlocking => true;

    public void SignalAllWhenBlocking()
    {
        // Full fence (store-load): the caller's sequence write above must be visible before we
        // read the waiter count, or a waiter that just checked could sleep through this signal.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
