using System.Collections.Concurrent;
using NLog;

namespace Orchestrator.Agents.Execution;

/// <summary>
/// The orchestrator's own pool for agent work: a fixed number of dedicated background threads
/// (named <c>orc-slow-N</c>) behind a <see cref="TaskScheduler"/>. Agent calls, delegated tasks,
/// periodic jobs and health probes run here — never on the engine's pinned threads and not on
/// the process-wide thread pool, so a burst of agent work cannot starve the feed, the gateway
/// or the runtime's own timers.
/// </summary>
/// <remarks>
/// Async continuations of work started here come back here (the scheduler is
/// <see cref="TaskScheduler.Current"/> inside it) unless the code uses
/// <c>ConfigureAwait(false)</c>; I/O completions themselves arrive on the runtime's I/O threads,
/// as they must. The queue is unbounded by design: what bounds agent work is the router's
/// timeouts, the job scheduler's limits and the broker's bounded queues.
/// <para>
/// After <see cref="Dispose"/> the pool refuses work quietly (never an exception: one thrown from
/// <c>QueueTask</c> surfaces on whatever thread completed the awaited operation — a timer or an I/O
/// thread — and ends the process). Work started through <c>Run</c> then completes Canceled at once,
/// so its callers see <see cref="OperationCanceledException"/> rather than wait forever. Anything
/// else queued here (a continuation of an await, or <see cref="Factory"/> work) cannot be completed
/// by a scheduler other than by running it, and running agent code elsewhere after shutdown is what
/// shutdown must prevent: it is dropped and counted in <see cref="Dropped"/>.
/// </para>
/// </remarks>
public sealed class SlowPathScheduler : TaskScheduler, IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    // Tasks (the TaskScheduler's) and reusable work items (TryPost): the pool runs both in order.
    private readonly BlockingCollection<object> _queue = [];
    private readonly Thread[] _threads;
    private long _executed;
    private long _dropped;
    private int _disposed;

    /// <summary>Starts <paramref name="threads"/> dedicated background threads named <paramref name="threadName"/><c>-N</c>.</summary>
    /// <param name="threads">How many threads (1 to 256).</param>
    /// <param name="threadName">The threads' name prefix: <c>orc-slow</c> for the agents' pool; another for a pool of one's own (the health monitor's <c>orc-health</c>).</param>
    public SlowPathScheduler(int threads, string threadName = "orc-slow")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, 256);
        ArgumentException.ThrowIfNullOrWhiteSpace(threadName);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = threadName + "-" + i };
            _threads[i].Start();
        }

        Factory = new TaskFactory(CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskContinuationOptions.None, this);
    }

    /// <summary>
    /// The default size: one thread fewer than the machine has cores (at least one), so agent
    /// work saturating the pool still leaves a core to the engine's threads.
    /// </summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Starts work on this pool.</summary>
    public TaskFactory Factory { get; }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Work items waiting for a thread.</summary>
    public int Queued => _queue.Count;

    /// <summary>Work items run so far.</summary>
    public long Executed => Interlocked.Read(ref _executed);

    /// <summary>Work refused after <see cref="Dispose"/> that could not complete Canceled (continuations of awaits).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether the calling thread is one of this pool's.</summary>
    public bool IsPoolThread => Array.IndexOf(_threads, Thread.CurrentThread) >= 0;

    /// <summary>Runs <paramref name="work"/> on the pool; its awaits continue on the pool. After <see cref="Dispose"/>: Canceled, not run.</summary>
    public Task<T> Run<T>(Func<Task<T>> work) =>
        IsShutDown ? Task.FromCanceled<T>(new CancellationToken(canceled: true)) : Factory.StartNew(work).Unwrap();

    /// <inheritdoc cref="Run{T}(Func{Task{T}})"/>
    public Task Run(Func<Task> work) =>
        IsShutDown ? Task.FromCanceled(new CancellationToken(canceled: true)) : Factory.StartNew(work).Unwrap();

    /// <summary>
    /// Queues a reusable work item without allocating (periodic jobs post the same item every time):
    /// its <see cref="IThreadPoolWorkItem.Execute"/> runs on a pool thread, outside any task (so
    /// <see cref="TaskScheduler.Current"/> is the default there: for synchronous work). An exception
    /// from it is logged, never fatal to the thread. False after <see cref="Dispose"/> (not queued).
    /// </summary>
    public bool TryPost(IThreadPoolWorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (IsShutDown)
        {
            return false;
        }

        try
        {
            _queue.Add(item);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _dropped); // shut down meanwhile: refused, never thrown
            return false;
        }
    }

    // Memory ordering: Volatile.Read pairs with the Interlocked.Exchange in Dispose; a Run racing with
    // Dispose may still pass this check, and then its task is dropped and counted by QueueTask.
    private bool IsShutDown => Volatile.Read(ref _disposed) != 0;

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // Shut down (adding completed, or the queue disposed): refused, never thrown — see the remarks.
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && IsPoolThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue.OfType<Task>()];

    private void Run()
    {
        try
        {
            foreach (object item in _queue.GetConsumingEnumerable())
            {
                if (item is Task task)
                {
                    TryExecuteTask(task);
                }
                else
                {
                    Execute((IThreadPoolWorkItem)item);
                }

                Interlocked.Increment(ref _executed);
            }
        }
        catch (ObjectDisposedException)
        {
            // disposed while waiting
        }
        catch (Exception ex)
        {
            s_logger.Fatal(ex, "Slow-path thread {0} failed", Thread.CurrentThread.Name);
        }
    }

    private static void Execute(IThreadPoolWorkItem item)
    {
        try
        {
            item.Execute();
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Slow-path work item {0} failed", item.GetType().Name);
        }
    }

    /// <summary>
    /// Stops taking work; the threads finish what is queued and end. Work offered from now on is
    /// refused quietly (see the remarks).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        foreach (Thread thread in _threads)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join(TimeSpan.FromSeconds(5));
            }
        }
        _queue.Dispose();
    }
}
