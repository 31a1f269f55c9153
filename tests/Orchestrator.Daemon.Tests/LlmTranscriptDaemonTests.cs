using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The daemon records its LLM agents' model calls by default (issue 18): where (daemon.yaml
/// <c>agents.llm_transcripts</c>), and the built-in strategy_agent's calls in a running session against a
/// fake model server on loopback.
/// </summary>
public sealed class LlmTranscriptDaemonTests : IAsyncLifetime
{
    private const string Key = "sk-daemon-transcript-77c1";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-llm-transcripts-").FullName;
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(null, "journal", "journal/llm")]
    [InlineData(null, null, "logs/llm")]
    [InlineData("llm_transcripts: off", "journal", null)]
    [InlineData("llm_transcripts: OFF", null, null)]
    [InlineData("llm_transcripts: /var/lib/orc/transcripts", "journal", "/var/lib/orc/transcripts")]
    public void TranscriptDirectory_IsLlmUnderTheJournalElseTheLogs_OffOrMovedByTheKey(string? key, string? journal, string? expected)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), key is null ? "agents:\n  enabled: true\n" : "agents:\n  " + key + "\n");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);

        Assert.Equal(expected, LlmTranscripts.DirectoryFor(config!.Daemon.Agents, journal, "logs"));
    }

    [Fact]
    public void TranscriptDirectory_Blank_IsAnErrorNamingTheKey()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "agents:\n  llm_transcripts: \"  \"\n");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);

        Assert.Null(config);
        Assert.Contains("agents.llm_transcripts: expected off or a directory path", Assert.Single(errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RecordStrategies_GivesEachLlmStrategyARecorderIntoItsTranscript_AndNoneWhenOff()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "watch_list: [AAPL]\n");
        (DaemonConfig? loaded, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);
        var model = new AgentModel("openai_compatible", "fake-model", _server.BaseUrl.ToString(), 0m, TimeSpan.FromSeconds(30)) { Symbols = ["AAPL"], Interval = TimeSpan.FromMinutes(5) };
        IReadOnlyList<LlmAgentDefinition> agents = LlmAgentDefinitions.From(new Dictionary<string, AgentModel> { ["claude_swing"] = model }, loaded!.Engine, [], "agent_model.yaml", []);
        DaemonConfig config = loaded with { LlmAgents = agents, Strategies = [.. agents.Select(a => a.Strategy("agent_model.yaml"))] };
        string directory = Path.Combine(_dir, "llm");

        (DaemonConfig off, IDisposable none) = LlmTranscripts.RecordStrategies(config, null);
        using (none)
        {
            Assert.Same(config, off);
        }

        (DaemonConfig recording, IDisposable recorders) = LlmTranscripts.RecordStrategies(config, directory);
        using (recorders)
        {
            Assert.False(File.Exists(LlmTranscripts.PathFor(directory, "claude_swing")));
            Assert.IsType<LlmStrategy>(Assert.Single(recording.Strategies).Create());
            Assert.True(File.Exists(LlmTranscripts.PathFor(directory, "claude_swing")), "the agent's transcript was opened");
            Assert.IsType<LlmStrategy>(recording.Strategies[0].Create()); // a second instance shares the open transcript
        }
    }

    [Fact]
    public async Task StrategyAgent_InLlmMode_RecordsEveryModelCallInItsTranscript_WithoutTheKey()
    {
        _server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.6,"reason":"recorded"}]}""");
        string transcripts = Path.Combine(_dir, "llm");
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2_000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        var settings = new AgentSettings
        {
            SnapshotInterval = TimeSpan.FromMilliseconds(20),
            BarLength = TimeSpan.FromSeconds(1),
            StrategyMode = "llm",
            StrategyInterval = TimeSpan.FromMilliseconds(100),
        };
        BarStore bars = AgentHost.AttachBars(session, settings);
        session.Start("test");
        try
        {
            string path = LlmTranscripts.PathFor(transcripts, "strategy_agent");
            await using (AgentHost agents = AgentHost.Start(session, settings, new AgentModel("openai", "test-model", _server.BaseUrl.ToString(), 0.2m, TimeSpan.FromSeconds(30)), new Secret(Key, "test"), bars: bars, llmTranscripts: transcripts))
            {
                await Waits.UntilAsync(() => File.Exists(path) && LlmTranscript.Read(path).Entries.Count >= 2, "two model calls in the transcript", TimeSpan.FromSeconds(60));
            }

            LlmTranscriptEntry first = LlmTranscript.Read(path).Entries[0];
            Assert.Equal(("strategy_agent", "test-model"), (first.Agent, first.Model));
            Assert.Contains("\"reason\":\"recorded\"", first.Answer, StringComparison.Ordinal);
            Assert.Equal(10, first.InputTokens);
            Assert.Contains(Key, _server.Requests[0].Authorization, StringComparison.Ordinal); // the key was in use ...
            Assert.DoesNotContain(Key, await File.ReadAllTextAsync(path), StringComparison.Ordinal); // ... and is not in the transcript
        }
        finally
        {
            session.Stop();
        }
    }
}
