namespace Orchestrator.RingBuffer;

/// <summary>
/// Spins a little, then yields the core on every retry: low latency, and other runnable threads
/// still get the CPU. Keeps a core busy while idle. The default for benchmarks.
/// </summary>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;

    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        long available;
        int counter = SpinTries;
        while ((available = barrier.DependentValue) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (counter > 0)
            {
                counter--;
                Thread.SpinWait(1);
            }
            else
            {
                Thread.Yield();
            }
        }

        return available;
    }

    public bool IsBlocking => false;

    public void SignalAllWhenBlocking()
    {
    }
}
