using System.Globalization;
using NLog;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;

namespace Orchestrator.Agents.Health;

/// <summary>
/// Watches the agents, the registered components (WebSocket links, the broker API's circuit, …)
/// and the process, every <see cref="HealthMonitorOptions.Interval"/>, on a thread of its own
/// (<c>orc-health-0</c>), and recovers what it can: an agent that misses its heartbeat deadline or its probe is restarted
/// (within a budget, with exponential backoff) — unless it is not <see cref="IAgent.Restartable"/> (an external
/// agent), which is reported Degraded with the reason instead; memory over the threshold runs the trim callbacks
/// and a full compacting collection.
/// </summary>
/// <remarks>
/// <para>
/// Each check publishes a <see cref="HealthSnapshot"/>: <see cref="Current"/>, the
/// <see cref="SnapshotPublished"/> event; a state change also raises <see cref="StateChanged"/> (the alerts listen to it). Only a component's state <em>change</em> is logged (logger <c>Orchestrator.Health</c>):
/// to Degraded at WARNING, to Unhealthy at ERROR (FATAL when the monitor gives up: an agent over its
/// restart budget), back to Healthy at INFO.
/// </para>
/// <para>
/// The check loop, the process check and the publishing run on the monitor's own thread, never on the
/// agents' <see cref="SlowPathScheduler"/>: work queued or running there (40 backtests) cannot delay a
/// snapshot. Every probe, component check and restart runs on the slow-path pool (agent code belongs
/// there) and is bounded by a timeout from the injected <see cref="TimeProvider"/>; one that hangs,
/// throws or waits behind a saturated pool is a failure with its reason, never a stuck monitor.
/// Checks never overlap: the periodic loop and <see cref="CheckNowAsync"/> take turns. Agents and
/// checks run concurrently within one check.
/// </para>
/// <para>
/// A snapshot older than <see cref="StaleAfter"/> is stale (<see cref="IsStale"/>): the monitor has
/// stopped checking, and <c>/health</c> answers unhealthy.
/// </para>
/// </remarks>
public sealed class HealthMonitor : IAsyncDisposable
{
    /// <summary>The name of the process component in snapshots.</summary>
    public const string ProcessComponent = "process";

    /// <summary>A snapshot older than this many intervals (plus the longest a check may take) is stale.</summary>
    public const int StaleAfterIntervals = 3;

    private readonly SlowPathScheduler _scheduler;

    // The monitor's own thread: the loop and every await of a check continue here, not on _scheduler.
    private readonly SlowPathScheduler _own;
    private readonly HealthMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly Logger _logger;
    private readonly Lock _registrationLock = new();
    private readonly List<AgentWatch> _agents = [];
    private readonly List<KeyValuePair<string, Func<CancellationToken, Task<ComponentHealth>>>> _checks = [];
    private readonly List<Action> _trimCallbacks = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal) { ProcessComponent };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();

    // Touched only inside a check (under _gate).
    private readonly Dictionary<string, ComponentHealth> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _critical = new(StringComparer.Ordinal);
    private TimeSpan _lastCpuTime;
    private long _lastCpuTimestamp;
    private bool _cpuSampled;

    private HealthSnapshot _current = HealthSnapshot.Empty;
    private long _version;
    private PeriodicTimer? _timer;
    private Task? _loop;
    private int _disposed;

    /// <summary>Creates a monitor; nothing runs until <see cref="Start"/> or <see cref="CheckNowAsync"/>.</summary>
    /// <param name="scheduler">The slow-path pool the agents' probes and restarts and the component checks run on.</param>
    /// <param name="options">Intervals, timeouts, budgets; the defaults when null.</param>
    /// <param name="time">The clock for intervals, timeouts, heartbeats and budgets; the system clock when null.</param>
    /// <param name="logger">Where state changes go; <c>Orchestrator.Health</c> when null.</param>
    public HealthMonitor(SlowPathScheduler scheduler, HealthMonitorOptions? options = null, TimeProvider? time = null, Logger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        options ??= new HealthMonitorOptions();
        string[] problems = [.. options.Validate()];
        if (problems.Length > 0)
        {
            throw new ArgumentException("health monitor options: " + string.Join("; ", problems), nameof(options));
        }

        // The longest a check may take is a probe's timeout then a restart's; a snapshot is stale only
        // when it is older than that plus an interval, and never before StaleAfterIntervals intervals.
        TimeSpan slowest = options.Interval + options.ProbeTimeout + options.RestartTimeout;
        TimeSpan intervals = options.Interval * StaleAfterIntervals;
        StaleAfter = slowest > intervals ? slowest : intervals;

        _scheduler = scheduler;
        _own = new SlowPathScheduler(1, "orc-health");
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? LogManager.GetLogger("Orchestrator.Health");
    }

    /// <summary>Raised after every check with its snapshot (on the monitor's thread).</summary>
    public event EventHandler<HealthSnapshot>? SnapshotPublished;

    /// <summary>Raised when a component's state changes, or it turns critical (on the monitor's thread).</summary>
    public event EventHandler<HealthStateChange>? StateChanged;

    /// <summary>The latest snapshot; <see cref="HealthSnapshot.Empty"/> before the first check.</summary>
    // Volatile: written by the check on the monitor's thread, read by anyone (control API, display).
    public HealthSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// The age past which a snapshot is stale: <see cref="StaleAfterIntervals"/> intervals, or one interval
    /// plus the probe and restart timeouts (the longest a check may take) when that is longer.
    /// </summary>
    public TimeSpan StaleAfter { get; }

    /// <summary>How long ago <paramref name="snapshot"/> was taken, by the monitor's clock.</summary>
    public TimeSpan AgeOf(HealthSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return _time.GetUtcNow() - snapshot.TakenAt;
    }

    /// <summary>Whether <paramref name="snapshot"/> is a taken one older than <see cref="StaleAfter"/> (the monitor has stopped checking).</summary>
    public bool IsStale(HealthSnapshot snapshot) => snapshot is { Version: > 0 } && AgeOf(snapshot) > StaleAfter;

    /// <summary>Watches <paramref name="agent"/>: heartbeat, probe, restart. Its name must be unique among components.</summary>
    public void AddAgent(IAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_registrationLock)
        {
            Claim(agent.Name);
            _agents.Add(new AgentWatch(agent));
        }
    }

    /// <summary>
    /// Adds a component check, run every interval and bounded by <see cref="HealthMonitorOptions.ProbeTimeout"/>.
    /// It returns the component's verdict (<see cref="ComponentHealth.Of"/>); throwing or hanging makes it Unhealthy with the reason.
    /// </summary>
    public void AddCheck(string name, Func<CancellationToken, Task<ComponentHealth>> check)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(check);
        lock (_registrationLock)
        {
            Claim(name);
            _checks.Add(new(name, check));
        }
    }

    /// <summary>Adds a callback that releases memory (trims a cache); called when memory is over the threshold, before the collection.</summary>
    public void AddTrimCallback(Action trim)
    {
        ArgumentNullException.ThrowIfNull(trim);
        lock (_registrationLock)
        {
            _trimCallbacks.Add(trim);
        }
    }

    /// <summary>Starts checking: once now, then every interval, on the monitor's own thread.</summary>
    public void Start()
    {
        lock (_registrationLock)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_loop is not null)
            {
                throw new InvalidOperationException("the health monitor is already running");
            }

            // The timer exists before Start returns, so a clock advanced right after Start is seen.
            _timer = new PeriodicTimer(_options.Interval, _time);
            PeriodicTimer timer = _timer;
            CancellationToken stop = _stop.Token;
            _loop = _own.Run(() => LoopAsync(timer, stop));
        }
    }

    /// <summary>Runs one check now (after any check in progress) on the monitor's thread and returns its snapshot.</summary>
    public Task<HealthSnapshot> CheckNowAsync(CancellationToken cancellationToken = default) =>
        _own.Run(() => CheckAsync(cancellationToken));

    /// <summary>Stops the periodic checks and waits for the one in progress.</summary>
    public async Task StopAsync()
    {
        Task? loop;
        lock (_registrationLock)
        {
            loop = _loop;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _timer?.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Interlocked: dispose once, whoever calls first.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _own.Dispose();
        _stop.Dispose();
        _gate.Dispose();
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new ArgumentException($"a health component named '{name}' is already registered", nameof(name));
        }
    }

    // Awaits inside the monitor use ConfigureAwait(true) on purpose: they must continue on the
    // monitor's own thread (the current TaskScheduler), never on a timer or I/O thread, nor wait
    // for a turn on the slow-path pool.
    private async Task LoopAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            do
            {
                try
                {
                    await CheckAsync(cancellationToken).ConfigureAwait(true);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    _logger.Error(ex, "Health check failed");
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(true));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task<HealthSnapshot> CheckAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(true);
        try
        {
            AgentWatch[] agents;
            KeyValuePair<string, Func<CancellationToken, Task<ComponentHealth>>>[] checks;
            Action[] trims;
            lock (_registrationLock)
            {
                agents = [.. _agents];
                checks = [.. _checks];
                trims = [.. _trimCallbacks];
            }

            // Started together; each is bounded by its own timeout.
            Task<(ComponentHealth Health, bool Critical)>[] agentChecks = [.. agents.Select(a => CheckAgentAsync(a, cancellationToken))];
            Task<ComponentHealth>[] componentChecks = [.. checks.Select(c => CheckComponentAsync(c.Key, c.Value, cancellationToken))];
            (ComponentHealth processHealth, ProcessSample sample) = CheckProcess(trims);

            var results = new List<(ComponentHealth Health, bool Critical)>(agents.Length + checks.Length + 1);
            foreach (Task<(ComponentHealth, bool)> check in agentChecks)
            {
                results.Add(await check.ConfigureAwait(true));
            }

            foreach (Task<ComponentHealth> check in componentChecks)
            {
                results.Add((await check.ConfigureAwait(true), false));
            }

            results.Add((processHealth, false));
            return Publish(results, sample);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(ComponentHealth Health, bool Critical)> CheckAgentAsync(AgentWatch watch, CancellationToken cancellationToken)
    {
        IAgent agent = watch.Agent;
        string? problem = null;
        try
        {
            await RunBoundedAsync(agent.ProbeAsync, _options.ProbeTimeout, cancellationToken).ConfigureAwait(true);
        }
        catch (TimeoutException)
        {
            problem = "probe did not answer within " + Format(_options.ProbeTimeout);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            problem = "probe failed: " + ex.Message;
        }

        // Measured after the probe: an agent that answers it counts as alive (IAgent.LastHeartbeat).
        TimeSpan age = _time.GetUtcNow() - agent.LastHeartbeat;
        if (problem is null && age > _options.HeartbeatDeadline)
        {
            problem = $"last heartbeat {Format(age)} ago, deadline {Format(_options.HeartbeatDeadline)}";
        }

        // Not ours to restart (an external agent that disconnected or went silent): Degraded with the
        // reason, no restart attempts, no restart budget, so no CRITICAL for an agent that simply left.
        if (problem is not null && !agent.Restartable)
        {
            return (ComponentHealth.Of(agent.Name, HealthState.Degraded, problem + "; not restarted (not restartable by the daemon)"), false);
        }

        if (problem is not null)
        {
            return await RestartAsync(watch, problem, cancellationToken).ConfigureAwait(true);
        }

        // Alive but its work fails every time (a model answering 429): Degraded, not restarted (a restart does not cure that).
        return agent.FailingWork is { } failing
            ? (ComponentHealth.Of(agent.Name, HealthState.Degraded, "work failing: " + failing), false)
            : (ComponentHealth.Of(agent.Name, HealthState.Healthy), false);
    }

    private async Task<(ComponentHealth Health, bool Critical)> RestartAsync(AgentWatch watch, string problem, CancellationToken cancellationToken)
    {
        IAgent agent = watch.Agent;
        DateTimeOffset now = _time.GetUtcNow();
        int used = watch.RestartsWithin(_options.RestartWindow, now);
        if (used >= _options.MaxRestarts)
        {
            string until = used == 0 ? "restarts are off (MaxRestarts 0)" : "no restart before " + (watch.OldestRestart + _options.RestartWindow).ToString("O", CultureInfo.InvariantCulture);
            return (Unhealthy(agent.Name, $"{problem}; restart budget spent ({used} in {Format(_options.RestartWindow)}), {until}"), true);
        }

        if (used > 0)
        {
            DateTimeOffset next = watch.LastRestart + Backoff(used);
            if (now < next)
            {
                return (Unhealthy(agent.Name, $"{problem}; next restart not before {next.ToString("O", CultureInfo.InvariantCulture)} (backoff)"), false);
            }
        }

        watch.RecordRestart(now);
        _logger.Warn("Restarting agent {0} ({1}); restart {2} of {3} in {4}", agent.Name, problem, used + 1, _options.MaxRestarts, Format(_options.RestartWindow));
        try
        {
            await RunBoundedAsync(agent.RestartAsync, _options.RestartTimeout, cancellationToken).ConfigureAwait(true);
            return (ComponentHealth.Of(agent.Name, HealthState.Degraded, "restarted after: " + problem), false);
        }
        catch (TimeoutException)
        {
            return (Unhealthy(agent.Name, $"{problem}; restart did not finish within {Format(_options.RestartTimeout)}"), false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (Unhealthy(agent.Name, $"{problem}; restart failed: {ex.Message}"), false);
        }
    }

    /// <summary>The wait before restart number <paramref name="done"/> + 1: the base doubled per restart done, capped.</summary>
    private TimeSpan Backoff(int done)
    {
        double ticks = _options.RestartBackoff.Ticks * Math.Pow(2, done - 1);
        return ticks >= _options.RestartBackoffMax.Ticks ? _options.RestartBackoffMax : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<ComponentHealth> CheckComponentAsync(string name, Func<CancellationToken, Task<ComponentHealth>> check, CancellationToken cancellationToken)
    {
        try
        {
            ComponentHealth? health = await RunBoundedAsync(check, _options.ProbeTimeout, cancellationToken).ConfigureAwait(true);
            return health is null ? Unhealthy(name, "the check returned nothing") : health with { Name = name };
        }
        catch (TimeoutException)
        {
            return Unhealthy(name, "the check did not finish within " + Format(_options.ProbeTimeout));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Unhealthy(name, "the check failed: " + ex.Message);
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> on the slow-path pool and waits at most <paramref name="timeout"/>; the
    /// call's token is canceled at the timeout. A call that does not finish in time — hung, or still queued
    /// behind a saturated pool — is a <see cref="TimeoutException"/> even if it ignores its token (it is left
    /// behind, and its outcome is ignored); the wait itself continues on the monitor's thread.
    /// </summary>
    private async Task<T> RunBoundedAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The timeout starts before the call does, so a test clock advanced once the call has begun fires it.
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        CancellationToken token = linked.Token;
        try
        {
            return await _scheduler.Run(() => call(token)).WaitAsync(token).ConfigureAwait(true);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("did not finish within " + Format(timeout));
        }
    }

    private Task<bool> RunBoundedAsync(Func<CancellationToken, Task> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunBoundedAsync(
            async token =>
            {
                await call(token).ConfigureAwait(true);
                return true;
            },
            timeout,
            cancellationToken);

    private (ComponentHealth Health, ProcessSample Sample) CheckProcess(Action[] trims)
    {
        // Environment's figures, not a Process object: that one reads every thread's /proc entry (tens of
        // KB of garbage per check in a daemon that must not collect in steady state); CpuUsage allocates nothing.
        long workingSet = Environment.WorkingSet;
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        double? cpu = SampleCpu(Environment.CpuUsage.TotalTime);
        var problems = new List<string>();
        bool trimmed = false;

        long threshold = _options.MemoryThresholdBytes;
        if (threshold > 0 && (workingSet > threshold || heap > threshold))
        {
            _logger.Warn(
                "Memory over the threshold of {0:N0} bytes (working set {1:N0}, GC heap {2:N0}): trimming ({3} callbacks) and collecting",
                threshold, workingSet, heap, trims.Length);
            foreach (Action trim in trims)
            {
                try
                {
                    trim();
                }
                catch (Exception ex)
                {
                    _logger.Error(ex, "A memory trim callback failed");
                }
            }

            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            long workingSetAfter = Environment.WorkingSet;
            long heapAfter = GC.GetTotalMemory(forceFullCollection: false);
            _logger.Info(
                "After trimming: working set {0:N0} bytes (was {1:N0}), GC heap {2:N0} (was {3:N0})",
                workingSetAfter, workingSet, heapAfter, heap);
            workingSet = workingSetAfter;
            heap = heapAfter;
            trimmed = true;
            if (workingSet > threshold || heap > threshold)
            {
                problems.Add($"memory over the threshold after trimming (working set {workingSet:N0}, GC heap {heap:N0}, threshold {threshold:N0} bytes)");
            }
        }

        if (cpu >= _options.CpuDegradedPercent)
        {
            problems.Add($"CPU {cpu:F0}% since the last check");
        }

        ComponentHealth health = problems.Count == 0
            ? ComponentHealth.Of(ProcessComponent, HealthState.Healthy)
            : ComponentHealth.Of(ProcessComponent, HealthState.Degraded, string.Join("; ", problems));
        return (health, new ProcessSample(workingSet, heap, cpu, trimmed));
    }

    /// <summary>The process's CPU use since the previous sample, as a percentage of all processors.</summary>
    private double? SampleCpu(TimeSpan cpuTime)
    {
        if (!_options.SampleCpu)
        {
            return null;
        }

        long now = _time.GetTimestamp();
        double? percent = null;
        if (_cpuSampled)
        {
            TimeSpan wall = _time.GetElapsedTime(_lastCpuTimestamp, now);
            if (wall > TimeSpan.Zero)
            {
                percent = Math.Clamp((cpuTime - _lastCpuTime) / wall / Environment.ProcessorCount * 100, 0, 100);
            }
        }

        _lastCpuTime = cpuTime;
        _lastCpuTimestamp = now;
        _cpuSampled = true;
        return percent;
    }

    private HealthSnapshot Publish(List<(ComponentHealth Health, bool Critical)> results, ProcessSample sample)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var components = new ComponentHealth[results.Count];
        var changes = new List<HealthStateChange>();
        for (int i = 0; i < results.Count; i++)
        {
            (ComponentHealth health, bool critical) = results[i];
            ComponentHealth? previous = _last.GetValueOrDefault(health.Name);
            HealthState before = previous?.State ?? HealthState.Unknown;
            int failures = health.State == HealthState.Healthy ? 0 : (previous?.ConsecutiveFailures ?? 0) + 1;
            ComponentHealth final = health with { CheckedAt = now, ConsecutiveFailures = failures };
            components[i] = final;
            _last[final.Name] = final;

            bool escalated = critical && !_critical.Contains(final.Name);
            if (critical)
            {
                _critical.Add(final.Name);
            }
            else
            {
                _critical.Remove(final.Name);
            }

            if (before != final.State || escalated)
            {
                changes.Add(new HealthStateChange(final.Name, before, final.State, final.Detail, critical, now));
            }
        }

        var snapshot = new HealthSnapshot(Worst(components), components, sample, now, Interlocked.Increment(ref _version));

        // Volatile: readers on other threads see a fully built snapshot.
        Volatile.Write(ref _current, snapshot);

        foreach (HealthStateChange change in changes)
        {
            Log(change);
            Raise(StateChanged, change);
        }

        Raise(SnapshotPublished, snapshot);
        return snapshot;
    }

    private void Log(HealthStateChange change)
    {
        switch (change.Current)
        {
            case HealthState.Healthy when change.Previous is HealthState.Degraded or HealthState.Unhealthy:
                _logger.Info("Health: {0} recovered ({1} -> Healthy)", change.Component, change.Previous);
                break;
            case HealthState.Healthy:
                _logger.Info("Health: {0} is healthy", change.Component);
                break;
            case HealthState.Unhealthy when change.Critical:
                _logger.Fatal("Health: {0} {1} -> Unhealthy, giving up on recovery: {2}", change.Component, change.Previous, change.Detail);
                break;
            case HealthState.Unhealthy:
                _logger.Error("Health: {0} {1} -> Unhealthy: {2}", change.Component, change.Previous, change.Detail);
                break;
            default:
                _logger.Warn("Health: {0} {1} -> {2}: {3}", change.Component, change.Previous, change.Current, change.Detail);
                break;
        }
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            _logger.Error(ex, "A health event handler failed");
        }
    }

    private static HealthState Worst(IEnumerable<ComponentHealth> components)
    {
        HealthState worst = HealthState.Healthy;
        foreach (ComponentHealth component in components)
        {
            if (Rank(component.State) > Rank(worst))
            {
                worst = component.State;
            }
        }

        return worst;
    }

    private static int Rank(HealthState state) => state switch
    {
        HealthState.Healthy => 0,
        HealthState.Unknown => 1,
        HealthState.Degraded => 2,
        _ => 3,
    };

    private static ComponentHealth Unhealthy(string name, string detail) => ComponentHealth.Of(name, HealthState.Unhealthy, detail);

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
