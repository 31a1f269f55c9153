namespace Orchestrator.RingBuffer;

/// <summary>
/// Spins without yielding: lowest latency, burns a whole core per waiting consumer. Only for
/// machines with a core to spare for every consumer thread (pinned, isolated); on a small
/// machine it starves the producer.
/// </summary>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        long available;
        while ((available = barrier.DependentValue) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            Thread.SpinWait(1);
        }

        return available;
    }

    public bool IsBlocking => false;

    public void SignalAllWhenBlocking()
    {
    }
}
