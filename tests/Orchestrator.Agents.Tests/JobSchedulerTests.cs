using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;

namespace Orchestrator.Agents.Tests;

public sealed class JobSchedulerTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PeriodicJob_RunsOnTheSlowPool_AndNeverOverlapsItself()
    {
        using var pool = new SlowPathScheduler(2);
        await using var jobs = new JobScheduler(pool);
        var firstRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0;
        int maxRunning = 0;
        bool onPool = false;
        jobs.AddPeriodic("probe", TimeSpan.FromMilliseconds(10), async _ =>
        {
            onPool = pool.IsPoolThread;
            int now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            firstRun.TrySetResult();
            await release.Task; // the first run holds until the test has seen skips
            Interlocked.Decrement(ref running);
        }, timeout: s_hang);

        await firstRun.Task.WaitAsync(s_hang);
        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (jobs.PeriodicStats("probe").Skipped < 3)
            {
                await Task.Delay(5, guard.Token); // waits for a condition, bounded by the hang guard
            }
        }

        release.SetResult();
        Assert.Equal(1, maxRunning);
        Assert.True(onPool);
    }

    [Fact]
    public async Task SynchronousPeriodicJob_AllocatesNothingPerRun_OnTheTimerOrThePoolThread()
    {
        const int Warmup = 200;
        const int Measured = 2_000;
        const int Windows = 3;
        var clock = new FiringTimeProvider();
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool, time: clock);
        long runs = 0;
        long[] poolAllocated = new long[Warmup + (Windows * Measured) + 1]; // the pool thread's allocation counter after each run
        bool onPool = true;
        jobs.AddPeriodic("snapshot", TimeSpan.FromMilliseconds(250), () =>
        {
            onPool &= pool.IsPoolThread;
            long run = Volatile.Read(ref runs) + 1;
            poolAllocated[run] = GC.GetAllocatedBytesForCurrentThread();
            Volatile.Write(ref runs, run); // publishes the run to the test thread
        });

        long done = 0;
        for (; done < Warmup; done++)
        {
            FireAndWait(clock, jobs, "snapshot", ref runs, done + 1);
        }

        // A window of runs in which neither thread allocated a byte. An allocation per run shows in every
        // window; up to three windows let a one-off allocation by the runtime itself (a shared table that
        // grows while other tests run in this process) pass without hiding a per-run one.
        var windows = new List<(long Timer, long Pool)>(Windows);
        for (int w = 0; w < Windows && (windows.Count == 0 || windows[^1] != (0, 0)); w++)
        {
            long first = done;
            long timerBefore = GC.GetAllocatedBytesForCurrentThread();
            for (; done < first + Measured; done++)
            {
                FireAndWait(clock, jobs, "snapshot", ref runs, done + 1);
            }

            long timerAllocated = GC.GetAllocatedBytesForCurrentThread() - timerBefore;
            windows.Add((timerAllocated, poolAllocated[done] - poolAllocated[first]));
        }

        Assert.True(onPool);
        // the tick (claim and post) on the timer's thread; take, run, release, wait for the next on the pool's
        Assert.True(windows[^1] == (0L, 0L), "bytes allocated per window of runs (timer thread, pool thread): " + string.Join(", ", windows));
        (long Runs, _, long Failures) = WaitForRunsCounted(jobs, "snapshot", done);
        Assert.Equal((done, 0L), (Runs, Failures)); // every tick while a run was still going was skipped, never overlapped, and no tick ran twice
    }

    [Fact]
    public async Task SynchronousPeriodicJob_ThatThrows_IsCountedAsAFailure_AndRunsAgain()
    {
        var clock = new FiringTimeProvider();
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool, time: clock);
        long calls = 0;
        jobs.AddPeriodic("flaky", TimeSpan.FromSeconds(1), () =>
        {
            long call = Interlocked.Increment(ref calls);
            if (call == 1)
            {
                throw new InvalidOperationException("first run fails");
            }
        });

        FireAndWait(clock, jobs, "flaky", ref calls, 1);
        FireAndWait(clock, jobs, "flaky", ref calls, 2);
        (long Runs, _, long Failures) = WaitForRunsCounted(jobs, "flaky", 2); // the second run has started; waits for it to count itself
        Assert.Equal((1L, 1L), (Runs, Failures));
    }

    /// <summary>
    /// Fires the job's timer on this thread until a tick posts a run, then waits for that run to reach
    /// <paramref name="expected"/> (run <paramref name="expected"/> - 1 has happened before the call). A tick
    /// while the previous run is still releasing the job is a skip (counted), so the loop fires again; once a tick
    /// has posted, none fires until its run has happened, so no extra run follows the last one. Allocates nothing.
    /// </summary>
    private static void FireAndWait(FiringTimeProvider clock, JobScheduler jobs, string name, ref long runs, long expected)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(s_hang.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var spin = default(SpinWait);
        bool posted = false;
        while (Volatile.Read(ref runs) < expected)
        {
            Assert.True(System.Diagnostics.Stopwatch.GetTimestamp() < deadline, "the periodic run did not happen");
            if (!posted)
            {
                long skipped = jobs.PeriodicStats(name).Skipped; // only this thread fires, so only its tick can add a skip
                clock.Fire();
                posted = jobs.PeriodicStats(name).Skipped == skipped;
            }

            spin.SpinOnce();
        }
    }

    /// <summary>The job's stats once it has counted <paramref name="runs"/> runs and failures (a run counts itself after its work returns), bounded by the hang guard.</summary>
    private static (long Runs, long Skipped, long Failures) WaitForRunsCounted(JobScheduler jobs, string name, long runs)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(s_hang.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var spin = default(SpinWait);
        while (true)
        {
            (long Runs, long Skipped, long Failures) stats = jobs.PeriodicStats(name);
            if (stats.Runs + stats.Failures >= runs)
            {
                return stats;
            }

            Assert.True(System.Diagnostics.Stopwatch.GetTimestamp() < deadline, "the run did not count itself");
            spin.SpinOnce();
        }
    }

    /// <summary>A clock whose one timer fires when the test calls <see cref="Fire"/>, on the test's thread, allocating nothing.</summary>
    private sealed class FiringTimeProvider : TimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public void Fire() => _callback!(_state);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callback = callback;
            _state = state;
            return new FiringTimer();
        }

        private sealed class FiringTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task FinishedTasks_AreKeptOnlyUpToTheLimit_OldestDroppedFirst()
    {
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool, new JobSchedulerOptions { MaxRetained = 2 });
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            string id = jobs.Start("job " + i, _ => Task.FromResult(AgentResult.Success(null)))!;
            await jobs.WaitAsync(id).WaitAsync(s_hang);
            ids.Add(id);
        }

        Assert.Null(jobs.Get(ids[0]));
        Assert.NotNull(jobs.Get(ids[1]));
        Assert.NotNull(jobs.Get(ids[2]));
        Assert.Equal(2, jobs.List().Count);
    }

    [Fact]
    public async Task FailingTask_IsFailed_WithItsMessage()
    {
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool);
        string id = jobs.Start("bad", _ => throw new InvalidOperationException("no data"))!;
        JobInfo? info = await jobs.WaitAsync(id).WaitAsync(s_hang);
        Assert.Equal(JobStatus.Failed, info!.Status);
        Assert.Equal("no data", info.Error);
    }
}
