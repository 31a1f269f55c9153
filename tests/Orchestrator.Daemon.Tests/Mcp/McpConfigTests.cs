using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>mcp_integration.yaml is validated strictly: every problem names the file, the key and what is wrong.</summary>
public sealed class McpConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-mcpcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string mcpYaml, Func<string, string?>? environment = null)
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.McpFile), mcpYaml);
        return ConfigLoader.Load(_dir, environment ?? (_ => null));
    }

    [Theory]
    [InlineData("tools: [get_portfolio, launch_rockets]\n", "tools", "'launch_rockets' is not a known tool; known: get_portfolio")]
    [InlineData("tools: [get_portfolio, submit_signal]\n", "tools", "'submit_signal' is a trading tool and needs trading_tools_enabled: true")]
    [InlineData("tools: [engage_kill_switch]\ntrading_tools_enabled: false\n", "tools", "'engage_kill_switch' is a trading tool")]
    [InlineData("tools: [get_portfolio, get_portfolio]\n", "tools", "'get_portfolio' is listed more than once")]
    [InlineData("transport: websocket\n", "transport", "websocket")]
    [InlineData("http_port: 0\n", "http_port", "0")]
    [InlineData("http_port: 70000\n", "http_port", "70000")]
    [InlineData("enabled: true\ntransport: http\n", "transport", "http needs a bearer token: set mcp.token in api_credentials.yaml or ORCHESTRATOR_MCP_TOKEN")]
    [InlineData("enabled: maybe\n", "enabled", "maybe")]
    [InlineData("port: 8765\n", "port", "is not a known key")]
    public void Problem_IsReportedWithFileKeyAndReason(string yaml, string key, string expected)
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(yaml);
        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.EndsWith(ConfigLoader.McpFile, error.File, StringComparison.Ordinal);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpWithATokenFromTheEnvironment_IsValid_AndTheTokenNeverPrints()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(
            $"enabled: true\ntransport: http\nhttp_port: 9100\ntools: {McpTestConfig.AllTools}\ntrading_tools_enabled: true\n",
            name => name == "ORCHESTRATOR_MCP_TOKEN" ? "env-secret-token" : null);
        Assert.Empty(errors);
        Assert.Equal(9100, config!.Mcp.HttpPort);
        Assert.Equal(12, config.Mcp.Tools.Count);
        Assert.Equal("env-secret-token", config.Credentials.McpToken!.Reveal());
        Assert.Equal("ORCHESTRATOR_MCP_TOKEN", config.Credentials.McpToken.Source);
        Assert.DoesNotContain("env-secret-token", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void McpTokenInTheCredentialsFile_IsAKnownKey()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), "mcp:\n  token: \"file-token\"\n");
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load("enabled: true\ntransport: http\n");
        Assert.Empty(errors);
        Assert.Equal("api_credentials.yaml:mcp.token", config!.Credentials.McpToken!.Source);
    }

    [Fact]
    public void McpWantsStdio_ReadsTheMcpFileAlone_EvenWithAProblemInIt()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.RiskFile), "max_daily_loss: 7\n"); // another file's problem does not matter here
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.McpFile), "enabled: true\ntransport: stdio\n");
        Assert.True(ConfigLoader.McpWantsStdio(_dir));

        File.WriteAllText(Path.Combine(_dir, ConfigLoader.McpFile), "enabled: true\ntransport: stdio\ntools: [get_weather]\n");
        Assert.True(ConfigLoader.McpWantsStdio(_dir)); // stdout stays the client's; the full load reports the tool

        File.WriteAllText(Path.Combine(_dir, ConfigLoader.McpFile), "enabled: true\ntransport: http\n");
        Assert.False(ConfigLoader.McpWantsStdio(_dir));
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.McpFile), "enabled: false\ntransport: stdio\n");
        Assert.False(ConfigLoader.McpWantsStdio(_dir));
        Assert.False(ConfigLoader.McpWantsStdio(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void CommittedMcpFile_IsValid_AndExposesNoTradingTools()
    {
        (McpConfig? committed, IReadOnlyList<ConfigError> errors) = ConfigLoader.LoadMcp(McpTestConfig.RepositoryConfigDirectory());
        Assert.Empty(errors);
        Assert.NotNull(committed);
        Assert.False(committed.TradingToolsEnabled);
        Assert.Equal(McpTools.ReadOnly, committed.Tools);
    }
}
