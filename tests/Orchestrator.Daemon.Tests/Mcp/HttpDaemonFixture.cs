using System.Text.RegularExpressions;
using ModelContextProtocol.Client;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// The daemon as a child process serving MCP over streamable HTTP on a free loopback port
/// (<c>run --mcp-port 0</c>, the address read from its log), the trading tools on; the client sends the token.
/// Its signal gateway listens on a free loopback port too (<see cref="GatewayPort"/>), for external agents.
/// </summary>
public sealed partial class HttpDaemonFixture : McpDaemonFixture
{
    private DaemonProcess? _daemon;

    public HttpDaemonFixture()
        : base($"tools: {McpTestConfig.AllTools}\ntrading_tools_enabled: true\n")
    {
    }

    public override string Transport => "http";

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The daemon's signal gateway port (agent protocol).</summary>
    public int GatewayPort { get; private set; }

    public override string Tail() => _daemon?.Tail() ?? string.Empty;

    protected override async Task<IClientTransport> CreateTransportAsync()
    {
        _daemon = DaemonProcess.Start(ConfigDirectory, Path.Combine(ConfigDirectory, "daemon.out"), McpTestConfig.RunArguments(ConfigDirectory, "--mcp-port", "0", "--gateway-port", "0"));
        string? line = await _daemon.WaitForLineAsync(l => l.Contains("MCP server (streamable HTTP) listening on", StringComparison.Ordinal), HangGuard);
        Assert.True(line is not null, "the daemon did not start its MCP server:\n" + _daemon.Tail());
        Endpoint = new Uri(EndpointPattern().Match(line).Value);
        string? gateway = await _daemon.WaitForLineAsync(l => l.Contains("Signal gateway listening on 127.0.0.1:", StringComparison.Ordinal), HangGuard);
        Assert.True(gateway is not null, "the daemon did not start its signal gateway:\n" + _daemon.Tail());
        GatewayPort = int.Parse(GatewayPortPattern().Match(gateway).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + McpTestConfig.Token },
        });
    }

    protected override async Task StopDaemonAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.TerminateAsync(HangGuard);
            _daemon.Dispose();
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/mcp")]
    private static partial Regex EndpointPattern();

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex GatewayPortPattern();
}
