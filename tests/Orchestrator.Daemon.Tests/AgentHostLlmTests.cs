using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 18 defects, in a running session with the daemon's agent host: scheduled LLM runs are
/// bounded by the model's timeout (not the interval) and counted when they fail; the agents' bars
/// hold the feed from its first tick. A fake OpenAI-compatible model server on loopback, real HTTP.
/// </summary>
public sealed class AgentHostLlmTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly List<TradingSession> _sessions = [];
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable host in _hosts)
        {
            await host.DisposeAsync();
        }

        foreach (TradingSession session in _sessions)
        {
            session.Stop();
            session.Dispose();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ScheduledRun_ModelSlowerThanTheInterval_IsNotCutShort_ItsSignalIsPublished()
    {
        _server.RespondSlowlyWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.6,"reason":"slower than the interval"}]}""", TimeSpan.FromMilliseconds(500));
        AgentHost agents = StartLlmAgents(interval: TimeSpan.FromMilliseconds(100), modelTimeout: TimeSpan.FromSeconds(30));

        // Before the fix every run was canceled at the interval (100 ms): no signal, and no failure either.
        await Waits.UntilAsync(() => Count(agents, "signals_published") + Count(agents, "signals_refused_by_engine") >= 1, "a scheduled run's answer reaching the engine", s_hang);
        Assert.Equal(0, Failure(agents, StrategyFailureKinds.Timeout));
    }

    [Fact]
    public async Task ScheduledRun_ModelTimeoutPasses_IsCountedAsATimeoutFailure()
    {
        _server.Hang();
        AgentHost agents = StartLlmAgents(interval: TimeSpan.FromMilliseconds(100), modelTimeout: TimeSpan.FromMilliseconds(400));

        // Before the fix the interval canceled each run first, and a canceled run counted as nothing.
        await Waits.UntilAsync(() => Failure(agents, StrategyFailureKinds.Timeout) >= 1, "a timeout failure counted", s_hang);
        Assert.Contains("no answer from the model within 0.4 s", Status(agents)["last_failure"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentBars_AttachedBeforeTheSessionStarts_HoldTheFeedFromItsFirstTick()
    {
        string path = Path.Combine(Path.GetTempPath(), "orc-first-ticks-" + Guid.NewGuid().ToString("N") + ".csv");
        var lines = new List<string> { "timestamp,symbol,price,size" };
        long start = new DateTimeOffset(2025, 1, 2, 14, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
        for (int second = 0; second < 10; second++)
        {
            for (int k = 0; k < 3; k++)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start + (second * 1_000_000_000L) + (k * 100_000_000L)},AAPL,{100m + second + (k / 10m)},10"));
            }
        }

        await File.WriteAllLinesAsync(path, lines);
        try
        {
            var settings = new AgentSettings { SnapshotInterval = TimeSpan.FromMilliseconds(20), BarLength = TimeSpan.FromSeconds(1) };
            SessionOptions options = DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 0, WaitStrategyKind.Blocking) with { DataFile = path };
            var session = new TradingSession(options, NullAuditWriter.Instance);
            _sessions.Add(session);

            // As the daemon does: the bars are attached first, then the session (and its feed) starts.
            BarStore bars = AgentHost.AttachBars(session, settings);
            session.Start("test");
            await session.FeedCompletion.WaitAsync(s_hang);
            AgentHost agents = AgentHost.Start(session, settings, null, null, bars: bars);
            _hosts.Add(agents);

            AgentResult result = await agents.Router.SendAgentMessageAsync(AgentMessage.Create(DataAgent.AgentName, "get_technical_indicators", new { symbols = new[] { "AAPL" }, indicators = new[] { "sma" }, period = 2 }));

            Assert.True(result.Ok, result.Error);
            Assert.Equal(9, result.Result!["AAPL"]!["bars"]!.GetValue<int>()); // every second's bar but the last, still forming
            Assert.Equal(0, bars.LateTrades);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private AgentHost StartLlmAgents(TimeSpan interval, TimeSpan modelTimeout)
    {
        var session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2_000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        _sessions.Add(session);
        var settings = new AgentSettings
        {
            SnapshotInterval = TimeSpan.FromMilliseconds(20),
            BarLength = TimeSpan.FromSeconds(1),
            StrategyMode = "llm",
            StrategyInterval = interval,
            CallTimeout = TimeSpan.FromMilliseconds(100), // call_timeout below the model's answer time: it must not decide
        };
        BarStore bars = AgentHost.AttachBars(session, settings);
        session.Start("test");
        AgentHost agents = AgentHost.Start(session, settings, new AgentModel("openai", "test-model", _server.BaseUrl.ToString(), 0.2m, modelTimeout), null, bars: bars);
        _hosts.Add(agents);
        return agents;
    }

    private static JsonObject Status(AgentHost agents)
    {
        Assert.True(agents.Router.TryGetAgent(StrategyAgent.AgentName, out IAgent? agent));
        AgentResult result = agent!.InvokeAsync("get_status", JsonSerializer.SerializeToElement(new { }), CancellationToken.None).GetAwaiter().GetResult(); // answered synchronously
        Assert.True(result.Ok, result.Error);
        return result.Result!.AsObject();
    }

    private static long Count(AgentHost agents, string name) => Status(agents)[name]!.GetValue<long>();

    private static long Failure(AgentHost agents, string kind) => Status(agents)["failures"]![kind]!.GetValue<long>();
}
