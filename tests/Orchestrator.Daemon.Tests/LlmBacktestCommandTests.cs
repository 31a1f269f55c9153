using System.Globalization;
using System.Text;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// <c>backtest --strategy AGENT</c> for an LLM agent (issue 18): a live run against a fake model server
/// on loopback records a transcript; the transcript replays the run with the server stopped, to the
/// same report; a changed prompt is refused naming the line; <c>--llm-live</c> needs <c>--yes</c>.
/// </summary>
public sealed class LlmBacktestCommandTests : IAsyncLifetime
{
    private const string Agent = "gemini_momentum";
    private const string Key = "sk-backtest-transcript-5e0d";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-llm-bt-").FullName;
    private FakeModelServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeModelServer.StartAsync();
        _server.DefaultText = """{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.8,"reason":"trend"},{"symbol":"MSFT","side":"SELL","confidence":0.7,"reason":"fade"}]}""";
        File.WriteAllText(Path("myStockInfo.yaml"), "watch_list: [AAPL, MSFT]\n");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task LiveRun_RecordsATranscript_ThatReplaysWithTheServerStopped_ToTheSameReport()
    {
        string data = Bars();
        string transcript = Path("live.jsonl");
        Assert.Equal(0, Run(Args(data, "a") with { LlmLive = true, Yes = true, LlmRecord = transcript }, Config(), out string liveOut, out string liveErr));
        int calls = _server.Requests.Count;
        Assert.True(calls > 10, "model calls: " + calls + "; " + liveErr);
        Assert.Contains($"model calls: {calls}", liveOut, StringComparison.Ordinal); // the estimate was the truth
        Assert.Equal(calls, LlmTranscript.Read(transcript).Entries.Count);
        Assert.True(File.ReadLines(Path("a-orders.jsonl")).Any(), "the model's signals traded");
        Assert.Equal(Key, _server.Requests[0].Credential); // the key was sent ...
        Assert.DoesNotContain(Key, File.ReadAllText(transcript), StringComparison.Ordinal); // ... and is not in the transcript

        await _server.DisposeAsync(); // no network from here on
        Assert.Equal(0, Run(Args(data, "b") with { LlmTranscript = transcript }, Config(), out string replayOut, out string replayErr));

        Assert.Equal(File.ReadAllBytes(Path("a.json")), File.ReadAllBytes(Path("b.json")));
        Assert.Equal(File.ReadAllBytes(Path("a-orders.jsonl")), File.ReadAllBytes(Path("b-orders.jsonl")));
        Assert.Contains($"answered from '{transcript}' ({calls} recorded)", replayOut, StringComparison.Ordinal);
        Assert.Equal(string.Empty, replayErr.Trim());
        _server = await FakeModelServer.StartAsync(); // for DisposeAsync
    }

    [Fact]
    public void Replay_WithAChangedPrompt_IsRefusedNamingTheLine_AndWritesNoReport()
    {
        string data = Bars();
        string transcript = Path("live.jsonl");
        Assert.Equal(0, Run(Args(data, "a") with { LlmLive = true, Yes = true, LlmRecord = transcript }, Config(), out _, out _));

        int code = Run(Args(data, "b") with { LlmTranscript = transcript }, Config(prompt: "You trade large caps. Be bold."), out _, out string stderr);

        Assert.Equal(1, code);
        Assert.Contains($"backtest failed: LLM transcript '{transcript}' line 1: {Agent}: model call 1 asks a different prompt than the one recorded: message 1 (system) differs", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path("b.json")));
    }

    [Fact]
    public void LlmLive_WithoutYes_PrintsTheEstimate_AndDoesNotStart()
    {
        string data = Bars();
        int code = Run(Args(data, "a") with { LlmLive = true, LlmRecord = Path("live.jsonl") }, Config(), out string stdout, out string stderr);

        Assert.Equal(2, code);
        Assert.Contains($"llm-live estimate for {Agent} (openai_compatible fake-model):", stdout, StringComparison.Ordinal);
        Assert.Contains("model calls: 23 (one per bar close of 5 min with data)", stdout, StringComparison.Ordinal); // two hours of minute bars: 24 periods, the last still open
        Assert.Contains("cost: ~", stdout, StringComparison.Ordinal);
        Assert.Contains("--llm-live: not started: add --yes to make these 23 model calls", stderr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.False(File.Exists(Path("live.jsonl")));
        Assert.False(File.Exists(Path("a.json")));
    }

    [Fact]
    public void LlmAgent_WithoutTranscriptOrLive_IsRefused_AndTheFlagsOnlySuitAnLlmAgent()
    {
        string data = Bars();
        Assert.Equal(2, Run(Args(data, "a"), Config(), out _, out string neither));
        Assert.Contains($"--strategy: {Agent} is an LLM agent: replay a transcript of it with --llm-transcript FILE", neither, StringComparison.Ordinal);

        Assert.Equal(2, Run(Args(data, "a") with { Strategy = "momentum", LlmLive = true, Yes = true }, Config(), out _, out string notLlm));
        Assert.Contains("only for an LLM agent (role: strategy); 'momentum' is not one (agent_model.yaml's: gemini_momentum)", notLlm, StringComparison.Ordinal);

        Assert.Equal(2, Run(Args(data, "a") with { LlmTranscript = Path("missing.jsonl") }, Config(), out _, out string missing));
        Assert.Contains($"--llm-transcript: LLM transcript '{Path("missing.jsonl")}' does not exist", missing, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private BacktestArguments Args(string data, string name) =>
        new(data, Agent, null, null, _dir, Path(name + ".json"), null, null, "single", Deterministic: true, OrdersLog: Path(name + "-orders.jsonl"));

    /// <summary>The test directory's configuration with one LLM strategy agent on the fake server (agent_model.yaml's reader is H2's; the agent is declared as it would produce it).</summary>
    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Config(string? prompt = null)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);
        var model = new AgentModel("openai_compatible", "fake-model", _server.OpenAiBaseUrl.ToString(), 0m, TimeSpan.FromSeconds(30))
        {
            Symbols = ["AAPL", "MSFT"],
            OnBarClose = Timeframe.FiveMinutes,
            Prompt = prompt,
            ApiKey = new Secret(Key, "test"),
            InputPricePerMillionTokens = 0.30m,
            OutputPricePerMillionTokens = 2.50m,
        };
        var definitionErrors = new List<ConfigError>();
        IReadOnlyList<LlmAgentDefinition> agents = LlmAgentDefinitions.From(new Dictionary<string, AgentModel> { [Agent] = model }, config!.Engine, [], "agent_model.yaml", definitionErrors);
        Assert.Empty(definitionErrors);
        return (config with { LlmAgents = agents, Strategies = [.. config.Strategies, .. agents.Select(a => a.Strategy(Path("agent_model.yaml")))] }, []);
    }

    private static int Run(BacktestArguments a, (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) loaded, out string stdout, out string stderr)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BacktestCommand.Run(a, loaded, output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        return code;
    }

    /// <summary>Two hours of minute bars for AAPL and MSFT, a seeded random walk.</summary>
    private string Bars()
    {
        var random = new Random(7);
        var csv = new StringBuilder("timestamp,symbol,open,high,low,close,volume\n");
        decimal[] price = [180m, 370m];
        string[] symbols = ["AAPL", "MSFT"];
        for (int minute = 0; minute < 120; minute++)
        {
            DateTime t = new DateTime(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc).AddMinutes(minute);
            for (int s = 0; s < 2; s++)
            {
                decimal open = price[s];
                decimal close = Math.Round(open * (1 + (((decimal)random.NextDouble() - 0.5m) / 200m)), 2);
                price[s] = close;
                csv.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},{symbols[s]},{open},{Math.Max(open, close) + 0.05m},{Math.Min(open, close) - 0.05m},{close},1000\n");
            }
        }

        string path = Path("bars.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }
}
