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
/// </remarks>
public sealed class SlowPathScheduler : TaskScheduler, IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    private long _executed;

    public SlowPathScheduler(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, 256);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = "orc-slow-" + i };
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

    /// <summary>Whether the calling thread is one of this pool's.</summary>
    public bool IsPoolThread => Array.IndexOf(_threads, Thread.CurrentThread) >= 0;

    /// <summary>Runs <paramref name="work"/> on the pool; its awaits continue on the pool.</summary>
    public Task<T> Run<T>(Func<Task<T>> work) => Factory.StartNew(work).Unwrap();

    /// <inheritdoc cref="Run{T}(Func{Task{T}})"/>
    public Task Run(Func<Task> work) => Factory.StartNew(work).Unwrap();

    protected override void QueueTask(Task task) => _queue.Add(task);

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        !taskWasPreviouslyQueued && IsPoolThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Run()
    {
        try
        {
            foreach (Task task in _queue.GetConsumingEnumerable())
            {
                TryExecuteTask(task);
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

    /// <summary>Stops taking work; the threads finish what is queued and end.</summary>
    public void Dispose()
    {
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
