using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Health;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.State;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Core;
using static Orchestrator.Agents.Tests.Strategy.StrategyAgentHarness;

namespace Orchestrator.Agents.Tests.Strategy;

public sealed class StrategyAgentLlmTests : IAsyncLifetime
{
    private readonly RecordingSignalPublisher _publisher = new();
    private readonly BarStore _bars = StoreWithBars();
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GoodAnswer_PublishesEachSignalWithItsValues()
    {
        _server.RespondWithContent("""
            {"signals":[
              {"symbol":"AAPL","side":"BUY","confidence":0.75,"reason":"Uptrend above SMA 20."},
              {"symbol":"TSLA","side":"SELL","confidence":0,"reason":"RSI overbought."}
            ]}
            """);
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Collection(
            _publisher.Signals,
            s => Assert.Equal(new AgentSignal("AAPL", Side.Buy, 0.75m, 129m, "Uptrend above SMA 20.", "strategy_agent"), s),
            s => Assert.Equal(new AgentSignal("TSLA", Side.Sell, 0m, 129m, "RSI overbought.", "strategy_agent"), s));
        JsonArray signals = result.Result!["signals"]!.AsArray();
        Assert.Equal(2, signals.Count);
        Assert.Equal("BUY", signals[0]!["side"]!.GetValue<string>());
        Assert.True(signals[0]!["accepted"]!.GetValue<bool>());
        Assert.Equal(1, signals[0]!["sequence"]!.GetValue<long>());
        Assert.Null(result.Result!["failure"]);
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(2, status["signals_published"]!.GetValue<long>());
        Assert.Equal(0, Failures(status, StrategyFailureKinds.InvalidSignal));
    }

    [Fact]
    public async Task AnAnswersOrderIntent_IsPublishedWithTheSignal()
    {
        _server.RespondWithContent("""
            {"signals":[
              {"symbol":"AAPL","side":"BUY","confidence":0.75,"reason":"Breakout.","order_type":"stop_limit","stop_price":130,"limit_price":130.5,"time_in_force":"gtc","quantity":5},
              {"symbol":"TSLA","side":"SELL","confidence":0.5,"reason":"Fade.","order_type":"market"}
            ]}
            """);
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Collection(
            _publisher.Signals,
            s => Assert.Equal(new AgentSignal("AAPL", Side.Buy, 0.75m, 130.5m, "Breakout.", "strategy_agent") { OrderType = OrderType.StopLimit, StopPrice = 130m, Tif = TimeInForce.Gtc, Quantity = 5 }, s),
            s => Assert.Equal(new AgentSignal("TSLA", Side.Sell, 0.5m, 0m, "Fade.", "strategy_agent") { OrderType = OrderType.Market }, s));
    }

    [Fact]
    public async Task Request_CarriesModelJsonFormatContextAndKey()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent, ["AAPL"]);

        Assert.True(result.Ok, result.Error);
        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal("Bearer " + Key, request.Authorization);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal("test-model", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("json_object", body.RootElement.GetProperty("response_format").GetProperty("type").GetString());
        string prompt = string.Join("\n", body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
        Assert.Contains("\"signals\"", prompt, StringComparison.Ordinal);
        Assert.Contains("\"AAPL\"", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("\"MSFT\":", prompt, StringComparison.Ordinal);
        Assert.Contains("\"rsi_14\"", prompt, StringComparison.Ordinal);
        Assert.Contains("\"quantity\":10", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_HoldsTheRiskLimits_TheEventTime_TheFormingBar_AndItsOwnSignalsFillsAndTheirFate()
    {
        // Issue 18, "Context and answer format": strategy_agent's prompt holds what a role: strategy agent's does.
        const long eventTimeNs = 1_764_001_850_000_000_000;
        long minute = 60_000_000_000;
        long lastBarStart = (1_764_000_000L * 1_000_000_000 / minute * minute) + (29 * minute);
        Assert.True(_bars.OnTrade("AAPL", 131.25m, 7, lastBarStart + minute + 5_000_000_000)); // opens the next bar: forming
        _server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.75,"reason":"Breakout.","quantity":10}]}""");
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, riskLimits: () => """{"max_open_orders":50}""", eventTimeNs: () => eventTimeNs);

        Assert.Null((await GenerateAsync(agent, ["AAPL"])).Result!["failure"]);
        long signalId = 1; // the fake publisher's first signal id
        agent.History.OnOrderUpdate(signalId, 777, ExecutionType.Accepted, RejectReason.None); // as the daemon's audit feed reports them
        agent.History.OnFill(signalId, eventTimeNs + 1, "AAPL", Side.Buy, 4m, 129.5m, commission: null, complete: false);
        Assert.Null((await GenerateAsync(agent, ["AAPL"])).Result!["failure"]);

        JsonObject context = UserContext(_server.Requests[1]);
        Assert.Equal(50, context["risk_limits"]!["max_open_orders"]!.GetValue<int>());
        Assert.Equal(eventTimeNs, context["event_time_ns"]!.GetValue<long>());
        Assert.Equal("2025-11-24T16:30:50.000Z", context["event_time"]!.GetValue<string>());
        Assert.Equal(131.25m, context["symbols"]!["AAPL"]!["forming_bar"]!["close"]!.GetValue<decimal>());
        JsonObject previous = Assert.Single(context["previous_signals"]!.AsArray())!.AsObject();
        Assert.Equal(("AAPL", "BUY", "accepted", "partially filled"), (previous["symbol"]!.GetValue<string>(), previous["side"]!.GetValue<string>(), previous["decision"]!.GetValue<string>(), previous["order"]!.GetValue<string>()));
        Assert.Equal((4m, 129.5m), (previous["filled_quantity"]!.GetValue<decimal>(), previous["average_fill_price"]!.GetValue<decimal>()));
        JsonObject fill = Assert.Single(context["recent_fills"]!.AsArray())!.AsObject();
        Assert.Equal((4m, 129.5m), (fill["quantity"]!.GetValue<decimal>(), fill["price"]!.GetValue<decimal>()));
        Assert.Equal(15m, context["pnl"]!["unrealized"]!.GetValue<decimal>()); // the account's, from the snapshot's position
        Assert.Equal(7, UserContext(_server.Requests[0])["symbols"]!["AAPL"]!["forming_bar"]!["volume"]!.GetValue<long>()); // the first run's too: the trade after the last closed bar
    }

    /// <summary>The context JSON of a recorded request's user message.</summary>
    private static JsonObject UserContext(RecordedRequest request)
    {
        using JsonDocument body = JsonDocument.Parse(request.Body);
        string user = body.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.StartsWith("Context:\n", user, StringComparison.Ordinal);
        return JsonNode.Parse(user["Context:\n".Length..])!.AsObject();
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("```json\n{\"signals\":[]}\n```")]
    [InlineData("""[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r"}]""")]
    [InlineData("""{"signals":{"symbol":"AAPL"}}""")]
    [InlineData("""{"signals":[],"note":"extra"}""")]
    [InlineData("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r"}]} trailing""")]
    [InlineData("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r"},]}""")]
    [InlineData("""{"trades":[]}""")]
    public async Task MalformedAnswer_PublishesNothing_CountsMalformedJson(string content)
    {
        _server.RespondWithContent(content);
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(_publisher.Signals);
        Assert.Equal(StrategyFailureKinds.MalformedJson, result.Result!["failure"]!["kind"]!.GetValue<string>());
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(1, Failures(status, StrategyFailureKinds.MalformedJson));
        Assert.Equal(0, status["signals_published"]!.GetValue<long>());
    }

    [Fact]
    public async Task InvalidItems_AreRefusedOneByOne_ValidOnesPublished()
    {
        _server.RespondWithContent("""
            {"signals":[
              {"symbol":"NVDA","side":"BUY","confidence":0.5,"reason":"not ours"},
              {"symbol":"AAPL","side":"BUY","confidence":1.7,"reason":"too sure"},
              {"symbol":"MSFT","side":"HOLD","confidence":0.5,"reason":"no side"},
              {"symbol":"TSLA","side":"SELL","confidence":0.5,"reason":"extra","size":100},
              {"symbol":"AAPL","side":"buy","confidence":0.5,"reason":"lower case"},
              {"symbol":"AAPL","side":"BUY","confidence":"0.5","reason":"string number"},
              {"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":""},
              {"symbol":"AAPL","side":"BUY","confidence":0.5},
              {"symbol":"MSFT","side":"SELL","confidence":0.4,"reason":"Breaking down."}
            ]}
            """);
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        AgentSignal published = Assert.Single(_publisher.Signals);
        Assert.Equal(("MSFT", Side.Sell, 0.4m), (published.Symbol, published.Side, published.Confidence));
        string[] refused = [.. result.Result!["refused"]!.AsArray().Select(n => n!.GetValue<string>())];
        Assert.Equal(8, refused.Length);
        Assert.Contains("signals[0]: symbol", refused[0], StringComparison.Ordinal);
        Assert.Contains("signals[1]: confidence: 1.7", refused[1], StringComparison.Ordinal);
        Assert.Contains("signals[2]: side", refused[2], StringComparison.Ordinal);
        Assert.Contains("signals[3]: unknown member \"size\"", refused[3], StringComparison.Ordinal);
        Assert.Null(result.Result!["failure"]);
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(8, Failures(status, StrategyFailureKinds.InvalidSignal));
        Assert.Equal(1, status["signals_published"]!.GetValue<long>());
    }

    [Fact]
    public async Task MoreSignalsThanAllowed_RefusesTheWholeAnswer()
    {
        _server.RespondWithContent("""
            {"signals":[
              {"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"a"},
              {"symbol":"MSFT","side":"BUY","confidence":0.5,"reason":"b"}
            ]}
            """);
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, maxSignals: 1);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(_publisher.Signals);
        Assert.Equal(StrategyFailureKinds.InvalidSignal, result.Result!["failure"]!["kind"]!.GetValue<string>());
    }

    /// <summary>Issue 18: the agent's client records each call, and the agent the problems it finds in the answers.</summary>
    [Fact]
    public async Task Metrics_HoldTheCalls_TheirTokens_AndTheMalformedAndRefusedAnswers()
    {
        var metrics = new LlmCallMetrics();
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, metrics: metrics);
        _server.RespondWithContent("not json at all");
        await GenerateAsync(agent);
        _server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"fine"},{"symbol":"ZZZZ","side":"BUY","confidence":0.5,"reason":"not traded"}]}""");

        await GenerateAsync(agent);

        LlmAgentCallStats stats = Assert.Single(metrics.Snapshot());
        Assert.Equal(("strategy_agent", 2L), (stats.Agent, stats.Calls));
        Assert.Equal(1, stats.Failures[StrategyFailureKinds.MalformedJson]);
        Assert.Equal(1, stats.Failures[StrategyFailureKinds.InvalidSignal]);
        Assert.Equal((20L, 20L), (stats.InputTokens, stats.OutputTokens)); // the fake reports 10 and 10 per answer
        Assert.Equal(0, stats.ConsecutiveFailures); // the second answer was readable
    }

    /// <summary>
    /// Without retries (the harness's default), one request; 429 is counted as rate_limited since issue 18
    /// (it was http_error before the kind existed), every other status as http_error.
    /// </summary>
    [Theory]
    [InlineData(500, StrategyFailureKinds.HttpError)]
    [InlineData(503, StrategyFailureKinds.HttpError)]
    [InlineData(400, StrategyFailureKinds.HttpError)]
    [InlineData(429, StrategyFailureKinds.RateLimited)]
    public async Task HttpError_PublishesNothing_CountsItsKind(int status, string kind)
    {
        _server.RespondWithStatus(status, "upstream broke");
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(_publisher.Signals);
        JsonNode failure = result.Result!["failure"]!;
        Assert.Equal(kind, failure["kind"]!.GetValue<string>());
        Assert.Contains("HTTP " + status, failure["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Failures(await StatusAsync(agent), kind));
        Assert.Single(_server.Requests); // no hidden SDK retries
    }

    /// <summary>
    /// Issue 17: an agent whose model answers 429 every time still answers its probe and beats, so it
    /// looked healthy. Once its last WorkFailureStreak.Threshold runs all failed it is Degraded (status
    /// queries in between neither end nor extend the streak), and one good run makes it healthy again.
    /// </summary>
    [Fact]
    public async Task ModelFailingEveryTime_MakesTheAgentDegraded_UntilARunSucceeds()
    {
        _server.RespondWithStatus(429, "rate limited");
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);
        using var pool = new SlowPathScheduler(1);
        await using var monitor = new HealthMonitor(pool, new HealthMonitorOptions { MemoryThresholdBytes = 0, SampleCpu = false });
        monitor.AddAgent(agent);

        for (int i = 1; i < WorkFailureStreak.Threshold; i++)
        {
            Assert.NotNull((await GenerateAsync(agent)).Result!["failure"]);
            await StatusAsync(agent);
        }

        Assert.Equal(HealthState.Healthy, AgentHealth(await monitor.CheckNowAsync()).State); // a failure or two is noise

        await GenerateAsync(agent);
        HealthSnapshot failing = await monitor.CheckNowAsync();
        ComponentHealth degraded = AgentHealth(failing);
        Assert.Equal(HealthState.Degraded, degraded.State);
        Assert.Contains("work failing", degraded.Detail, StringComparison.Ordinal);
        Assert.Contains("HTTP 429", degraded.Detail, StringComparison.Ordinal);
        Assert.Equal(HealthState.Degraded, failing.Overall);

        _server.RespondWithContent("""{"signals":[]}""");
        Assert.Null((await GenerateAsync(agent)).Result!["failure"]);
        Assert.Equal(HealthState.Healthy, AgentHealth(await monitor.CheckNowAsync()).State);
    }

    private static ComponentHealth AgentHealth(HealthSnapshot snapshot) => Assert.Single(snapshot.Components, c => c.Name == "strategy_agent");

    [Fact]
    public async Task ServerUnreachable_CountsHttpError()
    {
        Uri url = _server.BaseUrl;
        await _server.DisposeAsync();
        _server = await FakeOpenAiServer.StartAsync();
        using var agent = new StrategyAgent(
            new StrategyAgentOptions { Mode = StrategyMode.Llm, Llm = new LlmStrategyOptions { Endpoint = url, Model = "m", Timeout = TimeSpan.FromSeconds(20) } },
            _bars,
            new FixedTradingView(Symbols),
            _publisher);

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(StrategyFailureKinds.HttpError, result.Result!["failure"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task HangingServer_CountsTimeout_AndTheCallReturns()
    {
        _server.Hang();
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, timeout: TimeSpan.FromMilliseconds(300));

        AgentResult result = await GenerateAsync(agent);

        Assert.True(result.Ok, result.Error);
        Assert.Empty(_publisher.Signals);
        Assert.Equal(StrategyFailureKinds.Timeout, result.Result!["failure"]!["kind"]!.GetValue<string>());
        Assert.Equal(1, Failures(await StatusAsync(agent), StrategyFailureKinds.Timeout));
    }

    /// <summary>
    /// Issue 18: a run canceled by its caller before the model answered (the caller's deadline, a
    /// canceled task) gave nothing; it used to count neither as a failure nor in the work streak.
    /// </summary>
    [Fact]
    public async Task OverlappingCall_IsRefusedAsBusy_AndACanceledRunCountsAsATimeoutFailure()
    {
        _server.Hang();
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher, timeout: TimeSpan.FromMinutes(5));
        using var caller = new CancellationTokenSource();

        Task<AgentResult> first = GenerateAsync(agent, null, caller.Token);
        await _server.FirstRequest;
        AgentResult second = await GenerateAsync(agent);

        Assert.False(second.Ok);
        Assert.Equal(AgentErrors.Unavailable, second.ErrorCode);
        Assert.Contains("already running", second.Error, StringComparison.Ordinal);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(1, status["rejected_busy"]!.GetValue<long>());
        Assert.Equal(1, Failures(status, StrategyFailureKinds.Timeout));
        Assert.Contains("canceled by its caller", status["last_failure"]!.GetValue<string>(), StringComparison.Ordinal);

        // the gate is free again
        _server.RespondWithContent("""{"signals":[]}""");
        Assert.True((await GenerateAsync(agent)).Ok);
    }

    [Fact]
    public async Task UnknownSymbolParameter_IsInvalidParams()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);

        AgentResult result = await GenerateAsync(agent, ["AAPL", "NOPE"]);

        Assert.False(result.Ok);
        Assert.Equal(AgentErrors.InvalidParams, result.ErrorCode);
        Assert.Contains("NOPE", result.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
