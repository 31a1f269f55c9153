using System.Diagnostics;
using System.Globalization;
using Disruptor;
using Disruptor.Dsl;
using Disruptor.Processing;
using NLog;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// A Disruptor-net <see cref="ValueDisruptor{T}"/> with what the engine needs beyond it: a named
/// thread per stage with optional core pinning (<see cref="RingProcessor{T}"/>), the halt/continue
/// fault policy (<see cref="FaultPolicyExceptionHandler{T}"/>), and drain on shutdown with a timeout
/// (<see cref="Shutdown"/>). The ring and the per-event loop are Disruptor-net's.
/// <code>
/// var ring = new RingPipeline&lt;Ev&gt;(options);
/// ring.HandleEventsWith(journal)       // a stage on its own thread
///     .Then(trading)                   // sees an event only after the journal is done with it
///     .PinTo(1);
/// ring.Start();  ...publish...  ring.Shutdown(TimeSpan.FromSeconds(5));
/// </code>
/// Stages that share a thread are one handler class that calls the others directly (see
/// <see cref="TradingStages"/>), so Disruptor-net generates one struct proxy for it.
/// Producers gate on the last stages only; a stage never sees a sequence its upstream has not finished.
/// </summary>
public sealed class RingPipeline<T>
    where T : struct
{
    /// <summary>SpinWait count after which the slow-path waits here sleep 1 ms per check instead of spinning.</summary>
    internal const int SlowPathSleepThreshold = 10;

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Engine.Ring");

    private readonly RingOptions _options;
    private readonly Logger _logger;
    private readonly ValueDisruptor<T> _disruptor;
    private readonly List<RingProcessor<T>> _processors = [];
    private readonly List<SequenceBarrier> _barriers = []; // each processor's, in the order of _processors
    private readonly List<ProcessorFault> _faults = [];
    private readonly Lock _faultsGate = new();
    private int _started;

    public RingPipeline(RingOptions options, Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? s_logger;
        _disruptor = new ValueDisruptor<T>(static () => default, options.BufferSize, TaskScheduler.Default, options.ProducerType, WaitStrategies.Create(options.WaitStrategy));
    }

    public ValueRingBuffer<T> RingBuffer => _disruptor.RingBuffer;

    /// <summary>Raised (on the failing stage's thread) when a handler failure halts a stage.</summary>
    public event Action<ProcessorFault>? ProcessorFaulted;

    /// <summary>Every stage halted by a handler failure so far.</summary>
    public IReadOnlyList<ProcessorFault> Faults
    {
        get
        {
            lock (_faultsGate)
            {
                return [.. _faults];
            }
        }
    }

    /// <summary>The stages in wiring order.</summary>
    public IReadOnlyList<RingProcessor<T>> Processors => _processors;

    /// <summary>First-stage handlers, each on its own thread, in parallel.</summary>
    public RingStage<T> HandleEventsWith(params IValueEventHandler<T>[] handlers) => Wire(null, handlers);

    /// <summary>Starts every stage's thread. Call once, after wiring.</summary>
    public ValueRingBuffer<T> Start()
    {
        // CAS (full fence): Start runs once; wiring after it is refused.
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
        {
            throw new InvalidOperationException("The ring is already started.");
        }

        return _disruptor.Start();
    }

    /// <summary>
    /// Waits until every published event has passed every stage, then stops the threads; sleeps
    /// 1 ms between checks (no busy spin). Stop producers first: events published during shutdown
    /// may or may not be processed.
    /// </summary>
    public ShutdownResult Shutdown(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        ShutdownResult result = ShutdownResult.Drained;
        while (HasBacklog())
        {
            // A faulted stage never finishes its backlog, but the stages after it still get what it finished before
            // the fault (and stages beside it everything): the shutdown ends once no healthy stage is behind its barrier.
            if (HasFault && !HealthyStageBehind())
            {
                result = ShutdownResult.Faulted;
                break;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                result = HasFault ? ShutdownResult.Faulted : ShutdownResult.TimedOut;
                break;
            }

            spinner.SpinOnce(SlowPathSleepThreshold);
        }

        Halt();
        foreach (RingProcessor<T> processor in _processors)
        {
            TimeSpan remaining = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (!processor.Join(remaining) && result == ShutdownResult.Drained)
            {
                result = ShutdownResult.TimedOut;
            }
        }

        if (result != ShutdownResult.Drained)
        {
            _logger.Warn("Ring shutdown ended {Result}: cursor {Cursor}, slowest stage {Slowest}", result, RingBuffer.Cursor, RingBuffer.GetMinimumGatingSequence());
        }

        return result;
    }

    /// <summary>Stops every stage after its current batch, without waiting for the backlog.</summary>
    public void Halt() => _disruptor.Halt();

    /// <summary>Whether some published (or claimed) event has not yet passed every stage.</summary>
    public bool HasBacklog()
    {
        long cursor = RingBuffer.Cursor;
        foreach (RingProcessor<T> processor in _processors)
        {
            if (processor.Sequence.Value < cursor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a stage that has not faulted still has events its barrier (the ring, or the stages before it) lets it take.</summary>
    private bool HealthyStageBehind()
    {
        for (int i = 0; i < _processors.Count; i++)
        {
            if (_processors[i].Fault is null && _processors[i].Sequence.Value < _barriers[i].DependentSequences.Value)
            {
                return true;
            }
        }

        return false;
    }

    private bool HasFault
    {
        get
        {
            lock (_faultsGate)
            {
                return _faults.Count > 0;
            }
        }
    }

    internal RingStage<T> Wire(ValueEventHandlerGroup<T>? after, IValueEventHandler<T>[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        if (handlers.Length == 0)
        {
            throw new ArgumentException("At least one handler is required.", nameof(handlers));
        }

        if (Volatile.Read(ref _started) != 0)
        {
            throw new InvalidOperationException("Wire every stage before starting the ring.");
        }

        var created = new RingProcessor<T>[handlers.Length];
        var creators = new ValueEventProcessorCreator<T>[handlers.Length];
        for (int i = 0; i < handlers.Length; i++)
        {
            IValueEventHandler<T> handler = handlers[i];
            ArgumentNullException.ThrowIfNull(handler);
            int index = i;
            creators[i] = (ring, barrier) => created[index] = CreateProcessor(ring, barrier, handler);
        }

        // The DSL creates every stage of the group on one barrier and moves the producers' gating
        // from the upstream stages to these, at wiring time: events published before Start wait.
        ValueEventHandlerGroup<T> group = after is null ? _disruptor.HandleEventsWith(creators) : after.Then(creators);
        return new RingStage<T>(this, group, created);
    }

    private RingProcessor<T> CreateProcessor(IValueRingBuffer<T> ring, SequenceBarrier barrier, IValueEventHandler<T> handler)
    {
        // Disruptor-net's factory: a processor generic over a generated struct proxy of the handler.
        IValueEventProcessor<T> inner = EventProcessorFactory.Create(ring, barrier, handler);
        string name = UniqueName(handler);
        var processor = new RingProcessor<T>(inner, name, _options.ThreadNamePrefix + "-" + name, _options.ExceptionPolicy, _logger, OnProcessorFaulted);
        _processors.Add(processor);
        _barriers.Add(barrier);
        return processor;
    }

    private void OnProcessorFaulted(ProcessorFault fault)
    {
        lock (_faultsGate)
        {
            _faults.Add(fault);
        }

        ProcessorFaulted?.Invoke(fault);
    }

    private string UniqueName(IValueEventHandler<T> handler)
    {
        string baseName = handler.GetType().Name;
        int backtick = baseName.IndexOf('`', StringComparison.Ordinal);
        if (backtick > 0)
        {
            baseName = baseName[..backtick];
        }

        int sameName = 0;
        foreach (RingProcessor<T> processor in _processors)
        {
            if (processor.Name == baseName || processor.Name.StartsWith(baseName + "-", StringComparison.Ordinal))
            {
                sameName++;
            }
        }

        return sameName == 0 ? baseName : baseName + "-" + sameName.ToString(CultureInfo.InvariantCulture);
    }
}
