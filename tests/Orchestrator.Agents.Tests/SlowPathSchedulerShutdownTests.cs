using Orchestrator.Agents.Execution;

namespace Orchestrator.Agents.Tests;

/// <summary>
/// Work offered to the slow pool after it shut down is refused quietly: an exception from
/// <c>QueueTask</c> surfaces on whatever thread completed the awaited operation (it crashed the test
/// host once, issue 15 item 20).
/// </summary>
public sealed class SlowPathSchedulerShutdownTests
{
    [Fact]
    public async Task AwaitResumingAfterShutdown_IsDroppedAndCounted_NotThrownAtTheThreadThatCompletedIt()
    {
        var scheduler = new SlowPathScheduler(1);
        var awaited = new TaskCompletionSource(); // completed by this thread, as a timer or I/O thread would
        var resumed = 0;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task agentWork = scheduler.Run(async () =>
        {
            entered.SetResult();
            await awaited.Task; // its continuation belongs to the pool
            Interlocked.Increment(ref resumed);
        });
        await entered.Task;
        scheduler.Dispose();

        Exception? thrown = Record.Exception(awaited.SetResult); // before the fix: TaskSchedulerException here

        Assert.Null(thrown);
        Assert.Equal(1, scheduler.Dropped);
        Assert.Equal(0, Volatile.Read(ref resumed));
        Assert.False(agentWork.IsCompleted); // dropped: the continuation never runs anywhere
    }

    [Fact]
    public void WorkStartedAfterShutdown_CompletesCanceled_SoItsCallerDoesNotWaitForever()
    {
        var scheduler = new SlowPathScheduler(1);
        scheduler.Dispose();

        var lateRan = false;
        Task<int> late = scheduler.Run(() => // before the fix: TaskSchedulerException here, on the caller's thread
        {
            lateRan = true;
            return Task.FromResult(2);
        });

        Assert.True(late.IsCanceled, late.Status.ToString()); // at once: nothing to wait for
        Assert.False(lateRan);
        Assert.Equal(0, scheduler.Executed);
    }

    [Fact]
    public void QueueingAfterShutdown_IsRefusedQuietly_AndCounted()
    {
        var scheduler = new SlowPathScheduler(1);
        scheduler.Dispose();
        var ran = false;
        Action queue = () => scheduler.Factory.StartNew(() => ran = true);

        Exception? thrown = Record.Exception(queue); // before the fix: TaskSchedulerException

        Assert.Null(thrown);
        Assert.Equal(1, scheduler.Dropped);
        Assert.False(ran);
    }
}
