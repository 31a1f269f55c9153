using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Health;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>/metrics and /health over real HTTP on loopback, against a paper session trading on the synthetic feed.</summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private static readonly Secret s_token = new("test-token", "test");
    private readonly List<IAsyncDisposable> _apis = [];
    private TradingSession? _session;
    private OrchestratorMetrics? _metrics;

    private TradingSession Session => _session!;

    public Task InitializeAsync()
    {
        _session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        _session.Start("test");
        _metrics = new OrchestratorMetrics(_session);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable api in _apis)
        {
            await api.DisposeAsync();
        }

        _metrics?.Dispose();
        _session?.Stop();
        _session?.Dispose();
    }

    private async Task<HttpClient> StartApiAsync(bool unauthenticated, HealthMonitor? health = null, bool withToken = true)
    {
        ControlApi api = await ControlApi.StartAsync(Session, null, s_token, 0, new ObservabilityEndpoints(Session, _metrics!, health, unauthenticated), CancellationToken.None);
        _apis.Add(api);
        var http = new HttpClient { BaseAddress = api.BaseAddress };
        if (withToken)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        }

        return http;
    }

    /// <summary>Waits (with a hang guard) until the engine has filled some orders.</summary>
    private async Task WaitForTradingAsync()
    {
        using var guard = new CancellationTokenSource(s_hang);
        while (Session.Engine.Counters.Fills < 3)
        {
            await Task.Delay(10, guard.Token); // polling a condition; the guard only stops a hang
        }
    }

    [Fact]
    public async Task Metrics_AfterSomeTrading_ParseAsPrometheusText_AndCarryTheNamedSeries()
    {
        using HttpClient http = await StartApiAsync(unauthenticated: false);
        await WaitForTradingAsync();
        long eventsBefore = Session.Engine.Counters.Events;
        long fillsBefore = Session.Engine.Counters.Fills;
        long rejectsBefore = Session.Engine.Counters.TotalRejects;

        HttpResponseMessage response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        PrometheusText metrics = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("counter", metrics.Types["orchestrator_engine_events_total"]);
        Assert.True(metrics.Value("orchestrator_engine_events_total") >= eventsBefore);
        Assert.True(metrics.Value("orchestrator_engine_fills_total") >= fillsBefore);
        Assert.True(metrics.Value("orchestrator_engine_orders_total") >= metrics.Value("orchestrator_engine_fills_total") / 10); // orders were sent (partial fills allowed)
        Assert.True(metrics.Value("orchestrator_engine_orders_total") > 0);
        Assert.True(metrics.Value("orchestrator_engine_ticks_total") > 0);
        Assert.True(metrics.Value("orchestrator_engine_signals_total", ("source", "rule")) > 0);
        Assert.True(metrics.Has("orchestrator_engine_signals_total", ("source", "external")));

        // rejects: one series per reason, and together they are the engine's total (read before the scrape, so at least that)
        List<(Dictionary<string, string> Labels, double Value)> rejects = metrics.Series("orchestrator_engine_rejects_total");
        Assert.Contains(rejects, r => r.Labels["reason"] == "max_daily_loss");
        Assert.Contains(rejects, r => r.Labels["reason"] == "insufficient_buying_power");
        Assert.DoesNotContain(rejects, r => r.Labels["reason"] == "none");
        Assert.True(rejects.Sum(r => r.Value) >= rejectsBefore);

        Assert.Equal("gauge", metrics.Types["orchestrator_engine_equity"]);
        Assert.True(metrics.Value("orchestrator_engine_equity") > 0);
        Assert.True(metrics.Value("orchestrator_engine_cash") > 0);
        Assert.InRange(metrics.Value("orchestrator_engine_positions"), 0, Session.Engine.Symbols.Count);
        Assert.Equal(Session.Engine.Symbols.Count, metrics.Series("orchestrator_engine_position_quantity").Count);
        Assert.True(metrics.Has("orchestrator_engine_position_quantity", ("symbol", Session.Engine.Symbols.GetName(0))));
        Assert.True(metrics.Value("orchestrator_engine_open_orders") >= 0);
        Assert.Equal(0, metrics.Value("orchestrator_engine_kill_switch"));

        double capacity = metrics.Value("orchestrator_engine_ring_capacity", ("ring", "inbound"));
        Assert.Equal(Session.Engine.Inbound.BufferSize, capacity);
        Assert.InRange(metrics.Value("orchestrator_engine_ring_occupancy", ("ring", "inbound")), 0, capacity);
        Assert.InRange(metrics.Value("orchestrator_engine_ring_occupancy", ("ring", "outbound")), 0, Session.Engine.Outbound.BufferSize);

        double p50 = metrics.Value("orchestrator_engine_order_latency_microseconds", ("quantile", "0.5"));
        double p99 = metrics.Value("orchestrator_engine_order_latency_microseconds", ("quantile", "0.99"));
        Assert.True(p50 > 0);
        Assert.True(p99 >= p50);
        Assert.True(metrics.Value("orchestrator_engine_order_latency_samples_total") > 0);

        Assert.True(metrics.Value("orchestrator_broker_orders_received_total", ("venue", "paper")) > 0);
        Assert.True(metrics.Types.ContainsKey("orchestrator_feeds_last_event_time_seconds"));
        Assert.True(metrics.Types.ContainsKey("orchestrator_feeds_reconnects_total")); // no WebSocket link in a paper session: the family, no series

        Assert.True(metrics.Value("orchestrator_process_working_set_bytes") > 0);
        Assert.True(metrics.Value("orchestrator_process_gc_heap_size_bytes") > 0);
        Assert.True(metrics.Value("orchestrator_process_cpu_time_seconds_total") > 0);
        Assert.True(metrics.Has("orchestrator_process_gc_collections_total", ("generation", "gen0")));
        Assert.True(metrics.Has("orchestrator_process_gc_collections_total", ("generation", "gen2")));
    }

    [Fact]
    public async Task Metrics_CountersOnlyGrow_BetweenScrapes()
    {
        using HttpClient http = await StartApiAsync(unauthenticated: false);
        await WaitForTradingAsync();
        PrometheusText first = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        long target = (long)first.Value("orchestrator_engine_events_total") + 100;
        using var guard = new CancellationTokenSource(s_hang);
        while (Session.Engine.Counters.Events < target)
        {
            await Task.Delay(10, guard.Token);
        }

        PrometheusText second = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.True(second.Value("orchestrator_engine_events_total") >= target);
        Assert.True(second.Value("orchestrator_engine_fills_total") >= first.Value("orchestrator_engine_fills_total"));
    }

    [Fact]
    public async Task MetricsAndHealth_NeedTheToken_UnlessConfiguredOpen()
    {
        using HttpClient closed = await StartApiAsync(unauthenticated: false, withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        closed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        Assert.Equal(HttpStatusCode.OK, (await closed.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await closed.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);

        using HttpClient open = await StartApiAsync(unauthenticated: true, withToken: false);
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await open.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode); // only those two are open
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.GetAsync(new Uri("/metrics/../api/status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Health_WithoutAgents_ChecksEngineMarketDataAndBroker()
    {
        using HttpClient http = await StartApiAsync(unauthenticated: false);
        HttpResponseMessage response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", health.RootElement.GetProperty("overall").GetString());
        string[] names = [.. health.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
        Assert.Equal(["engine", "market_data", "broker"], names);
        Assert.All(health.RootElement.GetProperty("components").EnumerateArray(), c => Assert.NotEqual(default, c.GetProperty("checked_at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task Health_ReflectsAComponentGoingDown_AndComingBack()
    {
        using var pool = new SlowPathScheduler(1);
        await using var monitor = new HealthMonitor(pool);
        bool up = true;
        monitor.AddCheck("probe", _ => Task.FromResult(ComponentHealth.Of("probe", Volatile.Read(ref up) ? HealthState.Healthy : HealthState.Unhealthy, Volatile.Read(ref up) ? "up" : "connection refused")));
        using HttpClient http = await StartApiAsync(unauthenticated: true, health: monitor, withToken: false);

        await monitor.CheckNowAsync();
        (HttpStatusCode status, JsonElement probe, DateTimeOffset firstCheck) = await ProbeAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", probe.GetProperty("state").GetString());

        Volatile.Write(ref up, false);
        await monitor.CheckNowAsync();
        (status, probe, DateTimeOffset downCheck) = await ProbeAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", probe.GetProperty("state").GetString());
        Assert.Equal("connection refused", probe.GetProperty("detail").GetString());
        Assert.True(downCheck >= firstCheck);

        Volatile.Write(ref up, true);
        await monitor.CheckNowAsync();
        (status, probe, DateTimeOffset backCheck) = await ProbeAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", probe.GetProperty("state").GetString());
        Assert.True(backCheck >= downCheck);
    }

    /// <summary>
    /// Issue 17: a monitor that stopped checking left /health answering "healthy" from its last snapshot.
    /// The snapshot's age is reported, and past the monitor's StaleAfter (3 intervals here) it is 503, unhealthy.
    /// </summary>
    [Fact]
    public async Task Health_ReportsTheSnapshotsAge_AndIsUnhealthyOnceItIsStale()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        using var pool = new SlowPathScheduler(1);
        await using var monitor = new HealthMonitor(pool, new HealthMonitorOptions { Interval = TimeSpan.FromSeconds(30), ProbeTimeout = TimeSpan.FromSeconds(5), RestartTimeout = TimeSpan.FromSeconds(10) }, clock);
        monitor.AddCheck("probe", _ => Task.FromResult(ComponentHealth.Of("probe", HealthState.Healthy)));
        using HttpClient http = await StartApiAsync(unauthenticated: true, health: monitor, withToken: false);
        Assert.Equal(TimeSpan.FromSeconds(90), monitor.StaleAfter);

        HealthSnapshot taken = await monitor.CheckNowAsync();
        (HttpStatusCode fresh, JsonElement freshBody) = await HealthAsync(http);
        Assert.Equal(HttpStatusCode.OK, fresh);
        Assert.Equal(0, freshBody.GetProperty("snapshot_age_s").GetDouble());
        Assert.False(freshBody.GetProperty("stale").GetBoolean());
        Assert.Equal(90, freshBody.GetProperty("stale_after_s").GetDouble());

        clock.Now += TimeSpan.FromSeconds(90);
        (HttpStatusCode atLimit, JsonElement atLimitBody) = await HealthAsync(http);
        Assert.Equal(HttpStatusCode.OK, atLimit);
        Assert.Equal(90, atLimitBody.GetProperty("snapshot_age_s").GetDouble());

        clock.Now += TimeSpan.FromSeconds(1);
        (HttpStatusCode stale, JsonElement staleBody) = await HealthAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale);
        Assert.Equal("unhealthy", staleBody.GetProperty("overall").GetString());
        Assert.True(staleBody.GetProperty("stale").GetBoolean());
        Assert.Equal(91, staleBody.GetProperty("snapshot_age_s").GetDouble());
        Assert.Equal(taken.TakenAt, staleBody.GetProperty("taken_at").GetDateTimeOffset());
        Assert.Equal("healthy", staleBody.GetProperty("components")[0].GetProperty("state").GetString()); // what it last saw, kept

        await monitor.CheckNowAsync();
        (HttpStatusCode again, JsonElement againBody) = await HealthAsync(http);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.False(againBody.GetProperty("stale").GetBoolean());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(HttpClient http)
    {
        HttpResponseMessage response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        using JsonDocument health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, health.RootElement.Clone());
    }

    [Fact]
    public async Task AgentsMeter_ExportsEachComponentsHealthState()
    {
        using var pool = new SlowPathScheduler(1);
        await using var monitor = new HealthMonitor(pool);
        bool up = false;
        monitor.AddCheck("probe", _ => Task.FromResult(ComponentHealth.Of("probe", Volatile.Read(ref up) ? HealthState.Healthy : HealthState.Unhealthy)));
        using var metrics = new OrchestratorMetrics(Session, monitor);
        using var exporter = new PrometheusExporter(metrics.Meters);

        await monitor.CheckNowAsync();
        PrometheusText down = PrometheusText.Parse(exporter.Scrape());
        Assert.Equal((double)HealthState.Unhealthy, down.Value("orchestrator_agents_health_state", ("component", "probe")));
        Assert.Equal((double)HealthState.Unhealthy, down.Value("orchestrator_agents_health_overall"));

        Volatile.Write(ref up, true);
        await monitor.CheckNowAsync();
        PrometheusText back = PrometheusText.Parse(exporter.Scrape());
        Assert.Equal((double)HealthState.Healthy, back.Value("orchestrator_agents_health_state", ("component", "probe")));
        Assert.True(back.Value("orchestrator_agents_health_checks_total") > down.Value("orchestrator_agents_health_checks_total"));
    }

    [Fact]
    public void AgentsMeter_CountsMcpToolCalls_ByToolTransportAndOutcome()
    {
        using var metrics = new OrchestratorMetrics(Session);
        using var exporter = new PrometheusExporter(metrics.Meters);
        metrics.CountMcpToolCall("get_portfolio", "http", ok: true);
        metrics.CountMcpToolCall("get_portfolio", "http", ok: true);
        metrics.CountMcpToolCall("submit_signal", "stdio", ok: false);

        PrometheusText text = PrometheusText.Parse(exporter.Scrape());
        Assert.Equal(2, text.Value("orchestrator_mcp_tool_calls_total", ("tool", "get_portfolio"), ("transport", "http"), ("outcome", "ok")));
        Assert.Equal(1, text.Value("orchestrator_mcp_tool_calls_total", ("tool", "submit_signal"), ("transport", "stdio"), ("outcome", "error")));
    }

    [Fact]
    public void EngineMeter_CountsConsolidationOutcomes_WhenGroupsAreConfigured()
    {
        SessionOptions options = DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2000, WaitStrategyKind.Blocking);
        options = options with
        {
            Engine = options.Engine with
            {
                Consolidation = [new Engine.Options.ConsolidationGroup { Name = "g", Symbols = [options.Engine.Symbols[0]], Mode = Engine.Options.ConsolidationMode.Quorum, Quorum = 3, Window = TimeSpan.FromHours(1) }],
            },
        };
        using var session = new TradingSession(options, NullAuditWriter.Instance);
        session.Start("test");
        using var metrics = new OrchestratorMetrics(session);
        using var exporter = new PrometheusExporter(metrics.Meters);
        session.Engine.PublishSignal(0, Core.Side.Buy, 900_000, 0, 1, "alpha", null, 1);
        session.Engine.PublishSignal(0, Core.Side.Buy, 900_000, 0, 2, "beta", null, 2);
        Assert.True(session.Engine.WaitUntilQuiet(s_hang));

        PrometheusText text = PrometheusText.Parse(exporter.Scrape());
        session.Stop();

        Assert.Equal(2, text.Value("orchestrator_engine_consolidation_total", ("outcome", "held")));
        Assert.Equal(0, text.Value("orchestrator_engine_consolidation_total", ("outcome", "decided")));
        using var without = new OrchestratorMetrics(Session); // no groups: no series
        using var withoutExporter = new PrometheusExporter(without.Meters);
        Assert.False(PrometheusText.Parse(withoutExporter.Scrape()).Has("orchestrator_engine_consolidation_total"));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Probe, DateTimeOffset CheckedAt)> ProbeAsync(HttpClient http)
    {
        HttpResponseMessage response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        using JsonDocument health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement probe = health.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "probe").Clone();
        Assert.Equal(response.StatusCode == HttpStatusCode.ServiceUnavailable, health.RootElement.GetProperty("overall").GetString() == "unhealthy");
        return (response.StatusCode, probe, probe.GetProperty("checked_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("a_total 1")] // no TYPE
    [InlineData("# TYPE a counter\na{x=\"1} 1\n")] // unterminated label value
    [InlineData("# TYPE a counter\na 1\na 2\n")] // the same series twice
    [InlineData("# TYPE a counter\na one\n")] // not a number
    [InlineData("# TYPE a counter\n# TYPE b gauge\na 1\n")] // sample outside its block
    [InlineData("# TYPE 1a gauge\n1a 1\n")] // bad name
    public void TheTestParser_RejectsMalformedText(string text) =>
        Assert.Throws<FormatException>(() => PrometheusText.Parse(text));

    /// <summary>A clock the test sets; nothing here waits on its timers (checks are run by hand).</summary>
    private sealed class SettableClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public DateTimeOffset Now
        {
            get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
