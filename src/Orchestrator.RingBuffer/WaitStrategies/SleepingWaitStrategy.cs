namespace Orchestrator.RingBuffer;

/// <summary>
/// Spins, then yields, then sleeps between checks: near-zero CPU when idle, at the price of up to
/// <c>sleepMs</c> of extra latency on the first event after a quiet spell. Good for
/// background consumers (journal, metrics) that must not compete for cores.
/// </summary>
public sealed class SleepingWaitStrategy : IWaitStrategy
{
    private readonly int _retries;
    private readonly int _sleepMs;

    public SleepingWaitStrategy(int retries = 200, int sleepMs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfNegative(sleepMs);
        _retries = retries;
        _sleepMs = sleepMs;
    }

    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        long available;
        int counter = _retries;
        while ((available = barrier.DependentValue) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (counter > _retries / 2)
            {
                counter--;
                Thread.SpinWait(1);
            }
            else if (counter > 0)
            {
                counter--;
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(_sleepMs);
            }
        }

        return available;
    }

    public bool IsBlocking => false;

    public void SignalAllWhenBlocking()
    {
    }
}
