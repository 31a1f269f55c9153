using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Tests;

/// <summary>daemon.yaml <c>agents: limits:</c>: loaded into the engine's options, every mistake a file/key/reason error (exit 2 at check-config).</summary>
public sealed class AgentLimitConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-agentlimits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string daemonYaml)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "watch_list: [AAPL, MSFT]\n");
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Fact]
    public void Limits_AreCarriedIntoTheEngineOptions()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            agents:
              limits:
                sma_agent: { max_position: 100, max_orders_per_minute: 30, symbols: [aapl] }
                pairs: { max_position: 5 }
            """);

        Assert.Empty(errors);
        IReadOnlyList<AgentLimit> limits = config!.Engine.AgentLimits;
        Assert.Equal(2, limits.Count);
        Assert.Equal(("sma_agent", 100L, 30, "AAPL"), (limits[0].Name, limits[0].MaxPosition, limits[0].MaxOrdersPerMinute, Assert.Single(limits[0].Symbols)));
        Assert.Equal(("pairs", 5L, 0), (limits[1].Name, limits[1].MaxPosition, limits[1].MaxOrdersPerMinute));
        Assert.Empty(limits[1].Symbols);
    }

    [Theory]
    [InlineData("sma_agent: { max_position: -1 }", "agents.limits.sma_agent.max_position")]
    [InlineData("sma_agent: { max_orders_per_minute: lots }", "agents.limits.sma_agent.max_orders_per_minute")]
    [InlineData("sma_agent: { symbols: [TSLA] }", "agents.limits.sma_agent.symbols: 'TSLA' is not in the watch list (AAPL, MSFT)")]
    [InlineData("sma_agent: { max_positon: 10 }", "agents.limits.sma_agent.max_positon: is not a known key")]
    [InlineData("sma_agent: 10", "agents.limits.sma_agent: must be a mapping")]
    [InlineData("sma_agent: { symbols: AAPL }", "agents.limits.sma_agent.symbols: must be a list")]
    [InlineData("sma_agent: { max_position: 5 }\n    SMA_Agent: { max_position: 9 }", "agents.limits.SMA_Agent: names the same agent as 'sma_agent': agent names are case-insensitive")]
    public void BadLimit_IsAnErrorNamingTheFileTheKeyAndTheReason(string entry, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("agents:\n  limits:\n    " + entry + "\n");

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_dir, ConfigLoader.DaemonFile), error.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_WithABadAgentLimit_ExitsTwo_WithTheLine()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "agents:\n  limits:\n    sma_agent: { max_orders_per_minute: -5 }\n");

        (int exit, string output) = DaemonProcessTests.Run(_dir, "check-config", "--config", _dir);

        Assert.True(exit == 2, output);
        Assert.Contains("daemon.yaml:3:", output, StringComparison.Ordinal);
        Assert.Contains("agents.limits.sma_agent.max_orders_per_minute", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
