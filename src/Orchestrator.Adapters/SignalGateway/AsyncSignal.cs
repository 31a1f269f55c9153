using System.Threading.Tasks.Sources;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// An auto-reset wake-up for ONE awaiting loop, set from any thread without locks or allocation:
/// <see cref="Set"/> is one or two interlocked operations, and the waiter's continuation runs on
/// the thread pool (never inline on the setter, so the engine's outcome thread is never borrowed).
/// A set with nobody waiting is remembered, so no wake-up is lost.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private const int Idle = 0, Waiting = 1, Signaled = 2;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Wakes the waiter, or lets its next wait return at once.</summary>
    public void Set()
    {
        while (true)
        {
            // Interlocked: full fences, so what the setter wrote before is visible to the woken loop.
            int state = Volatile.Read(ref _state);
            if (state == Signaled || (state == Idle && Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle))
            {
                return;
            }

            if (state == Waiting && Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _core.SetResult(true);
                return;
            }
        }
    }

    /// <summary>Completes when <see cref="Set"/> was called since the last wait (at once if it was already).</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return ValueTask.CompletedTask;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _core.Version);
        }

        Interlocked.Exchange(ref _state, Idle); // set between the two steps
        return ValueTask.CompletedTask;
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
