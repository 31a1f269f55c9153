namespace Orchestrator.RingBuffer;

/// <summary>The wait strategies a configuration can name.</summary>
public enum WaitStrategyKind
{
    /// <summary><see cref="BlockingWaitStrategy"/>: no CPU while idle; the default for small machines.</summary>
    Blocking,

    /// <summary><see cref="SleepingWaitStrategy"/>: spin, yield, then sleep.</summary>
    Sleeping,

    /// <summary><see cref="YieldingWaitStrategy"/>: spin briefly, then yield.</summary>
    Yielding,

    /// <summary><see cref="BusySpinWaitStrategy"/>: never yields; needs a dedicated core per consumer.</summary>
    BusySpin,
}
