using System.Text.Json.Nodes;
using NLog;
using NLog.Config;
using NLog.Targets;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using static Orchestrator.Agents.Tests.Strategy.StrategyAgentHarness;

namespace Orchestrator.Agents.Tests.Strategy;

[Collection(NLogCaptureCollection.Name)]
public sealed class StrategyAgentSecretTests : IAsyncLifetime
{
    private readonly RecordingSignalPublisher _publisher = new();
    private readonly BarStore _bars = StoreWithBars();
    private readonly MemoryTarget _log = new("memory") { Layout = "${level}|${logger}|${message}|${exception:format=tostring}" };
    private LoggingConfiguration? _previous;
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync()
    {
        _previous = LogManager.Configuration;
        var config = new LoggingConfiguration();
        config.AddRuleForAllLevels(_log);
        LogManager.Configuration = config;
        _server = await FakeOpenAiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        LogManager.Configuration = _previous;
    }

    [Fact]
    public async Task ApiKey_AppearsInNoLogResultStatusOrDescription_WhateverTheServerEchoes()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);
        using StrategyAgent impatient = LlmAgent(_server, _bars, _publisher, timeout: TimeSpan.FromMilliseconds(300));
        var texts = new List<string>();

        // 401 whose message and body echo the key, as some servers do
        _server.RespondWithStatus(401, "Incorrect API key provided: " + Key);
        texts.Add(Text(await GenerateAsync(agent)));

        // a model answer that contains the key, malformed and then as a reason
        _server.RespondWithContent("oops " + Key);
        texts.Add(Text(await GenerateAsync(agent)));

        // non-JSON text that begins like a JSON literal: the JSON reader's error message quotes it (issue 15 item 21)
        foreach (string start in new[] { "not", "nul", "tru", "fals", "n" })
        {
            _server.RespondWithContent(start + Key + " and more text");
            texts.Add(Text(await GenerateAsync(agent)));
        }
        _server.RespondWithContent("{\"signals\":[{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"key " + Key + "\"},{\"symbol\":\"TSLA\",\"side\":\"HOLD\",\"confidence\":0.5,\"reason\":\"" + Key + "\"}]}");
        texts.Add(Text(await GenerateAsync(agent)));

        // a timeout
        _server.Hang();
        texts.Add(Text(await GenerateAsync(impatient)));

        JsonObject status = await StatusAsync(agent);
        JsonObject impatientStatus = await StatusAsync(impatient);
        texts.Add(status.ToJsonString());
        texts.Add(impatientStatus.ToJsonString());
        texts.Add(agent.ToString()!);
        texts.Add(new StrategyAgentOptions { Mode = StrategyMode.Llm, Llm = new LlmStrategyOptions { Endpoint = _server.BaseUrl, Model = "m", ApiKey = Key } }.ToString());
        texts.AddRange(_publisher.Signals.Select(s => s.ToString()));
        LogManager.Flush();
        texts.AddRange(_log.Logs);

        Assert.Equal(1, Failures(status, StrategyFailureKinds.HttpError));
        Assert.Equal(6, Failures(status, StrategyFailureKinds.MalformedJson));
        Assert.Equal(1, Failures(status, StrategyFailureKinds.InvalidSignal));
        Assert.Equal(1, Failures(impatientStatus, StrategyFailureKinds.Timeout));
        Assert.Contains(_log.Logs, l => l.StartsWith("Warn|", StringComparison.Ordinal) && l.Contains(StrategyFailureKinds.HttpError, StringComparison.Ordinal));
        Assert.Contains(_log.Logs, l => l.StartsWith("Warn|", StringComparison.Ordinal) && l.Contains(StrategyFailureKinds.Timeout, StringComparison.Ordinal));
        Assert.Contains(_log.Logs, l => l.Contains("***", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain(Key, t, StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("NEVER-BE-SEEN", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_AreLoggedAtWarnWithTheReason()
    {
        using StrategyAgent agent = LlmAgent(_server, _bars, _publisher);
        _server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":1.7,"reason":"x"}]}""");

        await GenerateAsync(agent);
        LogManager.Flush();

        Assert.Contains(_log.Logs, l => l.StartsWith("Warn|Orchestrator.Agents.StrategyAgent|", StringComparison.Ordinal)
            && l.Contains("invalid_signal", StringComparison.Ordinal)
            && l.Contains("confidence: 1.7 is not in [0, 1]", StringComparison.Ordinal));
    }

    private static string Text(AgentResult result) => result.ToJson().ToJsonString() + (result.Error ?? string.Empty);
}
