namespace Orchestrator.Engine.Ring;

/// <summary>The wait strategies a configuration can name (<see cref="WaitStrategies"/>).</summary>
public enum WaitStrategyKind
{
    /// <summary>
    /// <see cref="SpinThenParkWaitStrategy"/>: spins while events come close together, parks when
    /// they do not; the default (2-core friendly: no CPU when idle, no wake-up per event under load).
    /// </summary>
    SpinThenPark,

    /// <summary>Disruptor-net's <see cref="Disruptor.BlockingWaitStrategy"/>: parks on a monitor, no CPU while idle, a futex wake-up per event.</summary>
    Blocking,

    /// <summary><see cref="SpinYieldSleepWaitStrategy"/>: spin, yield, then sleep (1 ms, backing off to 10 ms); for background stages (audit).</summary>
    Sleeping,

    /// <summary>Disruptor-net's <see cref="Disruptor.YieldingWaitStrategy"/>: spin briefly, then yield; a core per waiting stage.</summary>
    Yielding,

    /// <summary>Disruptor-net's <see cref="Disruptor.BusySpinWaitStrategy"/>: never yields; needs a dedicated core per stage.</summary>
    BusySpin,
}
