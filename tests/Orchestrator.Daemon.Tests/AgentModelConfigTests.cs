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
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Issue 18: every key of <c>agent_model.yaml</c> is read and checked. One test per class of error, each
/// naming the file, the key path and the reason; a valid file reaches the agents' options whole.
/// </summary>
public sealed class AgentModelConfigTests : IDisposable
{
    private const string Watch = "watch_list: [AAPL, MSFT, NVDA]\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-agent-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string agentModel, Func<string, string?>? environment = null, string? daemon = null)
    {
        File.WriteAllText(Path.Combine(_dir, "myStockInfo.yaml"), Watch);
        File.WriteAllText(Path.Combine(_dir, "agent_model.yaml"), agentModel);
        if (daemon is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "daemon.yaml"), daemon);
        }

        return ConfigLoader.Load(_dir, environment ?? (_ => null));
    }

    /// <summary>Exactly one error, in agent_model.yaml, at <paramref name="keyPath"/>, whose reason starts with <paramref name="reason"/>.</summary>
    private ConfigError AssertOneError(string agentModel, string keyPath, string reason, Func<string, string?>? environment = null, string? daemon = null)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(agentModel, environment, daemon);
        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal(Path.Combine(_dir, "agent_model.yaml"), error.File);
        Assert.Equal(keyPath, error.KeyPath);
        Assert.StartsWith(reason, error.Message, StringComparison.Ordinal);
        return error;
    }

    private static string Agent(string name, string keys) => $"agents:\n  {name}:\n" + string.Concat(keys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(k => "    " + k + "\n"));

    private const string Ollama = "provider: openai_compatible\nmodel: llama3.1\nendpoint: http://127.0.0.1:11434/v1\n";

    [Fact]
    public void UnknownProvider_IsNamed()
    {
        AssertOneError(Agent("semis", "provider: gemini\nmodel: m\nsymbols: [AAPL]\ninterval: 5m"), "agents.semis.provider",
            "must be one of anthropic, openai, openai_compatible, got 'gemini'");
    }

    [Fact]
    public void OpenAiCompatible_WithoutAnEndpoint_IsNamed()
    {
        AssertOneError(Agent("semis", "provider: openai_compatible\nmodel: m\nsymbols: [AAPL]\ninterval: 5m"), "agents.semis.endpoint",
            "is required for provider openai_compatible");
    }

    [Theory]
    [InlineData("ftp://models.example.com/v1")]
    [InlineData("not-a-url")]
    public void NonHttpEndpoint_IsNamed(string endpoint)
    {
        AssertOneError(Agent("semis", $"provider: openai_compatible\nmodel: m\nendpoint: {endpoint}\nsymbols: [AAPL]\ninterval: 5m"), "agents.semis.endpoint",
            $"must be an absolute http or https URL (the model's API), got '{endpoint}'");
    }

    [Fact]
    public void EndpointWithAPassword_IsRefused_WithoutShowingIt()
    {
        ConfigError error = AssertOneError(Agent("semis", "provider: openai_compatible\nmodel: m\nendpoint: https://me:hunter2@models.example.com/v1\nsymbols: [AAPL]\ninterval: 5m"),
            "agents.semis.endpoint", "must not hold a user name or password");
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("interval: 10s\ntimeout: 30s", "agents.semis.timeout", "(00:00:30) is longer than the time between two runs (00:00:10, interval)")]
    [InlineData("on: bar_close(1m)\ntimeout: 2m", "agents.semis.timeout", "(00:02:00) is longer than the time between two runs (00:01:00, on)")]
    public void TimeoutLongerThanTheSchedule_IsNamed(string keys, string keyPath, string reason)
    {
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\n" + keys), keyPath, reason);
    }

    [Fact]
    public void StrategyAgentTimeout_LongerThanDaemonYamlsInterval_IsNamed()
    {
        AssertOneError(Agent("strategy_agent", Ollama + "timeout: 30s"), "agents.strategy_agent.timeout",
            "(00:00:30) is longer than daemon.yaml agents.strategy_agent.interval (00:00:10)",
            daemon: "agents:\n  strategy_agent:\n    mode: llm\n    interval: 10s\n");
    }

    [Theory]
    [InlineData("prompt_file: prompts/missing.md", "'prompts/missing.md' does not exist")]
    [InlineData("prompt_file: empty.md", "'empty.md' is empty")]
    [InlineData("prompt_file: prompts", "'prompts' is a directory")]
    public void PromptFile_MissingEmptyOrADirectory_IsNamed(string keys, string reason)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "prompts"));
        File.WriteAllText(Path.Combine(_dir, "empty.md"), " \n\n");
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\ninterval: 5m\n" + keys), "agents.semis.prompt_file", reason);
    }

    [Fact]
    public void PromptFile_Unreadable_IsNamed()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root")
        {
            return; // root reads a file whatever its mode
        }

        string path = Path.Combine(_dir, "secret-prompt.md");
        File.WriteAllText(path, "You trade semiconductors.");
        File.SetUnixFileMode(path, UnixFileMode.None);
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\ninterval: 5m\nprompt_file: secret-prompt.md"), "agents.semis.prompt_file", "'secret-prompt.md' cannot be read: ");
    }

    [Fact]
    public void SymbolNotTraded_IsNamed()
    {
        AssertOneError(Agent("semis", Ollama + "symbols: [aapl, TSM]\ninterval: 5m"), "agents.semis.symbols",
            "'TSM' is not an engine symbol (myStockInfo.yaml watch_list: AAPL, MSFT, NVDA)");
    }

    [Fact]
    public void RoleStrategy_WithoutSymbols_IsNamed()
    {
        AssertOneError(Agent("semis", Ollama + "interval: 5m"), "agents.semis.symbols", "is required for role strategy");
    }

    [Theory]
    [InlineData("interval: 5m\non: bar_close(5m)", "agents.semis.on", "and interval are both set")]
    [InlineData("temperature: 0.1", "agents.semis.interval", "or on is required for role strategy")]
    public void IntervalAndOn_BothOrNeither_IsNamed(string keys, string keyPath, string reason)
    {
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\n" + keys), keyPath, reason);
    }

    [Theory]
    [InlineData("bar_close(7m)")]
    [InlineData("bar_close 5m")]
    [InlineData("every_tick")]
    public void BadOnSyntax_IsNamed(string on)
    {
        AssertOneError(Agent("semis", Ollama + $"symbols: [AAPL]\non: {on}"), "agents.semis.on",
            $"must be bar_close(<length>) with length one of 1m, 5m, 15m, 1h, 1d, got '{on}'");
    }

    [Fact]
    public void IntervalOrOn_OnStrategyAgent_IsNamed()
    {
        AssertOneError(Agent("strategy_agent", Ollama + "on: bar_close(5m)"), "agents.strategy_agent.on",
            "strategy_agent runs on daemon.yaml agents.strategy_agent.interval");
    }

    [Fact]
    public void UnknownRole_IsNamed()
    {
        AssertOneError(Agent("boss", Ollama + "role: manager"), "agents.boss.role", "must be one of strategy, orchestrator, got 'manager'");
    }

    [Fact]
    public void TwoOrchestrators_AreNamed()
    {
        string yaml = "agents:\n  boss:\n    provider: openai_compatible\n    model: m\n    endpoint: http://127.0.0.1:1/v1\n    role: orchestrator\n"
            + "  chief:\n    provider: openai_compatible\n    model: m\n    endpoint: http://127.0.0.1:1/v1\n    role: orchestrator\n";
        AssertOneError(yaml, "agents.chief.role", "'boss' is already the orchestrator; at most one agent may have role orchestrator");
    }

    [Fact]
    public void StrategyKeys_OnAnOrchestrator_AndOrchestratorKeys_OnAStrategy_AreNamed()
    {
        AssertOneError(Agent("boss", Ollama + "role: orchestrator\nsymbols: [AAPL]"), "agents.boss.symbols", "applies to role strategy only");
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\ninterval: 5m\nmax_steps: 4"), "agents.semis.max_steps", "applies to role orchestrator only");
    }

    [Theory]
    [InlineData("max_tokens: 0", "agents.semis.max_tokens", "must be between 1 and 1000000, got 0")]
    [InlineData("bars_in_prompt: 501", "agents.semis.bars_in_prompt", "must be between 1 and 500, got 501")]
    [InlineData("max_signals: 0", "agents.semis.max_signals", "must be between 1 and 100, got 0")]
    [InlineData("response_format: xml", "agents.semis.response_format", "must be one of json, text, got 'xml'")]
    [InlineData("price_per_mtok_input: -1", "agents.semis.price_per_mtok_input", "must be between 0 and 1000000, got -1")]
    [InlineData("colour: blue", "agents.semis.colour", "is not a known key")]
    public void OutOfRangeOrUnknown_IsNamed(string keys, string keyPath, string reason)
    {
        AssertOneError(Agent("semis", Ollama + "symbols: [AAPL]\ninterval: 5m\n" + keys), keyPath, reason);
    }

    [Theory]
    [InlineData("rules", "is reserved")]
    [InlineData("Data_Agent", "is a built-in agent's name")]
    [InlineData("semi conductors", "the agent's name must be 1 to 64 letters")]
    public void BadAgentName_IsNamed(string name, string reason)
    {
        AssertOneError(Agent($"\"{name}\"", Ollama + "symbols: [AAPL]\ninterval: 5m"), "agents." + name, $"'{name}' {reason}".Replace($"'{name}' the", "the", StringComparison.Ordinal));
    }

    [Fact]
    public void ProviderNeedingAKey_WithoutOne_IsNamed_AndTheKeyIsNeverShown()
    {
        AssertOneError(Agent("claude", "provider: anthropic\nmodel: claude-sonnet-4-5\nsymbols: [AAPL]\ninterval: 5m"), "agents.claude.provider",
            "anthropic needs an API key and none is set");
        AssertOneError(Agent("gpt", "provider: openai\nmodel: gpt-4o-mini\nsymbols: [AAPL]\ninterval: 5m\napi_key_env: MY_OPENAI_KEY"), "agents.gpt.api_key_env",
            "openai needs an API key and none is set: give it in the environment variable MY_OPENAI_KEY (api_key_env) or llm.api_key");
        ConfigError pasted = AssertOneError(Agent("gpt", "provider: openai\nmodel: m\nsymbols: [AAPL]\ninterval: 5m\napi_key_env: sk-proj-pasted-key-42"), "agents.gpt.api_key_env",
            "must be the name of an environment variable");
        Assert.DoesNotContain("pasted-key", pasted.ToString(), StringComparison.Ordinal);

        // strategy_agent needs its key only when daemon.yaml runs it in llm mode
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Agent("strategy_agent", "provider: openai\nmodel: gpt-4o-mini"));
        Assert.Empty(errors);
        Assert.Null(config!.Agents["strategy_agent"].ApiKey);
        AssertOneError(Agent("strategy_agent", "provider: openai\nmodel: gpt-4o-mini"), "agents.strategy_agent.provider", "openai needs an API key",
            daemon: "agents:\n  strategy_agent:\n    mode: llm\n");
    }

    [Fact]
    public void LlmAgentNamedLikeAStrategyOrAProcess_IsNamed()
    {
        AssertOneError(Agent("Sma_Agent", Ollama + "symbols: [AAPL]\ninterval: 5m"), "agents.Sma_Agent", "'Sma_Agent' is also a supervised agent's (daemon.yaml agents.processes) name",
            daemon: "agents:\n  processes:\n    - { name: sma_agent, command: sh }\n");
    }

    [Fact]
    public void CheckConfig_ExitsWith2_NamingFileAndKey()
    {
        File.WriteAllText(Path.Combine(_dir, "agent_model.yaml"), Agent("semis", "provider: gemini\nmodel: m\nsymbols: [AAPL]\ninterval: 5m"));
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, DaemonCli.CheckConfig(_dir, output, error));
        Assert.Contains(Path.Combine(_dir, "agent_model.yaml") + ":3:15: agents.semis.provider: must be one of anthropic, openai, openai_compatible, got 'gemini'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryKey_IsRead_AndReachesTheAgentsOptions()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "prompts"));
        File.WriteAllText(Path.Combine(_dir, "prompts", "semis.md"), "You trade semiconductors on momentum.\n");
        string yaml = """
            agents:
              claude_semis:
                provider: anthropic
                model: claude-sonnet-4-5
                temperature: 0.1
                timeout: 20s
                max_tokens: 800
                response_format: text
                bars_in_prompt: 50
                max_signals: 3
                prompt_file: prompts/semis.md
                symbols: [nvda, AAPL]
                on: bar_close(5m)
                api_key_env: MY_CLAUDE_KEY
                price_per_mtok_input: 3
                price_per_mtok_output: 15
              gemini_scout:
                provider: openai_compatible
                model: gemini-2.5-flash
                endpoint: https://generativelanguage.googleapis.com/v1beta/openai/
                symbols: [MSFT]
                interval: 1m
              boss:
                provider: openai
                model: gpt-4o
                role: orchestrator
                max_steps: 5
                max_task_tokens: 20000
            """;
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(yaml,
            name => name switch { "MY_CLAUDE_KEY" => "sk-ant-claude", "ORCHESTRATOR_LLM_API_KEY" => "sk-shared", _ => null });
        Assert.Empty(errors);

        AgentModel claude = config!.Agents["claude_semis"];
        Assert.Equal(["NVDA", "AAPL"], claude.Symbols); // the engine's spelling
        Assert.Equal(Timeframe.FiveMinutes, claude.OnBarClose);
        Assert.Null(claude.Interval);
        Assert.Equal(Path.Combine(_dir, "prompts", "semis.md"), claude.PromptFile);
        Assert.Equal("MY_CLAUDE_KEY", claude.ApiKey!.Source);
        LlmStrategyOptions options = AgentModelOptions.ToLlmOptions("claude_semis", claude);
        Assert.Equal(
            (LlmProvider.Anthropic, "claude_semis", AgentModelOptions.AnthropicEndpoint, "claude-sonnet-4-5", "sk-ant-claude", 0.1f, TimeSpan.FromSeconds(20), false, (int?)800, 50, 3, "You trade semiconductors on momentum.\n", (decimal?)3m, (decimal?)15m),
            (options.Provider, options.AgentName, options.Endpoint, options.Model, options.ApiKey, options.Temperature, options.Timeout, options.UseJsonResponseFormat, options.MaxOutputTokens, options.BarsInPrompt, options.MaxSignals, options.SystemPrompt, options.InputPricePerMillionTokens, options.OutputPricePerMillionTokens));
        Assert.Empty(options.Validate());
        Assert.DoesNotContain("sk-ant-claude", options.ToString(), StringComparison.Ordinal);

        AgentModel gemini = config.Agents["gemini_scout"];
        Assert.Equal((TimeSpan?)TimeSpan.FromMinutes(1), gemini.Interval);
        Assert.Equal("ORCHESTRATOR_LLM_API_KEY", gemini.ApiKey!.Source); // no api_key_env: the shared llm.api_key
        Assert.Equal(LlmProvider.OpenAiCompatible, AgentModelOptions.ToLlmOptions("gemini_scout", gemini).Provider);
        Assert.True(gemini.JsonResponseFormat);

        AgentModel boss = config.Agents["boss"];
        Assert.Equal((LlmRoles.Orchestrator, 5, 20_000), (boss.Role, boss.MaxSteps, boss.MaxTaskTokens));
        Assert.Equal(AgentModelOptions.OpenAiEndpoint, AgentModelOptions.ToLlmOptions("boss", boss).Endpoint);
    }

    [Fact]
    public void CommittedAgentModelExamples_Uncommented_AreValid()
    {
        string repoConfig = Path.Combine(Logging.LoggingSetupTests.RepoRoot(), "config");
        foreach (string file in Directory.GetFiles(repoConfig, "*.yaml"))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }

        string[] lines = File.ReadAllLines(Path.Combine(repoConfig, "agent_model.yaml"));
        string uncommented = string.Join('\n', lines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^(\s+)# (\s*[a-z_]+:)", "$1$2")));
        Assert.NotEqual(string.Join('\n', lines), uncommented);
        File.WriteAllText(Path.Combine(_dir, "agent_model.yaml"), uncommented);
        Directory.CreateDirectory(Path.Combine(_dir, "prompts"));
        File.WriteAllText(Path.Combine(_dir, "prompts", "strategy.md"), "Trade carefully.");
        File.WriteAllText(Path.Combine(_dir, "prompts", "semis.md"), "You follow semiconductors.");

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, name => name.EndsWith("_API_KEY", StringComparison.Ordinal) ? "k" : null);
        Assert.Empty(errors);
        Assert.Equal(["claude_orchestrator", "gemini_semis", "gpt_megacaps", "local_llama", "strategy_agent"], config!.Agents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(LlmRoles.Orchestrator, config.Agents["claude_orchestrator"].Role);
        Assert.Equal("GEMINI_API_KEY", config.Agents["gemini_semis"].ApiKey!.Source);
        Assert.Null(config.Agents["local_llama"].ApiKeyEnv);
    }

    [Fact]
    public async Task StrategyAgent_InLlmMode_SendsThePromptFile_MaxTokens_AndNoJsonFormat()
    {
        await using FakeOpenAiServer server = await FakeOpenAiServer.StartAsync();
        server.RespondWithContent("""{"signals":[]}""");
        File.WriteAllText(Path.Combine(_dir, "mine.md"), "You are a cautious swing trader of megacaps.");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(
            Agent("strategy_agent", $"provider: openai_compatible\nmodel: m\nendpoint: {server.BaseUrl}\nmax_tokens: 77\nresponse_format: text\nprompt_file: mine.md\nmax_signals: 2"),
            daemon: "agents:\n  strategy_agent:\n    mode: llm\n");
        Assert.Empty(errors);

        var settings = config!.Daemon.Agents with { SnapshotInterval = TimeSpan.FromMilliseconds(20), BarLength = TimeSpan.FromSeconds(1) };
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2_000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        BarStore bars = AgentHost.AttachBars(session, settings);
        session.Start("test");
        try
        {
            await using AgentHost agents = AgentHost.Start(session, settings, config.Agents["strategy_agent"], config.Credentials.LlmApiKey, bars: bars);
            AgentResult result = await agents.Router.SendAgentMessageAsync(AgentMessage.Create(StrategyAgent.AgentName, "generate_signals", new { symbols = new[] { "AAPL" } }));
            Assert.True(result.Ok, result.Error);

            JsonNode body = JsonNode.Parse(Assert.Single(server.Requests).Body)!;
            string system = body["messages"]![0]!["content"]!.ToString();
            Assert.StartsWith("You are a cautious swing trader of megacaps.", system, StringComparison.Ordinal);
            Assert.Contains("At most 2 signals", system, StringComparison.Ordinal); // the answer format still follows the user's prompt
            Assert.DoesNotContain("You are the strategy agent", system, StringComparison.Ordinal);
            Assert.Equal(77, (body["max_completion_tokens"] ?? body["max_tokens"])!.GetValue<int>());
            Assert.Null(body["response_format"]);
        }
        finally
        {
            session.Stop();
        }
    }

    [Fact]
    public async Task StrategyAgent_InLlmMode_NextPromptHoldsTheRiskLimits_AndWhatTheEngineDidWithItsSignal()
    {
        // Issue 18 audit: strategy_agent's prompt holds what a role: strategy agent's does; the fate of its
        // signals comes from the engine's audit stream (AgentHost wires AgentHistoryFeed into it).
        await using FakeOpenAiServer server = await FakeOpenAiServer.StartAsync();
        server.RespondWithContent("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.9,"reason":"probe","order_type":"market","quantity":1}]}""");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(
            Agent("strategy_agent", $"provider: openai_compatible\nmodel: m\nendpoint: {server.BaseUrl}"),
            daemon: "agents:\n  strategy_agent:\n    mode: llm\n");
        Assert.Empty(errors);

        var settings = config!.Daemon.Agents with { SnapshotInterval = TimeSpan.FromMilliseconds(20), BarLength = TimeSpan.FromSeconds(1) };
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2_000, WaitStrategyKind.Blocking));
        BarStore bars = AgentHost.AttachBars(session, settings);
        session.Start("test");
        try
        {
            await using AgentHost agents = AgentHost.Start(session, settings, config.Agents["strategy_agent"], config.Credentials.LlmApiKey, bars: bars);
            var ask = AgentMessage.Create(StrategyAgent.AgentName, "generate_signals", new { symbols = new[] { "AAPL" } });
            AgentResult first = await agents.Router.SendAgentMessageAsync(ask);
            Assert.True(first.Ok, first.Error);
            Assert.True(first.Result!["signals"]![0]!["accepted"]!.GetValue<bool>(), first.Result.ToJsonString());

            // Ask again until the engine's word on the first signal is in the prompt (risk's verdict, or its order's state).
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            JsonObject context;
            string? fate;
            do
            {
                await Task.Delay(20, deadline.Token); // the audit thread reports asynchronously; each round is a real model call
                AgentResult again = await agents.Router.SendAgentMessageAsync(ask, cancellationToken: deadline.Token);
                Assert.True(again.Ok, again.Error);
                string user = JsonNode.Parse(server.Requests[^1].Body)!["messages"]![1]!["content"]!.ToString();
                context = JsonNode.Parse(user["Context:\n".Length..])!.AsObject();
                JsonNode previous = context["previous_signals"]![0]!;
                string order = previous["order"]!.GetValue<string>();
                fate = order is "pending" ? null : previous["decision"]!.GetValue<string>() + " / " + order;
            }
            while (fate is null);

            Assert.NotNull(context["risk_limits"]);
            Assert.True(context["event_time_ns"]!.GetValue<long>() > 0);
            Assert.True(context.ContainsKey("recent_fills"));
            Assert.Matches("^(accepted / (open|filled|partially filled)|rejected by risk: .+ / none)$", fate);
        }
        finally
        {
            session.Stop();
        }
    }
}
