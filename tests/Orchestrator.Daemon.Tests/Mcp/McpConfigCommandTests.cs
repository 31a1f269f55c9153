using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary><c>orchestrator mcp-config</c>: mcp_integration.yaml read and written (atomically, with .bak) under the loader's rules.</summary>
public sealed class McpConfigCommandTests : IDisposable
{
    private const string Original = "enabled: false\ntransport: stdio\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("orc-mcpcmd-").FullName;

    public McpConfigCommandTests()
    {
        File.WriteAllText(McpFile, Original);
    }

    private string McpFile => Path.Combine(_dir, ConfigLoader.McpFile);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(McpConfigChange change, out string stdout, out string stderr)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = McpConfigCommand.Run(_dir, change, output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        return code;
    }

    [Fact]
    public void WithoutChanges_ShowsTheSettings_AndWhereTheTokenComesFrom_NeverTheToken()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), "mcp:\n  token: \"never-printed\"\n");
        File.WriteAllText(McpFile, "enabled: true\ntransport: http\nhttp_port: 9100\n");
        Assert.Equal(0, Run(new McpConfigChange(null, null, null, null, null), out string stdout, out _));
        Assert.Contains("enabled, transport http on 127.0.0.1:9100/mcp, token from api_credentials.yaml:mcp.token", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("never-printed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_IsWrittenAtomically_ReadsBack_AndKeepsTheOldVersionAsBak()
    {
        File.WriteAllText(Path.Combine(_dir, ConfigLoader.CredentialsFile), "mcp:\n  token: \"t\"\n");
        Assert.Equal(0, Run(new McpConfigChange(true, "http", 9200, "get_portfolio, submit_signal", true), out string stdout, out string stderr));
        Assert.Contains("restart the daemon to apply", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_dir, _ => null);
        Assert.Empty(errors);
        Assert.Equal(new McpConfig { Enabled = true, Transport = "http", HttpPort = 9200, TradingToolsEnabled = true } with { Tools = [] }, config!.Mcp with { Tools = [] });
        Assert.Equal(["get_portfolio", "submit_signal"], config.Mcp.Tools);
        Assert.Equal(Original, File.ReadAllText(McpFile + ".bak"));
    }

    [Theory]
    [InlineData(null, null, "get_portfolio,submit_signal", false, "tools: 'submit_signal' is a trading tool and needs trading_tools_enabled: true")]
    [InlineData(null, null, "get_portfolio,sell_everything", null, "tools: 'sell_everything' is not a known tool")]
    [InlineData(true, "http", null, null, "transport: http needs a bearer token: set mcp.token")]
    [InlineData(null, "carrier-pigeon", null, null, "transport:")]
    public void InvalidChange_IsRefusedWithFileKeyAndReason_AndNothingIsWritten(bool? enabled, string? transport, string? tools, bool? trading, string expected)
    {
        Assert.Equal(DaemonCli.ExitConfigError, Run(new McpConfigChange(enabled, transport, null, tools, trading), out _, out string stderr));
        Assert.Contains(Path.Combine(_dir, ConfigLoader.McpFile) + ": " + expected, stderr, StringComparison.Ordinal);
        Assert.Contains("nothing written", stderr, StringComparison.Ordinal);
        Assert.Equal(Original, File.ReadAllText(McpFile));
        Assert.False(File.Exists(McpFile + ".bak"));
    }
}
