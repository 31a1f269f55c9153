namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>The daemon refuses to start an MCP server it cannot run safely, with a clear line, exit code 2.</summary>
public sealed class McpStartupTests : IDisposable
{
    private readonly string _dir = McpTestConfig.Create("enabled: false\n");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("enabled: false\n", new[] { "--mcp-port", "0" }, "--mcp-port: MCP over HTTP needs a bearer token: set mcp.token in")]
    [InlineData("enabled: true\ntransport: http\n", new string[0], "mcp_integration.yaml: transport: http needs a bearer token: set mcp.token in api_credentials.yaml or ORCHESTRATOR_MCP_TOKEN")]
    [InlineData("enabled: false\n", new[] { "--mcp-stdio", "--mcp-port", "9999" }, "--mcp-stdio and --mcp-port: choose one MCP transport")]
    [InlineData("enabled: false\n", new[] { "--mcp-port", "70000" }, "--mcp-port: must be between 0 and 65535, got 70000")]
    [InlineData("enabled: false\n", new[] { "--mcp-port", "18799", "--http-port", "18799" }, "--mcp-port / mcp_integration.yaml http_port: 18799 is the control API's port too")]
    [InlineData("enabled: false\n", new[] { "--gateway-port", "18798", "--http-port", "18798" }, "--gateway-port / daemon.yaml gateway.port: 18798 is the control API's port too")]
    public async Task Refused_WithAClearConfigError(string mcpYaml, string[] options, string expected)
    {
        // no MCP token anywhere (the control API's only, for the port clash)
        File.WriteAllText(Path.Combine(_dir, "api_credentials.yaml"), "control_api:\n  token: \"api-token\"\n");
        File.WriteAllText(Path.Combine(_dir, "mcp_integration.yaml"), mcpYaml);
        using var daemon = DaemonProcess.Start(_dir, Path.Combine(_dir, "daemon.out"), McpTestConfig.RunArguments(_dir, options));
        string? line = await daemon.WaitForLineAsync(l => l.Contains(expected, StringComparison.Ordinal), McpDaemonFixture.HangGuard);
        Assert.True(line is not null, "expected '" + expected + "' in:\n" + daemon.Tail());
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        while (!daemon.HasExited)
        {
            await Task.Delay(20, guard.Token); // condition wait: the process ends by itself
        }

        Assert.Equal(DaemonCli.ExitConfigError, daemon.ExitCode);
        Assert.DoesNotContain(daemon.Lines, l => l.Contains("MCP server", StringComparison.Ordinal) && l.Contains("listening", StringComparison.Ordinal));
    }
}
