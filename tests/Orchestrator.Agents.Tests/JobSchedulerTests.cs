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
