using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// The consumer loop: waits on its barrier for the next available range, hands every event in
/// it to the handler by reference, then advances its sequence once per batch. Generic over the
/// handler type so a struct handler is called directly (no interface dispatch).
/// </summary>
/// <remarks>
/// <see cref="Run"/> executes on the processor's own thread (one per processor); all handler
/// calls happen there. <see cref="Halt"/> may be called from any thread.
/// </remarks>
public sealed class BatchEventProcessor<T, THandler> : IEventProcessor
    where T : struct
    where THandler : IEventHandler<T>
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Stopped = 2;

    private readonly RingBuffer<T> _ringBuffer;
    private readonly SequenceBarrier _barrier;
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly IWaitStrategy _waitStrategy;
    private readonly bool _signalOnAdvance;
    private readonly int _maxBatchSize;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private THandler _handler; // not readonly: a struct handler keeps its own state across calls
    private int _state = Idle;
    private volatile ProcessorFault? _fault;

    public BatchEventProcessor(
        RingBuffer<T> ringBuffer,
        SequenceBarrier barrier,
        THandler handler,
        IExceptionHandler<T>? exceptionHandler = null,
        string? name = null,
        int maxBatchSize = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(ringBuffer);
        ArgumentNullException.ThrowIfNull(barrier);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _ringBuffer = ringBuffer;
        _barrier = barrier;
        _handler = handler;
        _exceptionHandler = exceptionHandler ?? new LoggingExceptionHandler<T>(ExceptionPolicy.Halt);
        _waitStrategy = ringBuffer.Sequencer.WaitStrategy;
        _signalOnAdvance = _waitStrategy.IsBlocking;
        _maxBatchSize = maxBatchSize;
        Name = name ?? handler.GetType().Name;
    }

    public string Name { get; }

    public Sequence Sequence { get; } = new();

    // Acquire read of the state written by Run's CAS and final release store.
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    public ProcessorFault? Fault => _fault;

    public Task Completion => _completion.Task;

    /// <summary>Raised on the processor thread when a handler failure halts it.</summary>
    public event Action<ProcessorFault>? Faulted;

    public void Halt()
    {
        _barrier.Alert();
    }

    public void Run()
    {
        // CAS (full fence): exactly one caller may run the loop, ever.
        if (Interlocked.CompareExchange(ref _state, Running, Idle) != Idle)
        {
            ThrowHelper.ThrowProcessorAlreadyRunning(Name);
        }

        if (_handler is ILifecycleAware startAware)
        {
            try
            {
                startAware.OnStart();
            }
            catch (Exception ex)
            {
                _exceptionHandler.OnStartException(ex, Name);
            }
        }

        try
        {
            ProcessEvents();
        }
        finally
        {
            if (_handler is ILifecycleAware stopAware)
            {
                try
                {
                    stopAware.OnShutdown();
                }
                catch (Exception ex)
                {
                    _exceptionHandler.OnShutdownException(ex, Name);
                }
            }

            // Release store: the final sequence and fault are visible to whoever sees Stopped.
            Volatile.Write(ref _state, Stopped);
            ProcessorFault? fault = _fault;
            if (fault is null)
            {
                _completion.TrySetResult();
            }
            else
            {
                _completion.TrySetException(fault.Exception);
            }
        }
    }

    private void ProcessEvents()
    {
        long nextSequence = Sequence.Value + 1;
        while (true)
        {
            long availableSequence = _barrier.WaitFor(nextSequence);
            if (availableSequence == SequenceBarrier.Alerted)
            {
                return;
            }

            if (availableSequence < nextSequence)
            {
                // Several producers: a lower claim is not yet published. Let it finish.
                Thread.SpinWait(1);
                continue;
            }

            if (availableSequence - nextSequence >= _maxBatchSize)
            {
                availableSequence = nextSequence + _maxBatchSize - 1;
            }

            try
            {
                while (nextSequence <= availableSequence)
                {
                    _handler.OnEvent(ref _ringBuffer[nextSequence], nextSequence, nextSequence == availableSequence);
                    nextSequence++;
                }

                // Release write: this batch's slot writes are visible to downstream stages first.
                Sequence.SetValue(availableSequence);
                if (_signalOnAdvance)
                {
                    _waitStrategy.SignalAllWhenBlocking(); // downstream stages may be parked on us
                }
            }
            catch (Exception ex)
            {
                if (!HandleEventException(ex, nextSequence))
                {
                    return;
                }

                nextSequence++;
            }
        }
    }

    /// <summary>Returns true to continue after the failed event, false to halt.</summary>
    private bool HandleEventException(Exception exception, long failedSequence)
    {
        ExceptionPolicy policy;
        try
        {
            policy = _exceptionHandler.OnEventException(exception, failedSequence, ref _ringBuffer[failedSequence], Name);
        }
        catch (Exception handlerFailure)
        {
            // The policy itself failed: the safe answer is to stop.
            exception = new AggregateException(exception, handlerFailure);
            policy = ExceptionPolicy.Halt;
        }

        if (policy == ExceptionPolicy.Continue)
        {
            // Release write, as above: the failed event counts as done.
            Sequence.SetValue(failedSequence);
            _waitStrategy.SignalAllWhenBlocking();
            return true;
        }

        // Everything before the failed event is done; the failed one is not.
        Sequence.SetValue(failedSequence - 1);
        _waitStrategy.SignalAllWhenBlocking();
        var fault = new ProcessorFault(Name, failedSequence, exception);
        _fault = fault;
        try
        {
            Faulted?.Invoke(fault);
        }
        catch (Exception callbackFailure)
        {
            _exceptionHandler.OnShutdownException(callbackFailure, Name);
        }

        return false;
    }
}
