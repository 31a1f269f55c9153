using System.Diagnostics;
using System.Runtime.CompilerServices;
using Disruptor;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// Spins (then yields) while events come close together, parks on a monitor when they do not:
/// the default for a 2-core machine. A parked stage costs no CPU but a futex wake-up (~20 µs on a
/// small VM) on the next event; a spinning one sees it within a microsecond or two.
/// <list type="bullet">
/// <item>While events come within <c>spinWindow</c> of each other (traffic is dense, e.g. 200
/// ticks/s), a wait spins briefly, then yields the core between checks for up to <c>spinWindow</c>,
/// then parks. A stage stays dense until four waits in a row outlast the window, so a late tick on a
/// loaded machine does not cost the next ones a wake-up.</item>
/// <item>After that (a quiet spell: only the daemon's periodic snapshot requests, no ticks) a wait
/// spins only <c>idleSpin</c> and parks, so an idle daemon stays near 0% CPU.</item>
/// </list>
/// Producers pay a full fence and one read per publish (<see cref="SignalAllWhenBlocking"/>), and a
/// lock only while a stage is parked. A stage behind other stages parks on the ring's cursor, then
/// waits for its upstream stages with a <see cref="SpinWait"/> that ends in 1 ms sleeps.
/// </summary>
/// <remarks>
/// <see cref="WaitFor"/> runs on each waiting stage's thread; the dense/quiet state is per thread
/// (one ring per stage thread). <see cref="SignalAllWhenBlocking"/> runs on producer threads.
/// </remarks>
public sealed class SpinThenParkWaitStrategy : IWaitStrategy
{
    /// <summary>Default <c>spinWindow</c>: covers event rates from 50/s up.</summary>
    public static readonly TimeSpan DefaultSpinWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>Default <c>idleSpin</c>: a burst's next event usually comes within it.</summary>
    public static readonly TimeSpan DefaultIdleSpin = TimeSpan.FromMicroseconds(50);

    private const int PauseSpins = 64; // busy-wait rounds (Thread.SpinWait) before the first yield

    private const int QuietWaitsBeforeIdle = 4; // consecutive long waits before a stage stops spinning

    [ThreadStatic]
    private static int t_quietWaits; // this thread's consecutive waits longer than the spin window

    private readonly object _gate = new();
    private readonly long _spinWindowTicks;
    private readonly long _idleSpinTicks;
    private int _waiters;

    public SpinThenParkWaitStrategy()
        : this(DefaultSpinWindow, DefaultIdleSpin)
    {
    }

    public SpinThenParkWaitStrategy(TimeSpan spinWindow, TimeSpan idleSpin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spinWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(idleSpin, TimeSpan.Zero);
        _spinWindowTicks = (long)(spinWindow.TotalSeconds * Stopwatch.Frequency);
        _idleSpinTicks = (long)(idleSpin.TotalSeconds * Stopwatch.Frequency);
    }

    public bool IsBlockingStrategy => true;

    /// <summary>Stages parked right now (acquire read; for tests and diagnostics).</summary>
    internal int ParkedStages => Volatile.Read(ref _waiters);

    public SequenceWaitResult WaitFor(long sequence, DependentSequenceGroup dependentSequences, CancellationToken cancellationToken)
    {
        long available = dependentSequences.Value;
        return available >= sequence ? available : WaitSlow(sequence, dependentSequences, cancellationToken);
    }

    public void SignalAllWhenBlocking()
    {
        // Full fence (store-load): the publisher's cursor write must be visible before the waiter
        // count is read, or a stage that just checked the cursor could sleep through this signal
        // (Dekker pairing with the Interlocked.Increment in Park).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long WaitSlow(long sequence, DependentSequenceGroup dependentSequences, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        long window = t_quietWaits < QuietWaitsBeforeIdle ? _spinWindowTicks : _idleSpinTicks;
        int spins = 0;
        long available;
        while ((available = dependentSequences.Value) < sequence)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (spins < PauseSpins)
            {
                spins++;
                Thread.SpinWait(16);
                continue;
            }

            if (Stopwatch.GetTimestamp() - start > window)
            {
                available = Park(sequence, dependentSequences, cancellationToken);
                break;
            }

            Thread.Yield(); // hands the core to any runnable thread; returns at once when none is
        }

        t_quietWaits = Stopwatch.GetTimestamp() - start <= _spinWindowTicks ? 0 : Math.Min(t_quietWaits + 1, QuietWaitsBeforeIdle);
        return available;
    }

    private long Park(long sequence, DependentSequenceGroup dependentSequences, CancellationToken cancellationToken)
    {
        // Interlocked increment is a full fence: a publisher either sees this waiter, or the
        // cursor re-read below sees the publisher's advance (pairs with SignalAllWhenBlocking).
        Interlocked.Increment(ref _waiters);
        try
        {
            lock (_gate)
            {
                while (dependentSequences.CursorValue < sequence)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Monitor.Wait(_gate);
                }
            }
        }
        finally
        {
            // Full fence; only lowers the count, which at worst costs a publisher one spare lock.
            Interlocked.Decrement(ref _waiters);
        }

        // The event is published; stages ahead of this one may still be on it.
        return dependentSequences.SpinWaitFor(sequence, cancellationToken);
    }
}
