using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests;

public sealed class ConfigWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-write-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, AgentModel> s_agents = new()
    {
        ["strategy_agent"] = new AgentModel("openai", "gpt-4o-mini", "https://api.openai.com/v1", 0.2m, TimeSpan.FromSeconds(30)),
        ["local_scout"] = new AgentModel("openai_compatible", "quote \"this\"", "http://127.0.0.1:11434/v1", 0m, TimeSpan.FromMilliseconds(1500))
        {
            MaxTokens = 500,
            JsonResponseFormat = false,
            BarsInPrompt = 40,
            MaxSignals = 2,
            Symbols = ["AAPL"],
            OnBarClose = Orchestrator.Strategies.Timeframe.FiveMinutes,
            ApiKeyEnv = "SCOUT_KEY",
            InputPricePerMillionTokens = 0.5m,
            OutputPricePerMillionTokens = 1.5m,
        },
        ["boss"] = new AgentModel("openai_compatible", "big", "http://127.0.0.1:11434/v1", 0.1m, TimeSpan.FromSeconds(20))
        {
            Role = LlmRoles.Orchestrator,
            MaxSteps = 3,
            MaxTaskTokens = 9000,
        },
    };

    [Fact]
    public void WrittenFiles_ReadBackToTheSameValues_AndKeepABackup()
    {
        ConfigWriter.WriteAgentModels(_dir, s_agents);
        var mcp = new McpConfig { Enabled = true, Transport = "http", HttpPort = 9000, Tools = ["get_portfolio", "submit_signal"], TradingToolsEnabled = true };
        ConfigWriter.WriteMcp(_dir, mcp);

        // MCP over http needs its token (from the environment here)
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, name => name == "ORCHESTRATOR_MCP_TOKEN" ? "t" : null);
        Assert.Empty(errors);
        Assert.Equal(s_agents["strategy_agent"], config!.Agents["strategy_agent"]);
        Assert.Equal(s_agents["local_scout"] with { Symbols = [] }, config.Agents["local_scout"] with { Symbols = [] }); // every key but the list, by value
        Assert.Equal(s_agents["local_scout"].Symbols, config.Agents["local_scout"].Symbols);
        Assert.Equal(s_agents["boss"], config.Agents["boss"]);
        Assert.Equal(mcp.Tools, config.Mcp.Tools);
        Assert.Equal(mcp with { Tools = [] }, config.Mcp with { Tools = [] });

        string first = File.ReadAllText(Path.Combine(_dir, ConfigLoader.McpFile));
        ConfigWriter.WriteMcp(_dir, mcp with { HttpPort = 9001 });
        Assert.Equal(first, File.ReadAllText(Path.Combine(_dir, ConfigLoader.McpFile + ".bak")));
    }

    [Fact]
    public void CrashBetweenWriteAndRename_LeavesTheOldFileWhole()
    {
        ConfigWriter.WriteMcp(_dir, new McpConfig { HttpPort = 8000 });
        string path = Path.Combine(_dir, ConfigLoader.McpFile);
        string before = File.ReadAllText(path);

        Assert.Throws<IOException>(() => ConfigWriter.WriteMcp(_dir, new McpConfig { HttpPort = 9999 }, beforeRename: () => throw new IOException("power cut")));

        Assert.Equal(before, File.ReadAllText(path));
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);
        Assert.Equal(8000, config!.Mcp.HttpPort);
        Assert.Equal(1, AtomicFile.CleanUpAfterCrash(path));
        Assert.Equal(0, AtomicFile.CleanUpAfterCrash(path));
    }
}

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("00:01:30", 90)]
    public void Durations_Parse(string text, double seconds)
    {
        Assert.True(Orchestrator.Daemon.Hosting.DurationParser.TryParse(text, out TimeSpan duration, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0s")]
    [InlineData("-3s")]
    [InlineData("soon")]
    public void BadDurations_AreRefusedWithAReason(string text)
    {
        Assert.False(Orchestrator.Daemon.Hosting.DurationParser.TryParse(text, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void ConfigurationDurations_AllowZeroAndBareSeconds()
    {
        Assert.True(Orchestrator.Daemon.Hosting.DurationParser.TryParse("0s", out TimeSpan zero, out _, allowZero: true));
        Assert.Equal(TimeSpan.Zero, zero);
        Assert.True(Orchestrator.Daemon.Hosting.DurationParser.TryParse("2.5", out TimeSpan bare, out _, bareNumberIsSeconds: true));
        Assert.Equal(TimeSpan.FromSeconds(2.5), bare);
    }
}
