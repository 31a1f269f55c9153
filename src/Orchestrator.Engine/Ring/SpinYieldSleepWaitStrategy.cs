using Disruptor;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Spins, then yields, then sleeps 1 ms between checks: near-zero CPU when idle, at the price of
/// up to a millisecond on the first event after a quiet spell. For background stages (the audit
/// side ring) that must not compete for cores. Disruptor-net's own <c>SleepingWaitStrategy</c>
/// ends in <c>Thread.Sleep(0)</c>, which on an idle machine returns at once and burns a core,
/// hence this one.
/// </summary>
/// <remarks>Called on the waiting stage's thread; stateless, so one instance serves every stage of a ring.</remarks>
public sealed class SpinYieldSleepWaitStrategy : IWaitStrategy
{
    private readonly int _retries;
    private readonly int _sleepMs;

    public SpinYieldSleepWaitStrategy(int retries = 200, int sleepMs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfNegative(sleepMs);
        _retries = retries;
        _sleepMs = sleepMs;
    }

    public bool IsBlockingStrategy => false;

    public SequenceWaitResult WaitFor(long sequence, DependentSequenceGroup dependentSequences, CancellationToken cancellationToken)
    {
        long available;
        int counter = _retries;
        while ((available = dependentSequences.Value) < sequence)
        {
            cancellationToken.ThrowIfCancellationRequested();
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

    public void SignalAllWhenBlocking()
    {
    }
}
