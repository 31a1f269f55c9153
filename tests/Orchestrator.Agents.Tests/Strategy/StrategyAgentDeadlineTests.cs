using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using static Orchestrator.Agents.Tests.Strategy.StrategyAgentHarness;

namespace Orchestrator.Agents.Tests.Strategy;

/// <summary>
/// Issue 18: the model's timeout governs a model call, whoever calls (the router's default
/// call_timeout does not cut it short), and an answer that is not a chat completion is malformed.
/// A fake OpenAI-compatible server on loopback, real HTTP.
/// </summary>
public sealed class StrategyAgentDeadlineTests : IAsyncLifetime
{
    private const string OneSignal = """{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.6,"reason":"slow but sure"}]}""";

    private readonly RecordingSignalPublisher _publisher = new();
    private readonly BarStore _bars = StoreWithBars();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DirectMessage_ModelSlowerThanCallTimeout_IsAnsweredWithinTheModelTimeout()
    {
        _server.RespondSlowlyWithContent(OneSignal, TimeSpan.FromMilliseconds(600));
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, timeout: TimeSpan.FromSeconds(30));
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool);
        var router = new AgentRouter(pool, jobs, defaultTimeout: TimeSpan.FromMilliseconds(100)); // call_timeout far below the model's answer time
        router.Register(agent);

        AgentResult result = await router.SendAgentMessageAsync(AgentMessage.Create("strategy_agent", "generate_signals"));

        Assert.True(result.Ok, result.Error);
        Assert.Null(result.Result!["failure"]);
        Assert.Equal("AAPL", Assert.Single(_publisher.Signals).Symbol);
        Assert.Equal(TimeSpan.FromSeconds(30) + AgentRouter.OwnTimeoutGrace, router.TimeoutFor(AgentMessage.Create("STRATEGY_AGENT", "generate_signals")));
    }

    [Fact]
    public async Task DelegatedTask_ModelTimeoutPasses_IsAFailureOfKindTimeout()
    {
        _server.Hang();
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, timeout: TimeSpan.FromMilliseconds(300));
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool, new JobSchedulerOptions { DefaultTimeout = TimeSpan.FromMilliseconds(50) });
        var router = new AgentRouter(pool, jobs, defaultTimeout: TimeSpan.FromMilliseconds(50));
        router.Register(agent);

        (string? id, AgentResult? refusal) = await router.DelegateTaskAsync(AgentMessage.Create("strategy_agent", "generate_signals"));
        Assert.Null(refusal);
        JobInfo? info = await jobs.WaitAsync(id!);

        Assert.Equal(JobStatus.Succeeded, info!.Status); // the run ended on the model's own deadline, with its failure in the result
        Assert.Equal(StrategyFailureKinds.Timeout, info.Result!["failure"]!["kind"]!.GetValue<string>());
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(1, status["runs"]!.GetValue<long>());
        Assert.Equal(1, Failures(status, StrategyFailureKinds.Timeout));
    }

    [Fact]
    public async Task EmptyChoices_IsMalformed_WithAPlainMessage()
    {
        _server.RespondWithBody("""{"id":"chatcmpl-x","object":"chat.completion","created":1700000000,"model":"fake-model","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0,"total_tokens":1}}""");
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        JsonNode failure = result.Result!["failure"]!;
        Assert.Equal(StrategyFailureKinds.MalformedJson, failure["kind"]!.GetValue<string>());
        string detail = failure["detail"]!.GetValue<string>();
        Assert.Contains("no choices", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
        Assert.Equal(1, Failures(await StatusAsync(agent), StrategyFailureKinds.MalformedJson));
    }

    [Fact]
    public async Task WrongParamTypes_AreNamedInJsonTerms_WithoutDotNetTypeNames()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult wrongType = await agent.InvokeAsync("generate_signals", JsonSerializer.SerializeToElement(new { symbols = "AAPL" }), CancellationToken.None);
        AgentResult unknown = await agent.InvokeAsync("generate_signals", JsonSerializer.SerializeToElement(new { sybmols = new[] { "AAPL" } }), CancellationToken.None);

        Assert.Equal(AgentErrors.InvalidParams, wrongType.ErrorCode);
        Assert.Contains("symbols: must be a list", wrongType.Error, StringComparison.Ordinal);
        Assert.Contains("unknown parameter 'sybmols'", unknown.Error, StringComparison.Ordinal);
        foreach (string error in new[] { wrongType.Error!, unknown.Error! })
        {
            Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Orchestrator.", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Symbols_AreCaseInsensitive_AndAskedForInTheEnginesSpelling()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent, ["aapl", "Msft"]);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(["AAPL", "MSFT"], result.Result!["symbols"]!.AsArray().Select(n => n!.GetValue<string>()));
    }
}
