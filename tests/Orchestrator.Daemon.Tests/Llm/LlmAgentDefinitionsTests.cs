using System.Text.Json.Nodes;
using Orchestrator.Agents.Llm;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Ring;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests.Llm;

/// <summary>agent_model.yaml's role-strategy LLM agents become configured strategies (issue 18, contract R3).</summary>
public sealed class LlmAgentDefinitionsTests
{
    private const string AgentModelPath = "config/agent_model.yaml";

    private static AgentModel Entry(string role = LlmRoles.Strategy, IReadOnlyList<string>? symbols = null, Timeframe? onBarClose = null, TimeSpan? interval = null) =>
        new(LlmProviders.OpenAiCompatible, "fake-model", "http://127.0.0.1:9/v1", 0.2m, TimeSpan.FromSeconds(10))
        {
            Role = role,
            Symbols = symbols ?? ["AAPL"],
            OnBarClose = onBarClose,
            Interval = interval,
            Prompt = "Trade carefully.",
            MaxSignals = 3,
        };

    [Fact]
    public void RoleStrategyEntries_BecomeSlowPathStrategies_TheStrategyAgentAndTheOrchestratorDoNot()
    {
        DaemonConfig defaults = ConfigLoader.Defaults();
        var agents = new Dictionary<string, AgentModel>
        {
            ["strategy_agent"] = Entry(onBarClose: Timeframe.OneMinute),
            ["momentum_llm"] = Entry(onBarClose: Timeframe.FiveMinutes),
            ["planner"] = Entry(role: LlmRoles.Orchestrator),
        };
        var errors = new List<ConfigError>();

        IReadOnlyList<LlmAgentDefinition> definitions = LlmAgentDefinitions.From(agents, defaults.Engine, [], AgentModelPath, errors);

        Assert.Empty(errors);
        LlmAgentDefinition definition = Assert.Single(definitions);
        Assert.Equal(("momentum_llm", "momentum_llm", "Trade carefully.", 3), (definition.Name, definition.Options.AgentName, definition.Options.SystemPrompt, definition.Options.MaxSignals));
        StrategyDefinition strategy = definition.Strategy("/abs/agent_model.yaml");
        Assert.Equal((StrategyThreading.SlowPath, true), (strategy.Threading, strategy.Enabled));
        Assert.Equal(["AAPL"], strategy.Symbols);
        IStrategy instance = strategy.Create();
        Assert.IsType<LlmStrategy>(instance);
        Assert.Equal([Timeframe.FiveMinutes], instance.Timeframes);
        Assert.NotSame(instance, strategy.Create()); // a fresh one per engine
    }

    [Fact]
    public void ARunsEngine_GetsTheLlmAgentAmongItsStrategies()
    {
        DaemonConfig defaults = ConfigLoader.Defaults();
        var errors = new List<ConfigError>();
        IReadOnlyList<LlmAgentDefinition> definitions = LlmAgentDefinitions.From(
            new Dictionary<string, AgentModel> { ["momentum_llm"] = Entry(interval: TimeSpan.FromMinutes(5)) }, defaults.Engine, [], AgentModelPath, errors);
        DaemonConfig config = defaults with { Strategies = [.. definitions.Select(d => d.Strategy("/abs/agent_model.yaml"))], LlmAgents = definitions };

        SessionOptions options = DaemonCli.BuildOptions(config, 1, 0, WaitStrategyKind.Blocking);

        StrategyRegistration registration = Assert.Single(options.Engine.Strategies);
        Assert.Equal(("momentum_llm", StrategyThreading.SlowPath), (registration.Name, registration.Instance.Threading));
        Assert.Equal("every 300 s", ((LlmStrategy)registration.Instance).Schedule.ToString());
    }

    [Fact]
    public void ThePromptsRiskLimits_AreTheConfiguredOnes_UntilASessionIsFollowed()
    {
        DaemonConfig defaults = ConfigLoader.Defaults();
        var runtime = new LlmAgentRuntime(new RiskParameters(defaults.Engine.Risk, defaults.Engine.Sizing, defaults.Engine.Exits));
        Assert.Equal(defaults.Engine.Risk.MaxDailyLossFraction, JsonNode.Parse(runtime.RiskLimitsText())!["max_daily_loss"]!.GetValue<decimal>());

        RiskParameters live = new(defaults.Engine.Risk with { MaxDailyLossFraction = 0.005m }, defaults.Engine.Sizing, defaults.Engine.Exits);
        runtime.Follow(() => live);

        Assert.Equal(0.005m, JsonNode.Parse(runtime.RiskLimitsText())!["max_daily_loss"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("orb", "AAPL", "5m", null, "agents.orb", "is also the name of a strategy in daemon.yaml")]
    [InlineData("llm", "", "5m", null, "agents.llm.symbols", "role strategy needs the symbols it trades")]
    [InlineData("llm", "TSLA", "5m", null, "agents.llm.symbols", "'TSLA' is not traded here")]
    [InlineData("llm", "AAPL", null, null, "agents.llm", "role strategy needs one of interval or on: bar_close(...)")]
    [InlineData("llm", "AAPL", "5m", 60, "agents.llm", "role strategy needs one of interval or on: bar_close(...)")]
    public void AnEntryAStrategyCannotBeMadeOf_IsAnErrorNamingTheFileAndKey(string name, string symbols, string? onBarClose, int? intervalSeconds, string key, string message)
    {
        DaemonConfig defaults = ConfigLoader.Defaults();
        AgentModel entry = Entry(
            symbols: symbols.Length == 0 ? [] : [symbols],
            onBarClose: onBarClose is null ? null : Timeframe.Parse(onBarClose),
            interval: intervalSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
        var errors = new List<ConfigError>();

        IReadOnlyList<LlmAgentDefinition> definitions = LlmAgentDefinitions.From(new Dictionary<string, AgentModel> { [name] = entry }, defaults.Engine, ["orb"], AgentModelPath, errors);

        Assert.Empty(definitions);
        ConfigError error = Assert.Single(errors);
        Assert.Equal((AgentModelPath, key), (error.File, error.KeyPath));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
