using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.State;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Core;
using static Orchestrator.Agents.Tests.Strategy.StrategyAgentHarness;

namespace Orchestrator.Agents.Tests.Strategy;

/// <summary>Issue 18: <c>provider</c> really selects the client — strategy_agent on each provider against the fake model server's matching wire format.</summary>
public sealed class StrategyAgentProviderTests : IAsyncLifetime
{
    private FakeModelServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeModelServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(LlmProvider.OpenAiCompatible, ModelWireFormat.OpenAi)]
    [InlineData(LlmProvider.OpenAi, ModelWireFormat.OpenAi)]
    [InlineData(LlmProvider.Anthropic, ModelWireFormat.Anthropic)]
    public async Task Signal_FromEachProvider_IsPublished_AndTheCallMetered(LlmProvider provider, ModelWireFormat format)
    {
        var publisher = new RecordingSignalPublisher();
        var metrics = new LlmCallMetrics();
        var options = new StrategyAgentOptions
        {
            Mode = StrategyMode.Llm,
            Llm = new LlmStrategyOptions
            {
                Provider = provider,
                Endpoint = format == ModelWireFormat.Anthropic ? _server.AnthropicBaseUrl : _server.OpenAiBaseUrl,
                Model = "m-" + provider,
                ApiKey = Key,
                MaxOutputTokens = 500,
            },
        };
        using var agent = new StrategyAgent(options, StoreWithBars(), new FixedTradingView(Symbols), publisher, metrics: metrics);
        _server.EnqueueText("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.6,"reason":"from the model"}]}""");

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Null(result.Result!["failure"]);
        AgentSignal signal = Assert.Single(publisher.Signals);
        Assert.Equal(("AAPL", Side.Buy, 0.6m), (signal.Symbol, signal.Side, signal.Confidence));
        ModelRequest request = Assert.Single(_server.Requests);
        Assert.Equal((format, "m-" + provider), (request.Format, request.Model));
        Assert.Contains("\"signals\"", request.MessagesText, StringComparison.Ordinal); // the answer-format contract reached the model
        LlmAgentCallStats stats = Assert.Single(metrics.Snapshot());
        Assert.Equal((1L, (long)_server.InputTokens), (stats.Calls, stats.InputTokens));
    }
}
