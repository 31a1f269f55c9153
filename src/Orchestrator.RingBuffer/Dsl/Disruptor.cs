using System.Diagnostics;
using NLog;
using Orchestrator.RingBuffer.Threading;
using Orchestrator.RingBuffer.Util;

namespace Orchestrator.RingBuffer;

/// <summary>
/// Wires a ring buffer to its handlers and owns their threads.
/// <code>
/// var d = new Disruptor&lt;Ev&gt;(options);
/// d.HandleEventsWith(journal, marketState)   // parallel, each on its own thread
///  .Then(risk)                               // sees an event after both are done with it
///  .Then(new CompositeEventHandler&lt;Ev&gt;(sizing, orders)); // two stages on one thread
/// d.Start();  ...publish...  d.Shutdown(TimeSpan.FromSeconds(5));
/// </code>
/// Producers gate on the last stages only; a stage never sees a sequence its upstream has not
/// finished.
/// </summary>
public sealed class Disruptor<T>
    where T : struct
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.RingBuffer");

    private readonly DisruptorOptions _options;
    private readonly IExceptionHandler<T> _exceptionHandler;
    private readonly List<Entry> _entries = [];
    private readonly List<ProcessorFault> _faults = [];
    private readonly object _faultsGate = new();
    private int _started;

    public Disruptor(DisruptorOptions options, IExceptionHandler<T>? exceptionHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _exceptionHandler = exceptionHandler ?? new LoggingExceptionHandler<T>(options.ExceptionPolicy);
        RingBuffer = RingBuffer<T>.Create(options.ProducerType, options.BufferSize, WaitStrategies.Create(options.WaitStrategy));
    }

    public RingBuffer<T> RingBuffer { get; }

    /// <summary>Raised (on the failing processor's thread) when a handler failure halts a processor.</summary>
    public event Action<ProcessorFault>? ProcessorFaulted;

    /// <summary>Every processor halted by a handler failure so far.</summary>
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

    /// <summary>The processors in wiring order.</summary>
    public IReadOnlyList<IEventProcessor> Processors => [.. _entries.Select(e => e.Processor)];

    /// <summary>First-stage handlers, each on its own thread, in parallel.</summary>
    public EventHandlerGroup<T> HandleEventsWith(params IEventHandler<T>[] handlers) => CreateProcessors([], handlers);

    /// <summary>A group made of handlers already wired, to chain a stage after them.</summary>
    public EventHandlerGroup<T> After(params IEventHandler<T>[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        var processors = new IEventProcessor[handlers.Length];
        for (int i = 0; i < handlers.Length; i++)
        {
            processors[i] = FindEntry(handlers[i]).Processor;
        }

        return new EventHandlerGroup<T>(this, processors);
    }

    /// <summary>The progress sequence of a wired handler.</summary>
    public Sequence GetSequenceOf(IEventHandler<T> handler) => FindEntry(handler).Processor.Sequence;

    /// <summary>Starts one thread per processor.</summary>
    public RingBuffer<T> Start()
    {
        // CAS (full fence): Start runs once; wiring after it is refused.
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
        {
            ThrowHelper.ThrowAlreadyStarted();
        }

        foreach (Entry entry in _entries)
        {
            Entry captured = entry;
            captured.Thread = new Thread(() => RunProcessor(captured))
            {
                IsBackground = true,
                Name = _options.ThreadNamePrefix + "-" + captured.Processor.Name,
            };
            captured.Thread.Start();
        }

        return RingBuffer;
    }

    /// <summary>
    /// Waits until every published event has passed every handler, then stops the threads.
    /// Stop producers first: events published during shutdown may or may not be processed.
    /// </summary>
    public ShutdownResult Shutdown(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        ShutdownResult result = ShutdownResult.Drained;
        while (HasBacklog())
        {
            if (Faults.Count > 0)
            {
                result = ShutdownResult.Faulted;
                break;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                result = ShutdownResult.TimedOut;
                break;
            }

            spinner.SpinOnce(); // slow path: spins, yields, then sleeps 1 ms between checks
        }

        Halt();
        foreach (Entry entry in _entries)
        {
            if (entry.Thread is null)
            {
                continue;
            }

            TimeSpan remaining = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (!entry.Thread.Join(remaining) && result == ShutdownResult.Drained)
            {
                result = ShutdownResult.TimedOut;
            }
        }

        if (result != ShutdownResult.Drained)
        {
            s_logger.Warn("Ring shutdown ended {Result}: cursor {Cursor}, slowest consumer {Slowest}", result, RingBuffer.Cursor, RingBuffer.GetMinimumGatingSequence());
        }

        return result;
    }

    /// <summary>Stops every processor after its current batch, without waiting for the backlog.</summary>
    public void Halt()
    {
        foreach (Entry entry in _entries)
        {
            entry.Processor.Halt();
        }
    }

    /// <summary>Whether some published (or claimed) event has not yet passed every handler.</summary>
    public bool HasBacklog()
    {
        long cursor = RingBuffer.Cursor;
        foreach (Entry entry in _entries)
        {
            if (entry.Processor.Sequence.Value < cursor)
            {
                return true;
            }
        }

        return false;
    }

    internal EventHandlerGroup<T> CreateProcessors(Sequence[] barrierSequences, IEventHandler<T>[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        if (handlers.Length == 0)
        {
            ThrowHelper.ThrowNoHandlers();
        }

        if (Volatile.Read(ref _started) != 0)
        {
            ThrowHelper.ThrowAlreadyStarted();
        }

        var processors = new IEventProcessor[handlers.Length];
        for (int i = 0; i < handlers.Length; i++)
        {
            IEventHandler<T> handler = handlers[i];
            ArgumentNullException.ThrowIfNull(handler);
            SequenceBarrier barrier = RingBuffer.NewBarrier(barrierSequences);
            var processor = new BatchEventProcessor<T, IEventHandler<T>>(
                RingBuffer,
                barrier,
                handler,
                _exceptionHandler,
                UniqueName(handler),
                _options.MaxBatchSize);
            processor.Faulted += OnProcessorFaulted;
            _entries.Add(new Entry(handler, processor));
            processors[i] = processor;
        }

        // Producers gate on the end of the chain only: the new stage replaces the stages it
        // follows. Done at wiring time, so events published before Start wait for the handlers.
        foreach (IEventProcessor processor in processors)
        {
            RingBuffer.AddGatingSequences(processor.Sequence);
        }

        foreach (Sequence upstream in barrierSequences)
        {
            RingBuffer.RemoveGatingSequence(upstream);
        }

        return new EventHandlerGroup<T>(this, processors);
    }

    internal void SetCore(IEventProcessor processor, int core)
    {
        if (Volatile.Read(ref _started) != 0)
        {
            ThrowHelper.ThrowAlreadyStarted();
        }

        foreach (Entry entry in _entries)
        {
            if (ReferenceEquals(entry.Processor, processor))
            {
                entry.Core = core;
            }
        }
    }

    private static void RunProcessor(Entry entry)
    {
        if (entry.Core is int core)
        {
            if (ThreadAffinity.TryPinCurrentThread(core, out string? error))
            {
                s_logger.Info("Processor {Processor} pinned to CPU core {Core}", entry.Processor.Name, core);
            }
            else
            {
                s_logger.Warn("Processor {Processor} not pinned: {Reason}", entry.Processor.Name, error);
            }
        }

        entry.Processor.Run();
    }

    private void OnProcessorFaulted(ProcessorFault fault)
    {
        lock (_faultsGate)
        {
            _faults.Add(fault);
        }

        ProcessorFaulted?.Invoke(fault);
    }

    private string UniqueName(IEventHandler<T> handler)
    {
        string baseName = handler.GetType().Name;
        int backtick = baseName.IndexOf('`', StringComparison.Ordinal);
        if (backtick > 0)
        {
            baseName = baseName[..backtick];
        }

        int sameName = 0;
        foreach (Entry entry in _entries)
        {
            if (entry.Processor.Name == baseName || entry.Processor.Name.StartsWith(baseName + "-", StringComparison.Ordinal))
            {
                sameName++;
            }
        }

        return sameName == 0 ? baseName : baseName + "-" + sameName.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private Entry FindEntry(IEventHandler<T> handler)
    {
        foreach (Entry entry in _entries)
        {
            if (ReferenceEquals(entry.Handler, handler))
            {
                return entry;
            }
        }

        ThrowHelper.ThrowHandlerNotWired();
        return null;
    }

    private sealed class Entry(IEventHandler<T> handler, IEventProcessor processor)
    {
        public IEventHandler<T> Handler { get; } = handler;

        public IEventProcessor Processor { get; } = processor;

        public int? Core { get; set; }

        public Thread? Thread { get; set; }
    }
}
