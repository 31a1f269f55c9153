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
        var clock = new FiringTimeProvider();
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool, time: clock);
        long runs = 0;
        long poolBefore = 0;
        long poolAfter = 0;
        bool onPool = true;
        jobs.AddPeriodic("snapshot", TimeSpan.FromMilliseconds(250), () =>
        {
            onPool &= pool.IsPoolThread;
            long run = Volatile.Read(ref runs) + 1;
            if (run == Warmup)
            {
                poolBefore = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (run == Warmup + Measured)
            {
                poolAfter = GC.GetAllocatedBytesForCurrentThread();
            }

            Volatile.Write(ref runs, run); // publishes the run to the test thread
        });

        for (int i = 1; i < Warmup; i++)
        {
            FireAndWait(clock, ref runs, i);
        }

        long timerBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = Warmup; i <= Warmup + Measured; i++)
        {
            FireAndWait(clock, ref runs, i);
        }

        long timerAllocated = GC.GetAllocatedBytesForCurrentThread() - timerBefore;

        Assert.True(onPool);
        Assert.Equal(0, timerAllocated); // the tick: claim and post
        Assert.Equal(0, poolAfter - poolBefore); // the pool thread: take, run, release, wait for the next
        (long Runs, _, long Failures) = jobs.PeriodicStats("snapshot");
        Assert.Equal((Warmup + Measured, 0L), (Runs, Failures)); // ticks while a run was still releasing the job were skipped, never overlapped
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

        FireAndWait(clock, ref calls, 1);
        FireAndWait(clock, ref calls, 2);
        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (jobs.PeriodicStats("flaky").Runs < 1)
            {
                await Task.Delay(5, guard.Token); // the second run has started; waits for it to count itself, bounded by the hang guard
            }
        }

        (long Runs, _, long Failures) = jobs.PeriodicStats("flaky");
        Assert.Equal((1L, 1L), (Runs, Failures));
    }

    /// <summary>
    /// Fires the job's timer on this thread until run <paramref name="expected"/> has happened,
    /// spinning between ticks (a tick while the previous run is still releasing the job is a skip).
    /// Allocates nothing.
    /// </summary>
    private static void FireAndWait(FiringTimeProvider clock, ref long runs, long expected)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(s_hang.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var spin = default(SpinWait);
        while (Volatile.Read(ref runs) < expected)
        {
            Assert.True(System.Diagnostics.Stopwatch.GetTimestamp() < deadline, "the periodic run did not happen");
            clock.Fire();
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
