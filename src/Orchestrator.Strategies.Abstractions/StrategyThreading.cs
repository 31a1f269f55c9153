namespace Orchestrator.Strategies;

/// <summary>Where the engine's strategy host runs a strategy; the strategy declares it (<see cref="IStrategy.Threading"/>).</summary>
public enum StrategyThreading : byte
{
    /// <summary>
    /// On the engine's trading thread, after the order manager has finished each event: every
    /// callback must return quickly and must not allocate, lock, block, log or read the wall clock
    /// (prove it with <c>StrategyAllocationProbe</c>). A signal is decided at once: the
    /// <see cref="SubmitResult"/> says whether the risk gate took it and which order it made.
    /// </summary>
    FastPath = 0,

    /// <summary>
    /// On a worker of the slow path, fed through a bounded queue: it may allocate and take
    /// milliseconds. Market data is dropped (and counted) when the strategy falls behind; its
    /// order updates and fills never are. Its signals enter the ring like an agent's, are
    /// journaled as external signals and decided later (<see cref="SubmitStatus.Queued"/>).
    /// After a restart a journal replay calls it again with what it got before the stop, its
    /// submits suppressed (they answer <see cref="SubmitStatus.Queued"/> with signal id 0): the
    /// journal holds what it sent.
    /// </summary>
    SlowPath = 1,
}
