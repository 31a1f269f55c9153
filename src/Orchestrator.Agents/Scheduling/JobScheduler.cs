using System.Collections.Concurrent;
using System.Globalization;
using NLog;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Scheduling;

/// <summary>
/// Delegated tasks and periodic jobs on the slow pool. A delegated task gets an id at once; its
/// status and result can be asked for and it can be canceled; each runs under a timeout.
/// Finished tasks are kept for <see cref="JobSchedulerOptions.Retention"/> (at most
/// <see cref="JobSchedulerOptions.MaxRetained"/>). A periodic job runs every interval under its
/// own timeout and never overlaps itself: a run still going when the next is due is skipped and
/// counted. A synchronous periodic job (<see cref="AddPeriodic(string, TimeSpan, Action)"/>) runs
/// without allocating anything per run, so a frequent one (the engine snapshot, 4 a second) adds
/// no garbage in steady state.
/// </summary>
public sealed class JobScheduler : IAsyncDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    private readonly SlowPathScheduler _pool;
    private readonly JobSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PeriodicJob> _periodic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InlinePeriodicJob> _inline = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private long _nextId;

    public JobScheduler(SlowPathScheduler pool, JobSchedulerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
        _options = options ?? new JobSchedulerOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Tasks not yet finished.</summary>
    public int Active => _jobs.Values.Count(j => !j.Info.IsFinished);

    /// <summary>
    /// Starts <paramref name="work"/> on the slow pool and returns its id at once, or null when
    /// <see cref="JobSchedulerOptions.MaxActive"/> tasks are already active (nothing is queued
    /// without bound).
    /// </summary>
    public string? Start(string description, Func<CancellationToken, Task<AgentResult>> work, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        Prune();
        if (Active >= _options.MaxActive)
        {
            s_logger.Warn("Task refused: {0} tasks already active (limit {1}): {2}", Active, _options.MaxActive, description);
            return null;
        }

        string id = "task-" + Interlocked.Increment(ref _nextId).ToString("000000", CultureInfo.InvariantCulture);
        var job = new Job(new JobInfo(id, description, JobStatus.Pending, _time.GetUtcNow(), null, null, null, null, null), CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        job.Cancellation.CancelAfter(timeout ?? _options.DefaultTimeout);
        job.Completion = _pool.Run(() => RunAsync(job, work));
        _jobs[id] = job;
        return id;
    }

    /// <summary>A task's state, or null if the id is unknown (or its record has expired).</summary>
    public JobInfo? Get(string id)
    {
        Prune();
        return _jobs.TryGetValue(id, out Job? job) ? job.Info : null;
    }

    /// <summary>Waits for a task to finish (tests, and callers that want the result in-line).</summary>
    public async Task<JobInfo?> WaitAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(id, out Job? job))
        {
            return null;
        }

        await job.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return job.Info;
    }

    /// <summary>Asks a task to stop; true if it was still active.</summary>
    public bool Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out Job? job) || job.Info.IsFinished)
        {
            return false;
        }

        job.CanceledByCaller = true;
        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>Every task still on record, newest first.</summary>
    public IReadOnlyList<JobInfo> List()
    {
        Prune();
        return [.. _jobs.Values.Select(j => j.Info).OrderByDescending(j => j.Id, StringComparer.Ordinal)];
    }

    private async Task RunAsync(Job job, Func<CancellationToken, Task<AgentResult>> work)
    {
        CancellationToken token = job.Cancellation.Token;
        job.Info = job.Info with { Status = JobStatus.Running, StartedAt = _time.GetUtcNow() };
        AgentResult result;
        try
        {
            token.ThrowIfCancellationRequested();
            // WaitAsync: a task that ignores its token still lets go of its record at the deadline.
            result = await work(token).WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            result = job.CanceledByCaller || _stop.IsCancellationRequested
                ? AgentResult.Failure(AgentErrors.Canceled, "canceled")
                : AgentResult.Failure(AgentErrors.Timeout, "did not finish within its timeout");
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Task {0} ({1}) failed", job.Info.Id, job.Info.Description);
            result = AgentResult.Failure(AgentErrors.Failed, ex.Message);
        }

        JobStatus status = result.Ok ? JobStatus.Succeeded
            : result.ErrorCode == AgentErrors.Timeout ? JobStatus.TimedOut
            : result.ErrorCode == AgentErrors.Canceled ? JobStatus.Canceled
            : JobStatus.Failed;
        job.Info = job.Info with { Status = status, FinishedAt = _time.GetUtcNow(), Result = result.Result, ErrorCode = result.ErrorCode, Error = result.Error };
        s_logger.Info("Task {0} ({1}) {2}", job.Info.Id, job.Info.Description, status.ToString().ToLowerInvariant());
    }

    /// <summary>Drops finished tasks past their retention, and the oldest beyond the count limit.</summary>
    private void Prune()
    {
        DateTimeOffset cutoff = _time.GetUtcNow() - _options.Retention;
        List<Job> finished = [.. _jobs.Values.Where(j => j.Info.IsFinished).OrderBy(j => j.Info.FinishedAt)];
        int excess = finished.Count - _options.MaxRetained;
        foreach (Job job in finished)
        {
            if ((excess-- > 0 || job.Info.FinishedAt < cutoff) && _jobs.TryRemove(job.Info.Id, out _))
            {
                job.Cancellation.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> every <paramref name="interval"/> on the slow pool, each run
    /// bounded by <paramref name="timeout"/> (default: the interval). A run still going when the
    /// next is due makes that one skip.
    /// </summary>
    public void AddPeriodic(string name, TimeSpan interval, Func<CancellationToken, Task> work, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var job = new PeriodicJob(name, interval, timeout ?? interval, work);
        if (_inline.ContainsKey(name) || !_periodic.TryAdd(name, job))
        {
            throw new ArgumentException($"a periodic job named '{name}' exists already", nameof(name));
        }

        job.Loop = _pool.Run(() => PeriodicLoopAsync(job));
    }

    /// <summary>
    /// Runs short synchronous <paramref name="work"/> every <paramref name="interval"/> on the slow
    /// pool without allocating per run: the timer posts one reusable work item to the pool (see
    /// <see cref="SlowPathScheduler.TryPost"/>). A run still going when the next is due makes that
    /// one skip (counted); an exception is a failure, logged and counted. No timeout: synchronous
    /// work cannot be left behind, so it must be short (a publish into the ring, a counter read).
    /// </summary>
    public void AddPeriodic(string name, TimeSpan interval, Action work)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(work);
        var job = new InlinePeriodicJob(this, name, work);
        if (_periodic.ContainsKey(name) || !_inline.TryAdd(name, job))
        {
            throw new ArgumentException($"a periodic job named '{name}' exists already", nameof(name));
        }

        job.Start(_time, interval);
    }

    /// <summary>Runs, skips and failures of a periodic job.</summary>
    public (long Runs, long Skipped, long Failures) PeriodicStats(string name) =>
        _periodic.TryGetValue(name, out PeriodicJob? job) ? (Interlocked.Read(ref job.Runs), Interlocked.Read(ref job.Skipped), Interlocked.Read(ref job.Failures))
        : _inline.TryGetValue(name, out InlinePeriodicJob? inline) ? (Interlocked.Read(ref inline.Runs), Interlocked.Read(ref inline.Skipped), Interlocked.Read(ref inline.Failures))
        : (0, 0, 0);

    private async Task PeriodicLoopAsync(PeriodicJob job)
    {
        using var timer = new PeriodicTimer(job.Interval, _time);
        Task running = Task.CompletedTask;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (!running.IsCompleted)
                {
                    Interlocked.Increment(ref job.Skipped);
                    continue;
                }

                running = _pool.Run(() => RunPeriodicOnceAsync(job)); // the timer wakes us on a runtime thread: hand the work to the pool
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopping
        }

        await running.ConfigureAwait(false);
    }

    private async Task RunPeriodicOnceAsync(PeriodicJob job)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(job.Timeout);
        try
        {
            await job.Work(cts.Token).WaitAsync(cts.Token).ConfigureAwait(false);
            Interlocked.Increment(ref job.Runs);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopping
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref job.Failures);
            s_logger.Warn("Periodic job {0} failed: {1}", job.Name, ex is OperationCanceledException ? "did not finish within its timeout" : ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] loops = [.. _periodic.Values.Select(p => p.Loop), .. _inline.Values.Select(p => p.Stop()), .. _jobs.Values.Select(j => j.Completion)];
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            s_logger.Warn("Some agent work did not stop within 10 s of shutdown");
        }

        _stop.Dispose();
    }

    private sealed class Job(JobInfo info, CancellationTokenSource cancellation)
    {
        public JobInfo Info
        {
            get => Volatile.Read(ref _info);
            set => Volatile.Write(ref _info, value);
        }

        private JobInfo _info = info;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Completion { get; set; } = Task.CompletedTask;

        public volatile bool CanceledByCaller;
    }

    /// <summary>
    /// A synchronous periodic job: its timer's tick claims the job and posts it (the same object each
    /// time) to the pool, whose thread runs the work and releases it. Nothing is allocated per run.
    /// </summary>
    private sealed class InlinePeriodicJob(JobScheduler owner, string name, Action work) : IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Busy = 1; // from the tick that posts a run until the run has ended
        private const int Stopped = 2;

        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ITimer? _timer;
        private int _state;

        public long Runs;
        public long Skipped;
        public long Failures;

        public void Start(TimeProvider time, TimeSpan interval) =>
            _timer = time.CreateTimer(static job => ((InlinePeriodicJob)job!).OnTick(), this, interval, interval);

        /// <summary>Stops the timer; completes once no run is in progress (the scheduler's stop token is canceled first).</summary>
        public Task Stop()
        {
            _timer?.Dispose();
            FinishIfStopping();
            return _stopped.Task;
        }

        /// <summary>On the timer's thread.</summary>
        private void OnTick()
        {
            // Interlocked: claims the job; only the run that follows releases it, so runs never overlap.
            if (owner._stop.IsCancellationRequested || Interlocked.CompareExchange(ref _state, Busy, Idle) != Idle)
            {
                Interlocked.Increment(ref Skipped);
                return;
            }

            if (!owner._pool.TryPost(this))
            {
                Release(); // the pool has shut down
            }
        }

        /// <summary>On a slow-pool thread.</summary>
        public void Execute()
        {
            if (!owner._stop.IsCancellationRequested)
            {
                try
                {
                    work();
                    Interlocked.Increment(ref Runs);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref Failures);
                    s_logger.Warn("Periodic job {0} failed: {1}", name, ex.Message);
                }
            }

            Release();
        }

        /// <summary>Ends a run (or a claim the pool refused).</summary>
        private void Release()
        {
            // Interlocked: Busy -> Idle, by the claimer only; a tick may claim the job right after.
            Interlocked.CompareExchange(ref _state, Idle, Busy);
            FinishIfStopping();
        }

        private void FinishIfStopping()
        {
            // Interlocked: once the scheduler stops, Idle -> Stopped happens exactly once (at the end of
            // the last run, or in Stop when no run is going), and no tick claims the job after it.
            if (owner._stop.IsCancellationRequested && Interlocked.CompareExchange(ref _state, Stopped, Idle) == Idle)
            {
                _stopped.TrySetResult();
            }
        }
    }

    private sealed class PeriodicJob(string name, TimeSpan interval, TimeSpan timeout, Func<CancellationToken, Task> work)
    {
        public string Name { get; } = name;

        public TimeSpan Interval { get; } = interval;

        public TimeSpan Timeout { get; } = timeout;

        public Func<CancellationToken, Task> Work { get; } = work;

        public Task Loop { get; set; } = Task.CompletedTask;

        public long Runs;
        public long Skipped;
        public long Failures;
    }
}
