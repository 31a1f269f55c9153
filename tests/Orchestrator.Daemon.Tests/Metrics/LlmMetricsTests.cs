using System.Net.Http.Headers;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Health;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests.Metrics;

/// <summary>
/// Issue 18: the LLM agents' calls in <c>/metrics</c> (calls, failures by kind, a latency histogram,
/// tokens, estimated cost per agent) and in the health of the agent host (degraded after repeated
/// failures) — a session, the control API and a fake model server, all on loopback.
/// </summary>
public sealed class LlmMetricsTests : IAsyncLifetime
{
    private const string Key = "sk-metrics-THIS-KEY-MUST-NEVER-BE-SEEN-5555";
    private static readonly Secret s_token = new("test-token", "test");
    private readonly List<IAsyncDisposable> _disposables = [];
    private TradingSession _session = null!;
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 0, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        _session.Start("test");
        _server = await FakeModelServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        for (int i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        await _server.DisposeAsync();
        _session.Stop();
        _session.Dispose();
    }

    [Fact]
    public async Task Metrics_CarryEachLlmAgentsCalls_Failures_Latency_Tokens_AndCost_ButNeverTheKey()
    {
        var calls = new LlmCallMetrics();
        using var metrics = new OrchestratorMetrics(_session);
        metrics.ObserveLlmCalls(calls);
        using IChatClient claude = LlmChatClients.Create(Options("claude_agent", LlmProvider.Anthropic, _server.AnthropicBaseUrl, 3m, 15m), calls);
        using IChatClient gemini = LlmChatClients.Create(Options("gemini_agent", LlmProvider.OpenAiCompatible, _server.OpenAiBaseUrl, null, null), calls);
        _server.EnqueueText("one", model: "claude_agent-model").EnqueueText("two", model: "claude_agent-model");
        _server.EnqueueStatus(400, body: "{\"error\":{\"message\":\"bad key " + Key + "\",\"type\":\"invalid_request_error\"}}", model: "gemini_agent-model");
        await claude.GetResponseAsync("a");
        await claude.GetResponseAsync("b");
        await Assert.ThrowsAsync<LlmHttpException>(() => gemini.GetResponseAsync("c"));

        string text = await ScrapeAsync(metrics);
        PrometheusText scraped = PrometheusText.Parse(text);

        Assert.Equal(2, scraped.Value("orchestrator_llm_calls_total", ("agent", "claude_agent"), ("provider", "anthropic"), ("model", "claude_agent-model")));
        Assert.Equal(1, scraped.Value("orchestrator_llm_calls_total", ("agent", "gemini_agent"), ("provider", "openai_compatible"), ("model", "gemini_agent-model")));
        Assert.Equal(1, scraped.Value("orchestrator_llm_failures_total", ("agent", "gemini_agent"), ("kind", "http_error")));
        Assert.False(scraped.Has("orchestrator_llm_failures_total", ("agent", "claude_agent"), ("kind", "http_error")));
        Assert.Equal(240, scraped.Value("orchestrator_llm_input_tokens_total", ("agent", "claude_agent")));
        Assert.Equal(60, scraped.Value("orchestrator_llm_output_tokens_total", ("agent", "claude_agent")));
        Assert.Equal(0, scraped.Value("orchestrator_llm_input_tokens_total", ("agent", "gemini_agent")));
        Assert.Equal((double)((240m * 3m / 1_000_000m) + (60m * 15m / 1_000_000m)), scraped.Value("orchestrator_llm_estimated_cost_total", ("agent", "claude_agent")), precision: 12);
        Assert.False(scraped.Has("orchestrator_llm_estimated_cost_total", ("agent", "gemini_agent"))); // no price, no estimate
        Assert.Equal(1, scraped.Value("orchestrator_llm_consecutive_failures", ("agent", "gemini_agent")));

        Assert.Equal("histogram", scraped.Types["orchestrator_llm_call_duration_seconds"]);
        Assert.Equal(2, scraped.Value("orchestrator_llm_call_duration_seconds_bucket", ("agent", "claude_agent"), ("le", "+Inf")));
        Assert.Equal(2, scraped.Value("orchestrator_llm_call_duration_seconds_count", ("agent", "claude_agent")));
        Assert.True(scraped.Value("orchestrator_llm_call_duration_seconds_sum", ("agent", "claude_agent")) > 0);
        List<(Dictionary<string, string> Labels, double Value)> buckets = [.. scraped.Series("orchestrator_llm_call_duration_seconds_bucket").Where(s => s.Labels["agent"] == "claude_agent")];
        Assert.Equal(LlmCallMetrics.LatencyBucketsSeconds.Count + 1, buckets.Count);
        Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value)); // cumulative

        Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentHost_LlmAgentWhoseCallsFailRepeatedly_IsDegraded_UntilACallSucceeds()
    {
        var settings = new AgentSettings { SnapshotInterval = TimeSpan.FromMilliseconds(50), BarLength = TimeSpan.FromSeconds(1) };
        AgentHost agents = AgentHost.Start(_session, settings, null, null);
        _disposables.Add(agents);
        using IChatClient chat = LlmChatClients.Create(Options("gemini_agent", LlmProvider.OpenAi, _server.OpenAiBaseUrl, null, null), agents.LlmCalls);
        for (int i = 0; i < LlmCallMetrics.DegradedAfter; i++)
        {
            _server.EnqueueStatus(429);
        }

        for (int i = 1; i < LlmCallMetrics.DegradedAfter; i++)
        {
            await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("x"));
        }

        Assert.Equal(HealthState.Healthy, LlmComponent(await agents.Health.CheckNowAsync()).State); // a failure or two is noise

        await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("x"));
        HealthSnapshot failing = await agents.Health.CheckNowAsync();
        ComponentHealth degraded = LlmComponent(failing);
        Assert.Equal(HealthState.Degraded, degraded.State);
        Assert.Contains("its last 3 model calls failed, the latest: rate_limited", degraded.Detail, StringComparison.Ordinal);

        await chat.GetResponseAsync("x");
        Assert.Equal(HealthState.Healthy, LlmComponent(await agents.Health.CheckNowAsync()).State);
    }

    private static ComponentHealth LlmComponent(HealthSnapshot snapshot) =>
        Assert.Single(snapshot.Components, c => c.Name == AgentHost.LlmHealthComponent("gemini_agent"));

    private async Task<string> ScrapeAsync(OrchestratorMetrics metrics)
    {
        ControlApi api = await ControlApi.StartAsync(_session, null, s_token, 0, new ObservabilityEndpoints(_session, metrics, null, Unauthenticated: false), CancellationToken.None);
        _disposables.Add(api);
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        return await http.GetStringAsync(new Uri(ObservabilityEndpoints.MetricsPath, UriKind.Relative));
    }

    private static LlmStrategyOptions Options(string agent, LlmProvider provider, Uri endpoint, decimal? inPrice, decimal? outPrice) => new()
    {
        AgentName = agent,
        Provider = provider,
        Endpoint = endpoint,
        Model = agent + "-model",
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(20),
        Retry = LlmRetryPolicy.None,
        InputPricePerMillionTokens = inPrice,
        OutputPricePerMillionTokens = outPrice,
    };
}
