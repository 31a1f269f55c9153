using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;

namespace Orchestrator.Agents.Tests.Strategy;

/// <summary>Builds strategy agents over fakes and calls them the way the router does.</summary>
internal static class StrategyAgentHarness
{
    public const string Key = "sk-test-THIS-KEY-MUST-NEVER-BE-SEEN-0123456789";

    public static readonly string[] Symbols = ["AAPL", "MSFT", "TSLA"];

    /// <summary>An LLM-mode agent on <paramref name="server"/>; without retries unless <paramref name="retry"/> says (each test's request count is then its own), recording in <paramref name="metrics"/> when given.</summary>
    public static StrategyAgent LlmAgent(FakeOpenAiServer server, BarStore bars, RecordingSignalPublisher publisher, TimeSpan? timeout = null, int maxSignals = 10, LlmRetryPolicy? retry = null, LlmCallMetrics? metrics = null,
        Func<string>? riskLimits = null, Func<long>? eventTimeNs = null) =>
        new(
            new StrategyAgentOptions
            {
                Mode = StrategyMode.Llm,
                Llm = new LlmStrategyOptions
                {
                    Endpoint = server.BaseUrl,
                    Model = "test-model",
                    ApiKey = Key,
                    Temperature = 0.2f,
                    Timeout = timeout ?? TimeSpan.FromSeconds(20),
                    MaxSignals = maxSignals,
                    Retry = retry ?? LlmRetryPolicy.None,
                },
            },
            bars,
            new FixedTradingView(Symbols),
            publisher,
            metrics: metrics,
            riskLimits: riskLimits,
            eventTimeNs: eventTimeNs);

    /// <summary>A store with a few one-minute bars for each symbol.</summary>
    public static BarStore StoreWithBars()
    {
        var store = new BarStore();
        long minute = 60_000_000_000;
        long start = 1_764_000_000L * 1_000_000_000 / minute * minute;
        foreach (string symbol in Symbols)
        {
            for (int i = 0; i < 30; i++)
            {
                decimal close = 100m + i;
                Assert.Null(store.AddBar(symbol, new Bar(start + (i * minute), close - 0.5m, close + 1m, close - 1m, close, 1_000 + i)));
            }
        }

        return store;
    }

    public static Task<AgentResult> GenerateAsync(StrategyAgent agent, string[]? symbols = null, CancellationToken cancellationToken = default) =>
        agent.InvokeAsync("generate_signals", JsonSerializer.SerializeToElement(symbols is null ? new { } : (object)new { symbols }), cancellationToken);

    public static async Task<JsonObject> StatusAsync(StrategyAgent agent)
    {
        AgentResult result = await agent.InvokeAsync("get_status", JsonSerializer.SerializeToElement(new { }), CancellationToken.None);
        Assert.True(result.Ok, result.Error);
        return result.Result!.AsObject();
    }

    public static long Failures(JsonObject status, string kind) => status["failures"]![kind]!.GetValue<long>();
}
