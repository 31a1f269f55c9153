using Disruptor;
using Disruptor.Processing;
using NLog;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// One stage of a <see cref="RingPipeline{T}"/>: Disruptor-net's generated value event processor
/// (the handler behind a struct proxy, no interface call per event) run on a dedicated, named
/// thread of its own, optionally pinned to a CPU core, with the fault policy's halt caught and
/// reported. Disruptor-net starts it (<see cref="Start"/>) like any processor; the task scheduler
/// it passes is not used, because a stage owns its thread for the life of the pipeline.
/// </summary>
/// <remarks>
/// The handler runs on the stage's thread only. <see cref="Halt"/> and the properties may be used
/// from any thread.
/// </remarks>
public sealed class RingProcessor<T> : IEventProcessor
    where T : struct
{
    private readonly IValueEventProcessor<T> _inner;
    private readonly Action<ProcessorFault> _onFault;
    private readonly Logger _logger;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private volatile ProcessorFault? _fault;

    internal RingProcessor(IValueEventProcessor<T> inner, string name, string threadName, ExceptionPolicy policy, Logger logger, Action<ProcessorFault> onFault)
    {
        _inner = inner;
        _onFault = onFault;
        _logger = logger;
        Name = name;
        ThreadName = threadName;
        inner.SetExceptionHandler(new FaultPolicyExceptionHandler<T>(policy, name, inner.Sequence, logger));
    }

    /// <summary>The stage's name: its handler's type name, numbered when repeated.</summary>
    public string Name { get; }

    /// <summary>The name of the stage's thread (<see cref="RingOptions.ThreadNamePrefix"/>-<see cref="Name"/>).</summary>
    public string ThreadName { get; }

    /// <summary>The CPU core the thread pins itself to on start (null = unpinned).</summary>
    public int? Core { get; internal set; }

    /// <summary>The last sequence this stage has finished with.</summary>
    public Sequence Sequence => _inner.Sequence;

    public bool IsRunning => _inner.IsRunning;

    /// <summary>Set when a handler failure halted the stage.</summary>
    public ProcessorFault? Fault => _fault;

    /// <summary>Completes when the stage's thread ends; faulted if a handler failure halted it.</summary>
    public Task Completion => _completion.Task;

    public void Halt() => _inner.Halt();

    public void WaitUntilStarted(TimeSpan timeout) => _inner.WaitUntilStarted(timeout);

    /// <summary>Starts the stage's own thread (the scheduler and options Disruptor-net passes are not used).</summary>
    public Task Start(TaskScheduler taskScheduler, TaskCreationOptions taskCreationOptions)
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("Ring stage " + Name + " is already started.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
        _thread.Start();
        return _completion.Task;
    }

    /// <summary>Waits for the stage's thread to end; true when it has (or never started).</summary>
    internal bool Join(TimeSpan timeout) => _thread is null || _thread.Join(timeout);

    private void Run()
    {
        if (Core is int core)
        {
            if (ThreadAffinity.TryPinCurrentThread(core, out string? error))
            {
                _logger.Info("Processor {Processor} pinned to CPU core {Core}", Name, core);
            }
            else
            {
                _logger.Warn("Processor {Processor} not pinned: {Reason}", Name, error);
            }
        }

        ProcessorFault? fault;
        try
        {
            _inner.Run();
            _completion.TrySetResult();
            return;
        }
        catch (ProcessorHaltedException halted)
        {
            fault = halted.Fault;
        }
        catch (Exception unexpected)
        {
            // The loop itself failed outside a handler call; the stage stops where it is.
            _logger.Error(unexpected, "Processor {Processor} stopped: its loop failed", Name);
            fault = new ProcessorFault(Name, Sequence.Value + 1, unexpected);
        }

        _fault = fault;
        try
        {
            _onFault(fault);
        }
        catch (Exception callbackFailure)
        {
            _logger.Error(callbackFailure, "Processor {Processor}: fault callback failed", Name);
        }

        _completion.TrySetException(fault.Exception);
    }
}
