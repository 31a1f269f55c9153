using NLog;
using NLog.Config;
using NLog.Targets;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Agents.Tests.Strategy;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Issue 18: the API key reaches the server and nothing else — not an error, a log line (retries included) or the metrics — whatever the server echoes.</summary>
[Collection(NLogCaptureCollection.Name)]
public sealed class LlmSecretTests : IAsyncLifetime
{
    private const string Key = LlmChatClientsTests.Key;
    private readonly MemoryTarget _log = new("memory") { Layout = "${level}|${logger}|${message}|${exception:format=tostring}" };
    private LoggingConfiguration? _previous;
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _previous = LogManager.Configuration;
        var config = new LoggingConfiguration();
        config.AddRuleForAllLevels(_log);
        LogManager.Configuration = config;
        _server = await FakeModelServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        LogManager.Configuration = _previous;
    }

    [Theory]
    [InlineData(LlmProvider.OpenAiCompatible)]
    [InlineData(LlmProvider.Anthropic)]
    public async Task ApiKey_IsSentToTheServer_AndAppearsInNoErrorLogOrMetric_WhenTheServerEchoesIt(LlmProvider provider)
    {
        var metrics = new LlmCallMetrics();
        using IChatClient chat = LlmChatClients.Create(new LlmStrategyOptions
        {
            Provider = provider,
            AgentName = "secret_agent",
            Endpoint = provider == LlmProvider.Anthropic ? _server.AnthropicBaseUrl : _server.OpenAiBaseUrl,
            Model = "model-x",
            ApiKey = Key,
            Retry = new LlmRetryPolicy(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)),
        }, metrics);
        string echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + Key + "\",\"type\":\"" + Key + "\"}}";
        _server.EnqueueStatus(429, retryAfter: "0", body: echo).EnqueueStatus(503, retryAfter: "0", body: echo).EnqueueStatus(401, body: echo);
        var texts = new List<string>();

        LlmHttpException error = await Assert.ThrowsAsync<LlmHttpException>(() => chat.GetResponseAsync("hello"));
        texts.Add(error.ToString());
        _server.EnqueueText("answer with " + Key);
        texts.Add((await chat.GetResponseAsync("again")).Text.Replace(Key, string.Empty, StringComparison.Ordinal)); // the model's own text is the caller's to scrub
        texts.AddRange(metrics.Snapshot().Select(s => s.ToString() + string.Join(",", s.Failures)));
        LogManager.Flush();
        texts.AddRange(_log.Logs);

        Assert.Equal(401, error.Status);
        Assert.All(_server.Requests, r => Assert.Equal(Key, r.Credential));
        Assert.Equal(2, _log.Logs.Count(l => l.Contains("retry", StringComparison.Ordinal))); // the retries were logged, and are checked below
        Assert.All(texts, t => Assert.DoesNotContain("NEVER-BE-SEEN", t, StringComparison.Ordinal));
    }
}
