using ModelContextProtocol.Client;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// The daemon launched by the SDK's <see cref="StdioClientTransport"/> as an agent host would:
/// <c>dotnet orchestrator.dll run</c> with <c>transport: stdio</c> in mcp_integration.yaml and the trading tools on.
/// </summary>
public class StdioDaemonFixture : McpDaemonFixture
{
    private readonly List<string> _stderr = [];

    public StdioDaemonFixture()
        : this($"enabled: true\ntransport: stdio\ntools: {McpTestConfig.AllTools}\ntrading_tools_enabled: true\n")
    {
    }

    protected StdioDaemonFixture(string mcpYaml)
        : base(mcpYaml)
    {
    }

    public override string Transport => "stdio";

    public override string Tail()
    {
        lock (_stderr)
        {
            return string.Join(Environment.NewLine, _stderr.TakeLast(30));
        }
    }

    protected override Task<IClientTransport> CreateTransportAsync() => Task.FromResult<IClientTransport>(new StdioClientTransport(new StdioClientTransportOptions
    {
        Name = "orchestrator",
        Command = "dotnet",
        Arguments = [DaemonProcess.DaemonDll, .. McpTestConfig.RunArguments(ConfigDirectory)],
        WorkingDirectory = ConfigDirectory,
        EnvironmentVariables = new Dictionary<string, string?> { ["ORCHESTRATOR_KIS_APP_KEY"] = null, ["ORCHESTRATOR_KIS_APP_SECRET"] = null, ["ORCHESTRATOR_MCP_TOKEN"] = null },
        StandardErrorLines = line =>
        {
            lock (_stderr)
            {
                _stderr.Add(line);
            }
        },
    }));
}
