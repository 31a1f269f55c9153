using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Tests;

/// <summary>daemon.yaml <c>consolidation:</c> (issue 18): groups carried into the engine's options; every mistake an error naming file, key and reason (exit 2 at check-config).</summary>
public sealed class ConsolidationConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-consolidation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string daemonYaml)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), daemonYaml);
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.AccountFile), "watch_list: [AAPL, MSFT, NVDA, AMZN]\n");
        return ConfigLoader.Load(_dir, _ => null);
    }

    [Fact]
    public void Groups_AreCarriedIntoTheEngineOptions_WithEachModesKeys()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            consolidation:
              tech:
                symbols: [aapl, MSFT]
                mode: weighted_vote
                window: 30s
                weights: { claude_strategy: 2, gemini_scout: 0.5 }
                threshold: 2.5
              semis: { symbols: [NVDA], mode: quorum, quorum: 3, window: 1m, max_pending: 8 }
              guarded: { symbols: [AMZN], mode: veto, veto_sources: [risk_agent], window: 5m }
            """);

        Assert.Empty(errors);
        IReadOnlyList<ConsolidationGroup> groups = config!.Engine.Consolidation;
        Assert.Equal(["tech", "semis", "guarded"], groups.Select(g => g.Name));
        Assert.Equal((ConsolidationMode.WeightedVote, TimeSpan.FromSeconds(30), 2.5m), (groups[0].Mode, groups[0].Window, groups[0].Threshold));
        Assert.Equal(["AAPL", "MSFT"], groups[0].Symbols);
        Assert.Equal(0.5m, groups[0].Weights["gemini_scout"]);
        Assert.Equal((ConsolidationMode.Quorum, 3, 8), (groups[1].Mode, groups[1].Quorum, groups[1].MaxPending));
        Assert.Equal((ConsolidationMode.Veto, "risk_agent"), (groups[2].Mode, Assert.Single(groups[2].VetoSources)));
        Assert.NotNull(new Engine.TradingEngine(config.Engine, Engine.Audit.NullAuditWriter.Instance).Consolidation); // the engine takes them as they are
    }

    [Fact]
    public void ASourceNoConfiguredAgentHas_IsAWarningNamingTheKey_AConfiguredOneInAnyCaseIsNot()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("""
            consolidation:
              tech: { symbols: [AAPL], mode: weighted_vote, threshold: 1, weights: { Strategy_Agent: 2, claude_stratgy: 1 } }
              guarded: { symbols: [AMZN], mode: veto, veto_sources: [MCP, risk_agnt], window: 5m }
            """);

        Assert.Empty(errors);
        Assert.Equal(2, config!.Warnings.Count);
        Assert.Contains(config.Warnings, w => w.Contains("consolidation.tech.weights.claude_stratgy: 'claude_stratgy' is not the name of any configured agent or strategy", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.Contains("consolidation.guarded.veto_sources: 'risk_agnt' is not the name", StringComparison.Ordinal));
    }

    [Fact]
    public void NoSection_OrPassThrough_IsTodaysBehaviour()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("consolidation:\n  all: { symbols: [AAPL, MSFT] }\n");

        Assert.Empty(errors);
        Assert.Equal(ConsolidationMode.PassThrough, Assert.Single(config!.Engine.Consolidation).Mode);
        Assert.Null(new Engine.TradingEngine(config.Engine, Engine.Audit.NullAuditWriter.Instance).Consolidation);
        Assert.Empty(Load("agents: { enabled: false }\n").Config!.Engine.Consolidation);
    }

    [Theory]
    [InlineData("g: { symbols: [AAPL], mode: majority }", "consolidation.g.mode: must be one of pass_through, first_wins, weighted_vote, quorum, veto, got 'majority'")]
    [InlineData("g: { symbols: [TSLA], mode: first_wins }", "consolidation.g.symbols: 'TSLA' is not in the watch list")]
    [InlineData("g: { symbols: [], mode: first_wins }", "consolidation.g.symbols: is required")]
    [InlineData("g: { symbols: [AAPL], mode: first_wins }\n  h: { symbols: [aapl], mode: quorum, quorum: 2 }", "consolidation.h.symbols: 'AAPL' is already in group 'g'")]
    [InlineData("g: { symbols: [AAPL], mode: first_wins, window: 0s }", "consolidation.g.window: must be above 0")]
    [InlineData("g: { symbols: [AAPL], mode: quorum, quorum: 1 }", "consolidation.g.quorum: must be at least 2")]
    [InlineData("g: { symbols: [AAPL], mode: quorum }", "consolidation.g.quorum: is required for mode quorum")]
    [InlineData("g: { symbols: [AAPL], mode: weighted_vote, threshold: 1, weights: { a: 0 } }", "consolidation.g.weights.a: must be above 0, got 0")]
    [InlineData("g: { symbols: [AAPL], mode: weighted_vote, threshold: -1 }", "consolidation.g.threshold: must be above 0, got -1")]
    [InlineData("g: { symbols: [AAPL], mode: weighted_vote }", "consolidation.g.threshold: is required for mode weighted_vote")]
    [InlineData("g: { symbols: [AAPL], mode: veto }", "consolidation.g.veto_sources: is required for mode veto")]
    [InlineData("g: { symbols: [AAPL], mode: quorum, quorum: 2, weights: { a: 1 } }", "consolidation.g.weights: does not apply to mode quorum")]
    [InlineData("g: { symbols: [AAPL], mode: first_wins, windw: 5s }", "consolidation.g.windw: is not a known key")]
    [InlineData("g: { symbols: [AAPL], mode: weighted_vote, threshold: 1, weights: { Alpha: 1, alpha: 2 } }", "consolidation.g.weights.alpha: names the same agent as 'Alpha': agent names are case-insensitive")]
    public void BadGroup_IsAnErrorNamingTheFileTheKeyAndTheReason(string entry, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("consolidation:\n  " + entry + "\n");

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.StartsWith(Path.Combine(_dir, ConfigLoader.DaemonFile), error.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_WithABadGroup_ExitsTwo_WithTheLine()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.DaemonFile), "consolidation:\n  semis:\n    symbols: [AAPL]\n    mode: quorum\n    quorum: 1\n");

        (int exit, string output) = DaemonProcessTests.Run(_dir, "check-config", "--config", _dir);

        Assert.True(exit == 2, output);
        Assert.Contains("daemon.yaml:5:", output, StringComparison.Ordinal);
        Assert.Contains("consolidation.semis.quorum", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
