using Disruptor;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Spins, then yields, then sleeps between checks, 1 ms first and twice as long each time up to
/// <c>maxSleepMs</c> (10 ms by default) while nothing arrives: near-zero CPU when idle (about a
/// hundred wake-ups a second), at the price of up to <c>maxSleepMs</c> on the first event after a
/// quiet spell; under load it never gets past the spins. For background stages (the audit side
/// ring) that must not compete for cores. Disruptor-net's own <c>SleepingWaitStrategy</c> ends in
/// <c>Thread.Sleep(0)</c>, which on an idle machine returns at once and burns a core, hence this one.
/// </summary>
/// <remarks>Called on the waiting stage's thread; stateless, so one instance serves every stage of a ring.</remarks>
public sealed class SpinYieldSleepWaitStrategy : IWaitStrategy
{
    private readonly int _retries;
    private readonly int _maxSleepMs;

    public SpinYieldSleepWaitStrategy(int retries = 200, int maxSleepMs = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSleepMs, 1);
        _retries = retries;
        _maxSleepMs = maxSleepMs;
    }

    public bool IsBlockingStrategy => false;

    public SequenceWaitResult WaitFor(long sequence, DependentSequenceGroup dependentSequences, CancellationToken cancellationToken)
    {
        long available;
        int counter = _retries;
        int sleepMs = 1;
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
                Thread.Sleep(sleepMs);
                sleepMs = Math.Min(sleepMs * 2, _maxSleepMs);
            }
        }

        return available;
    }

    public void SignalAllWhenBlocking()
    {
    }
}
