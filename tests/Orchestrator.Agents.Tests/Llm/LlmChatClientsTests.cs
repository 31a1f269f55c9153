using System.Globalization;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>
/// Issue 18: every provider's client as <see cref="LlmChatClients.Create(LlmStrategyOptions, LlmCallMetrics?)"/>
/// builds it, over real HTTP on loopback against <see cref="FakeModelServer"/> (both wire formats):
/// answers and tool calls parse, retries honour Retry-After within the call's timeout, and every call
/// lands in <see cref="LlmCallMetrics"/> with its kind.
/// </summary>
public sealed class LlmChatClientsTests : IAsyncLifetime
{
    public const string Key = "sk-llm-THIS-KEY-MUST-NEVER-BE-SEEN-9876543210";

    /// <summary>So long that a call that finishes did not wait for the backoff: only the server's Retry-After can have let it through.</summary>
    private static readonly LlmRetryPolicy s_onlyRetryAfter = new(4, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    /// <summary>Retries with (next to) no wait.</summary>
    private static readonly LlmRetryPolicy s_quick = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));

    private readonly LlmCallMetrics _metrics = new();
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<LlmProvider> Providers => [LlmProvider.OpenAiCompatible, LlmProvider.OpenAi, LlmProvider.Anthropic];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Answer_ParsesTextAndUsage_RecordsTokensAndCost(LlmProvider provider)
    {
        _server.EnqueueText("the model's answer");
        using IChatClient chat = Create(provider);

        ChatResponse response = await chat.GetResponseAsync([new(ChatRole.System, "be brief"), new(ChatRole.User, "hello model")]);

        Assert.Equal("the model's answer", response.Text);
        Assert.Equal(_server.InputTokens, response.Usage?.InputTokenCount);
        Assert.Equal(_server.OutputTokens, response.Usage?.OutputTokenCount);
        ModelRequest request = Assert.Single(_server.Requests);
        Assert.Equal(provider == LlmProvider.Anthropic ? ModelWireFormat.Anthropic : ModelWireFormat.OpenAi, request.Format);
        Assert.Equal("model-x", request.Model);
        Assert.Contains("be brief", request.MessagesText, StringComparison.Ordinal);
        Assert.Contains("hello model", request.MessagesText, StringComparison.Ordinal);
        Assert.Equal(Key, request.Credential);
        Assert.DoesNotContain(request.Headers.Values, v => v.Contains(Key, StringComparison.Ordinal));

        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal(("agent_x", LlmChatClients.ProviderName(provider), "model-x"), (stats.Agent, stats.Provider, stats.Model));
        Assert.Equal(1, stats.Calls);
        Assert.Empty(stats.Failures);
        Assert.Equal((120L, 30L), (stats.InputTokens, stats.OutputTokens));
        Assert.Equal((120m * 3m / 1_000_000m) + (30m * 15m / 1_000_000m), stats.EstimatedCost);
        Assert.Equal(1, stats.LatencyBucketCounts.Sum());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ToolCall_ArrivesAsAFunctionCall_WithItsArguments_AndTheToolsAreSent(LlmProvider provider)
    {
        _server.EnqueueToolCall("get_positions", """{"symbol":"NVDA","limit":2}""");
        using IChatClient chat = Create(provider);
        AIFunction tool = AIFunctionFactory.Create((string symbol, int limit) => "unused", "get_positions", "Positions of a symbol");

        ChatResponse response = await chat.GetResponseAsync("what do we hold?", new ChatOptions { Tools = [tool] });

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_positions", call.Name);
        Assert.Equal("NVDA", call.Arguments!["symbol"]!.ToString());
        Assert.Equal("2", Convert.ToString(call.Arguments!["limit"], CultureInfo.InvariantCulture));
        Assert.Equal(["get_positions"], Assert.Single(_server.Requests).ToolNames);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RateLimitStorm_RetryAfterZero_IsHonoured_ThenCountedAsRateLimited(LlmProvider provider)
    {
        for (int i = 0; i < s_onlyRetryAfter.MaxAttempts; i++)
        {
            _server.EnqueueStatus(429, retryAfter: "0");
        }

        using IChatClient chat = Create(provider, retry: s_onlyRetryAfter);

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hi"));

        Assert.Equal(StrategyFailureKinds.RateLimited, error.Kind);
        Assert.Equal(429, error.Status);
        Assert.Equal(s_onlyRetryAfter.MaxAttempts, error.Attempts);
        Assert.StartsWith("HTTP 429", error.Message, StringComparison.Ordinal);
        Assert.Equal(s_onlyRetryAfter.MaxAttempts, _server.Requests.Count);
        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal(1, stats.Calls); // the retries are one call
        Assert.Equal(1, stats.Failures[StrategyFailureKinds.RateLimited]);
        Assert.Equal(1, stats.ConsecutiveFailures);
    }

    [Fact]
    public async Task RateLimited_RetryAfterAsAnHttpDate_InThePast_IsHonoured_AndTheCallSucceeds()
    {
        string past = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("R", CultureInfo.InvariantCulture);
        _server.EnqueueStatus(429, retryAfter: past).EnqueueStatus(429, retryAfter: past).EnqueueText("finally");
        using IChatClient chat = Create(LlmProvider.Anthropic, retry: s_onlyRetryAfter);

        ChatResponse response = await chat.GetResponseAsync("hi");

        Assert.Equal("finally", response.Text);
        Assert.Equal(3, _server.Requests.Count);
        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal(1, stats.Calls);
        Assert.Empty(stats.Failures);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RetryAfter_LongerThanTheCallsTimeout_FailsAtOnce_AsRateLimited(LlmProvider provider)
    {
        _server.EnqueueStatus(429, retryAfter: "120");
        using IChatClient chat = Create(provider, retry: s_quick, timeout: TimeSpan.FromSeconds(20));

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hi"));

        Assert.Equal(StrategyFailureKinds.RateLimited, error.Kind);
        Assert.Contains("past the call's timeout", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        Assert.Equal(1, Assert.Single(_metrics.Snapshot()).Failures[StrategyFailureKinds.RateLimited]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ServerErrors_ThenAnAnswer_AreRetried_AndTheCallSucceeds(LlmProvider provider)
    {
        _server.EnqueueStatus(503).EnqueueStatus(500).EnqueueText("recovered");
        using IChatClient chat = Create(provider, retry: s_quick);

        ChatResponse response = await chat.GetResponseAsync("hi");

        Assert.Equal("recovered", response.Text);
        Assert.Equal(3, _server.Requests.Count);
        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal((1L, 0), (stats.Calls, stats.ConsecutiveFailures));
        Assert.Empty(stats.Failures);
    }

    [Fact]
    public async Task ClientError_IsNotRetried_CountedAsHttpError_WithTheErrorTypeOnly()
    {
        _server.EnqueueStatus(401, body: "{\"error\":{\"message\":\"Incorrect API key provided: " + Key + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        using IChatClient chat = Create(LlmProvider.OpenAiCompatible, retry: s_quick);

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hi"));

        Assert.Equal((StrategyFailureKinds.HttpError, 401), (error.Kind, error.Status));
        Assert.Equal("HTTP 401 Unauthorized (invalid_request_error)", error.Message);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HtmlErrorPage_IsRetried_ThenAClearCountedError(LlmProvider provider)
    {
        _server.EnqueueHtmlError(502).EnqueueHtmlError(502).EnqueueHtmlError(502);
        using IChatClient chat = Create(provider, retry: s_quick);

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hi"));

        Assert.Equal((StrategyFailureKinds.HttpError, 502), (error.Kind, error.Status));
        Assert.Equal("HTTP 502 Bad Gateway: an HTML page (\"502 Bad Gateway\") instead of the API's JSON, after 3 attempts", error.Message);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(1, Assert.Single(_metrics.Snapshot()).Failures[StrategyFailureKinds.HttpError]);
    }

    [Fact]
    public async Task HtmlPage_With200_IsNotTheApi_FailsAtOnce_NamingTheEndpoint()
    {
        _server.EnqueueHtmlError(200);
        using IChatClient chat = Create(LlmProvider.OpenAiCompatible, retry: s_quick);

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hi"));

        Assert.Equal(StrategyFailureKinds.HttpError, error.Kind);
        Assert.Contains("an HTML page", error.Message, StringComparison.Ordinal);
        Assert.Contains("is the endpoint the API's base URL?", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Hang_EndsAtTheCallersTimeout_CountedAsTimeout(LlmProvider provider)
    {
        _server.EnqueueHang();
        using IChatClient chat = Create(provider, retry: s_quick, timeout: TimeSpan.FromMilliseconds(300));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)); // as every caller bounds a call

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chat.GetResponseAsync("hi", cancellationToken: timeout.Token));

        LlmAgentCallStats stats = Assert.Single(_metrics.Snapshot());
        Assert.Equal(1, stats.Failures[StrategyFailureKinds.Timeout]);
        Assert.Equal(1, stats.Calls);
    }

    [Fact]
    public async Task ServerUnreachable_CountsHttpError()
    {
        Uri gone = _server.OpenAiBaseUrl;
        await _server.DisposeAsync();
        _server = await FakeModelServer.StartAsync();
        using IChatClient chat = Create(LlmProvider.OpenAiCompatible, retry: LlmRetryPolicy.None, endpoint: gone);

        await Assert.ThrowsAnyAsync<Exception>(() => chat.GetResponseAsync("hi"));

        Assert.Equal(1, Assert.Single(_metrics.Snapshot()).Failures[StrategyFailureKinds.HttpError]);
    }

    [Theory]
    [InlineData("https://api.anthropic.com", "https://api.anthropic.com")]
    [InlineData("https://api.anthropic.com/", "https://api.anthropic.com")]
    [InlineData("https://api.anthropic.com/v1", "https://api.anthropic.com")]
    [InlineData("http://127.0.0.1:8080/proxy/v1/", "http://127.0.0.1:8080/proxy")]
    public void AnthropicBaseUrl_DropsATrailingV1(string endpoint, string expected) =>
        Assert.Equal(expected, LlmChatClients.AnthropicBaseUrl(new Uri(endpoint)));

    private IChatClient Create(LlmProvider provider, LlmRetryPolicy? retry = null, TimeSpan? timeout = null, Uri? endpoint = null) =>
        LlmChatClients.Create(Options(provider, retry, timeout, endpoint), _metrics);

    private LlmStrategyOptions Options(LlmProvider provider, LlmRetryPolicy? retry, TimeSpan? timeout, Uri? endpoint) => new()
    {
        Provider = provider,
        AgentName = "agent_x",
        Endpoint = endpoint ?? (provider == LlmProvider.Anthropic ? _server.AnthropicBaseUrl : _server.OpenAiBaseUrl),
        Model = "model-x",
        ApiKey = Key,
        Timeout = timeout ?? TimeSpan.FromSeconds(20),
        Retry = retry ?? LlmRetryPolicy.None,
        InputPricePerMillionTokens = 3m,
        OutputPricePerMillionTokens = 15m,
    };
}
