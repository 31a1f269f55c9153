using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Health;

namespace Orchestrator.Agents.Tests.Health;

public sealed class HealthMonitorTests : IDisposable
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(30);

    private readonly SlowPathScheduler _scheduler = new(2);
    private readonly ManualTimeProvider _time = new();
    private readonly TestLog _log = new();
    private readonly List<HealthStateChange> _changes = [];

    public void Dispose() => _scheduler.Dispose();

    private HealthMonitor NewMonitor(HealthMonitorOptions? options = null)
    {
        var monitor = new HealthMonitor(_scheduler, options ?? new HealthMonitorOptions { MemoryThresholdBytes = 0 }, _time, _log.Logger);
        monitor.StateChanged += (_, change) =>
        {
            lock (_changes)
            {
                _changes.Add(change);
            }
        };
        return monitor;
    }

    /// <summary>A monitor watching one agent whose probe always throws: restarts every 30 s doubling, in a 10 min window.</summary>
    private (FakeAgent Agent, HealthMonitor Monitor) WatchFailingAgent(string name, int maxRestarts, TimeSpan backoffMax)
    {
        var agent = new FakeAgent(name, _time) { Throws = true };
        HealthMonitor monitor = NewMonitor(new HealthMonitorOptions
        {
            MaxRestarts = maxRestarts,
            RestartWindow = TimeSpan.FromMinutes(10),
            RestartBackoff = TimeSpan.FromSeconds(30),
            RestartBackoffMax = backoffMax,
            MemoryThresholdBytes = 0,
        });
        monitor.AddAgent(agent);
        return (agent, monitor);
    }

    private HealthStateChange[] ChangesOf(string component)
    {
        lock (_changes)
        {
            return [.. _changes.Where(c => c.Component == component)];
        }
    }

    private static ComponentHealth Of(HealthSnapshot snapshot, string name) => Assert.Single(snapshot.Components, c => c.Name == name);

    /// <summary>
    /// A check every 30 s may allocate (tasks, the snapshot), but so little that two a minute stay far
    /// below one gen0 budget (2 MB on a small machine): the process figures come from Environment,
    /// not a Process object that reads every thread's /proc entry.
    /// </summary>
    [Fact]
    public async Task Check_AllocatesAFewKilobytes_OnTheMonitorAndPoolThreads()
    {
        const int Checks = 20;
        using var pool = new SlowPathScheduler(1);
        await using var monitor = new HealthMonitor(pool, new HealthMonitorOptions { MemoryThresholdBytes = 0 }, _time, logger: _log.Logger);
        monitor.AddAgent(new FakeAgent("data_agent", _time));
        monitor.AddCheck("engine", _ => Task.FromResult(ComponentHealth.Of("engine", HealthState.Healthy, "1 events")));
        for (int i = 0; i < 3; i++)
        {
            await monitor.CheckNowAsync(); // warm: first-call costs (JIT, the /proc reader) are not steady state
        }

        // The check runs on the monitor's own thread (read there, when it publishes), the probe on the pool.
        long monitorThread = 0;
        monitor.SnapshotPublished += (_, _) => Volatile.Write(ref monitorThread, GC.GetAllocatedBytesForCurrentThread());
        await monitor.CheckNowAsync();
        long before = Volatile.Read(ref monitorThread) + await pool.Run(() => Task.FromResult(GC.GetAllocatedBytesForCurrentThread()));
        for (int i = 0; i < Checks; i++)
        {
            Assert.Equal(HealthState.Healthy, (await monitor.CheckNowAsync()).Overall);
        }

        long after = Volatile.Read(ref monitorThread) + await pool.Run(() => Task.FromResult(GC.GetAllocatedBytesForCurrentThread()));
        long perCheck = (after - before) / Checks;

        Assert.True(perCheck <= 12 * 1024, $"{perCheck} bytes per health check");
    }

    [Fact]
    public async Task HungAgent_IsRestartedWithinOneCheck_AndItsRecoveryIsLogged()
    {
        var agent = new FakeAgent("strategy_agent", _time) { Hangs = true, HealsOnRestart = true };
        await using HealthMonitor monitor = NewMonitor(new HealthMonitorOptions { ProbeTimeout = TimeSpan.FromSeconds(1), MemoryThresholdBytes = 0 });
        monitor.AddAgent(agent);

        Task<HealthSnapshot> check = monitor.CheckNowAsync();
        await agent.ProbeEntered.WaitAsync(s_hangGuard);
        _time.Advance(TimeSpan.FromSeconds(1));
        HealthSnapshot first = await check.WaitAsync(s_hangGuard);

        Assert.Equal(1, agent.Restarts);
        ComponentHealth health = Of(first, "strategy_agent");
        Assert.Equal(HealthState.Degraded, health.State);
        Assert.Contains("probe did not answer within", health.Detail, StringComparison.Ordinal);
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.Equal(HealthState.Degraded, first.Overall);
        Assert.Contains(_log.At("WARN"), l => l.Contains("Restarting agent strategy_agent", StringComparison.Ordinal));

        HealthSnapshot second = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);

        Assert.Equal(HealthState.Healthy, Of(second, "strategy_agent").State);
        Assert.Equal(1, agent.Restarts);
        Assert.Equal(
            [(HealthState.Unknown, HealthState.Degraded), (HealthState.Degraded, HealthState.Healthy)],
            ChangesOf("strategy_agent").Select(c => (c.Previous, c.Current)));
        Assert.Contains(_log.At("INFO"), l => l.Contains("strategy_agent recovered (Degraded -> Healthy)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RestartBudgetSpent_LeavesTheAgentUnhealthy_LogsFatalOnce_AndRestartsNoMoreUntilTheWindowPasses()
    {
        (FakeAgent agent, HealthMonitor monitor) = WatchFailingAgent("data_agent", maxRestarts: 3, backoffMax: TimeSpan.FromMinutes(2));
        await using HealthMonitor _ = monitor;

        for (int i = 1; i <= 3; i++)
        {
            HealthSnapshot restarted = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
            Assert.Equal(i, agent.Restarts);
            Assert.Equal(HealthState.Degraded, Of(restarted, "data_agent").State);
            _time.Advance(TimeSpan.FromMinutes(2));
        }

        // t = 6 min: three restarts in the window.
        HealthSnapshot spent = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(3, agent.Restarts);
        ComponentHealth health = Of(spent, "data_agent");
        Assert.Equal(HealthState.Unhealthy, health.State);
        Assert.Contains("probe failed: probe exploded", health.Detail, StringComparison.Ordinal);
        Assert.Contains("restart budget spent", health.Detail, StringComparison.Ordinal);
        Assert.Equal(4, health.ConsecutiveFailures);
        Assert.True(ChangesOf("data_agent")[^1].Critical);

        _time.Advance(TimeSpan.FromMinutes(2));
        await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(3, agent.Restarts);
        string fatal = Assert.Single(_log.At("FATAL"));
        Assert.Contains("data_agent", fatal, StringComparison.Ordinal);

        // t = 11 min: the first restart has left the window.
        _time.Advance(TimeSpan.FromMinutes(3));
        HealthSnapshot again = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(4, agent.Restarts);
        Assert.Equal(HealthState.Degraded, Of(again, "data_agent").State);
    }

    [Fact]
    public async Task Restarts_BackOffExponentially()
    {
        (FakeAgent agent, HealthMonitor monitor) = WatchFailingAgent("service_agent", maxRestarts: 5, backoffMax: TimeSpan.FromMinutes(5));
        await using HealthMonitor _ = monitor;

        async Task<int> CheckAfter(TimeSpan wait)
        {
            _time.Advance(wait);
            await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
            return agent.Restarts;
        }

        Assert.Equal(1, await CheckAfter(TimeSpan.Zero));
        Assert.Equal(1, await CheckAfter(TimeSpan.Zero));
        Assert.Equal(HealthState.Unhealthy, Of(monitor.Current, "service_agent").State);
        Assert.Contains("(backoff)", Of(monitor.Current, "service_agent").Detail, StringComparison.Ordinal);
        Assert.Equal(2, await CheckAfter(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, await CheckAfter(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, await CheckAfter(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task HealthyAgent_IsProbedButLeftAlone()
    {
        var agent = new FakeAgent("data_agent", _time);
        await using HealthMonitor monitor = NewMonitor();
        monitor.AddAgent(agent);

        for (int i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            HealthSnapshot snapshot = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
            Assert.Equal(HealthState.Healthy, Of(snapshot, "data_agent").State);
        }

        Assert.Equal(3, agent.Probes);
        Assert.Equal(0, agent.Restarts);
        Assert.Equal([HealthState.Healthy], ChangesOf("data_agent").Select(c => c.Current));
        Assert.Empty(_log.At("WARN"));
    }

    [Fact]
    public async Task StaleHeartbeat_IsAMiss_EvenWhenTheProbeAnswers()
    {
        var agent = new FakeAgent("quiet_agent", _time) { BeatsOnProbe = false };
        await using HealthMonitor monitor = NewMonitor(new HealthMonitorOptions { HeartbeatDeadline = TimeSpan.FromSeconds(90), MemoryThresholdBytes = 0 });
        monitor.AddAgent(agent);

        _time.Advance(TimeSpan.FromSeconds(60));
        await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(0, agent.Restarts);

        _time.Advance(TimeSpan.FromSeconds(60));
        HealthSnapshot snapshot = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(1, agent.Restarts);
        Assert.Contains("last heartbeat", Of(snapshot, "quiet_agent").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrowingCheck_IsUnhealthyWithItsMessage()
    {
        await using HealthMonitor monitor = NewMonitor();
        monitor.AddCheck("broker_api", _ => throw new InvalidOperationException("circuit open"));

        HealthSnapshot snapshot = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);

        ComponentHealth health = Of(snapshot, "broker_api");
        Assert.Equal(HealthState.Unhealthy, health.State);
        Assert.Contains("circuit open", health.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthState.Unhealthy, snapshot.Overall);
        Assert.Contains(_log.At("ERROR"), l => l.Contains("broker_api", StringComparison.Ordinal) && l.Contains("circuit open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HangingCheck_IsUnhealthyAfterTheProbeTimeout()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using HealthMonitor monitor = NewMonitor(new HealthMonitorOptions { ProbeTimeout = TimeSpan.FromSeconds(2), MemoryThresholdBytes = 0 });
        monitor.AddCheck("websocket", async ct =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ComponentHealth.Of("websocket", HealthState.Healthy);
        });

        Task<HealthSnapshot> check = monitor.CheckNowAsync();
        await entered.Task.WaitAsync(s_hangGuard);
        _time.Advance(TimeSpan.FromSeconds(2));
        HealthSnapshot snapshot = await check.WaitAsync(s_hangGuard);

        ComponentHealth health = Of(snapshot, "websocket");
        Assert.Equal(HealthState.Unhealthy, health.State);
        Assert.Contains("did not finish within", health.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateChanges_AreRaisedAndLoggedOnlyOnChange()
    {
        HealthState state = HealthState.Healthy;
        await using HealthMonitor monitor = NewMonitor();
        monitor.AddCheck("websocket", _ => Task.FromResult(ComponentHealth.Of("ignored", state, state.ToString())));

        foreach (HealthState next in new[] { HealthState.Healthy, HealthState.Healthy, HealthState.Degraded, HealthState.Degraded, HealthState.Unhealthy, HealthState.Unhealthy, HealthState.Healthy })
        {
            state = next;
            await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        }

        Assert.Equal(
            [
                (HealthState.Unknown, HealthState.Healthy),
                (HealthState.Healthy, HealthState.Degraded),
                (HealthState.Degraded, HealthState.Unhealthy),
                (HealthState.Unhealthy, HealthState.Healthy),
            ],
            ChangesOf("websocket").Select(c => (c.Previous, c.Current)));
        Assert.Single(_log.At("WARN"), l => l.Contains("websocket", StringComparison.Ordinal));
        Assert.Single(_log.At("ERROR"), l => l.Contains("websocket", StringComparison.Ordinal));
        Assert.Single(_log.At("INFO"), l => l.Contains("websocket recovered", StringComparison.Ordinal));
        Assert.Equal(0, Of(monitor.Current, "websocket").ConsecutiveFailures);
        Assert.Equal(7, monitor.Current.Version);
    }

    [Fact]
    public async Task MemoryOverThreshold_RunsTheTrimCallbacksOncePerCheck()
    {
        int trims = 0;
        await using HealthMonitor monitor = NewMonitor(new HealthMonitorOptions { MemoryThresholdBytes = 1 });
        monitor.AddTrimCallback(() => Interlocked.Increment(ref trims));

        HealthSnapshot first = await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(1, Volatile.Read(ref trims));
        await monitor.CheckNowAsync().WaitAsync(s_hangGuard);
        Assert.Equal(2, Volatile.Read(ref trims));

        Assert.True(first.Process!.Trimmed);
        Assert.Equal(HealthState.Degraded, Of(first, HealthMonitor.ProcessComponent).State);
        Assert.Equal(2, _log.At("WARN").Count(l => l.Contains("Memory over the threshold", StringComparison.Ordinal)));
        Assert.Equal(2, _log.At("INFO").Count(l => l.Contains("After trimming", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Loop_ChecksOnTheSlowPathPool_AtStartAndEveryInterval_AndPublishesSnapshots()
    {
        var onPool = new List<bool>();
        await using HealthMonitor monitor = NewMonitor(new HealthMonitorOptions { Interval = TimeSpan.FromSeconds(30), MemoryThresholdBytes = 0 });
        monitor.AddCheck("probe_thread", _ =>
        {
            lock (onPool)
            {
                onPool.Add(_scheduler.IsPoolThread);
            }

            return Task.FromResult(ComponentHealth.Of("probe_thread", HealthState.Healthy));
        });
        var published = new SemaphoreSlim(0);
        var snapshots = new List<HealthSnapshot>();
        monitor.SnapshotPublished += (_, snapshot) =>
        {
            lock (snapshots)
            {
                snapshots.Add(snapshot);
            }

            published.Release();
        };

        monitor.Start();
        await published.WaitAsync(s_hangGuard);
        _time.Advance(TimeSpan.FromSeconds(30));
        await published.WaitAsync(s_hangGuard);
        await monitor.StopAsync();

        lock (onPool)
        {
            Assert.Equal([true, true], onPool);
        }

        Assert.True(monitor.Current.Version >= 2);
        lock (snapshots)
        {
            Assert.Equal(1, snapshots[0].Version);
        }
    }

    /// <summary>
    /// Issue 17: 40 queued backtests froze the monitor for 24 s. With both pool threads blocked and 40
    /// more items queued behind them, the loop still checks at start and every interval, on its own
    /// thread; a component check that must run on the saturated pool counts as timed out, never a stall.
    /// </summary>
    [Fact]
    public async Task Loop_KeepsPublishing_WhileTheSlowPathPoolIsSaturated_AndACheckStuckBehindItTimesOut()
    {
        TimeSpan probeTimeout = TimeSpan.FromSeconds(7);
        TimeSpan interval = TimeSpan.FromSeconds(30);
        var time = new TimerSignallingTime(_time, probeTimeout);

        // Disposed last, after the finally below has freed the pool (stopping waits for the loop).
        await using var monitor = new HealthMonitor(_scheduler, new HealthMonitorOptions { Interval = interval, ProbeTimeout = probeTimeout, MemoryThresholdBytes = 0 }, time, logger: _log.Logger);
        using var release = new ManualResetEventSlim();
        var started = new SemaphoreSlim(0);
        Task[] work = [.. Enumerable.Range(0, 42).Select(_ => _scheduler.Factory.StartNew(() =>
        {
            started.Release();
            release.Wait();
        }))];
        try
        {
            Assert.True(await started.WaitAsync(s_hangGuard));
            Assert.True(await started.WaitAsync(s_hangGuard)); // both pool threads are blocked; 40 items wait

            monitor.AddCheck("backtests", _ => Task.FromResult(ComponentHealth.Of("backtests", HealthState.Healthy)));
            var published = new SemaphoreSlim(0);
            var threads = new List<string?>();
            monitor.SnapshotPublished += (_, _) =>
            {
                lock (threads)
                {
                    threads.Add(Thread.CurrentThread.Name);
                }

                published.Release();
            };

            monitor.Start();
            Assert.True(await time.Created.WaitAsync(s_hangGuard), "the first check never began: the loop waits behind the pool");
            _time.Advance(probeTimeout);
            Assert.True(await published.WaitAsync(s_hangGuard));
            HealthSnapshot first = monitor.Current;

            _time.Advance(interval - probeTimeout);
            Assert.True(await time.Created.WaitAsync(s_hangGuard), "the second check never began");
            _time.Advance(probeTimeout);
            Assert.True(await published.WaitAsync(s_hangGuard));
            HealthSnapshot second = monitor.Current;

            Assert.Equal(1, first.Version);
            Assert.Equal(2, second.Version);
            ComponentHealth stuck = Of(second, "backtests");
            Assert.Equal(HealthState.Unhealthy, stuck.State);
            Assert.Contains("did not finish within", stuck.Detail, StringComparison.Ordinal);
            Assert.Equal(2, stuck.ConsecutiveFailures);
            Assert.Equal(HealthState.Unhealthy, second.Overall);
            Assert.All(work, w => Assert.False(w.IsCompleted)); // the pool never got free meanwhile
            lock (threads)
            {
                Assert.Equal(["orc-health-0", "orc-health-0"], threads);
            }
        }
        finally
        {
            release.Set();
        }

        await Task.WhenAll(work).WaitAsync(s_hangGuard);
    }

    [Fact]
    public void DuplicateNames_AndBadOptions_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new HealthMonitor(_scheduler, new HealthMonitorOptions { Interval = TimeSpan.Zero, MaxRestarts = -1 }));
        var monitor = new HealthMonitor(_scheduler, time: _time);
        monitor.AddAgent(new FakeAgent("a", _time));
        Assert.Throws<ArgumentException>(() => monitor.AddCheck("a", _ => Task.FromResult(ComponentHealth.Of("a", HealthState.Healthy))));
        Assert.Throws<ArgumentException>(() => monitor.AddCheck(HealthMonitor.ProcessComponent, _ => Task.FromResult(ComponentHealth.Of("p", HealthState.Healthy))));
    }

    /// <summary>The test's manual clock, also signalling each timer created with the <paramref name="watched"/> due time (a check's timeout beginning).</summary>
    private sealed class TimerSignallingTime(ManualTimeProvider inner, TimeSpan watched) : TimeProvider
    {
        public SemaphoreSlim Created { get; } = new(0);

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = inner.CreateTimer(callback, state, dueTime, period);
            if (dueTime == watched)
            {
                Created.Release();
            }

            return timer;
        }
    }
}
