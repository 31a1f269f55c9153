using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>Every tool over streamable HTTP with the bearer token, and the token's enforcement.</summary>
public sealed class McpHttpToolsTests(HttpDaemonFixture daemon) : McpToolsContract<HttpDaemonFixture>(daemon), IClassFixture<HttpDaemonFixture>
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic bWNwOnRlc3Q=")]
    public async Task WithoutTheToken_EveryRequestIs401(string? authorization)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Daemon.Endpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain(McpTestConfig.Token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheToken_TheSameRequestIsServed()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Daemon.Endpoint) { Content = new StringContent(Initialize, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", McpTestConfig.Token);
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"serverInfo\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// send_agent_message over MCP reaches a real external agent (a raw TCP connection to the daemon's
    /// gateway speaking the agent protocol) as a request line, and its response line is the tool's
    /// answer; an unknown method names the agent's methods; once it has left, it is unavailable.
    /// </summary>
    [Fact]
    public async Task SendAgentMessage_ReachesAConnectedExternalAgent_ItsResponseIsTheAnswer_AndOnceGone_ItIsUnavailable()
    {
        using var guard = new CancellationTokenSource(McpDaemonFixture.HangGuard);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Daemon.GatewayPort, guard.Token);
        var reader = new StreamReader(tcp.GetStream());
        await SendLine(tcp, """{"type":"hello","name":"mcp_ext","version":"1","methods":["get_state"],"ticks":false}""", guard.Token);
        await ReadUntilType(reader, "welcome", guard.Token);

        Task<CallToolResult> call = Daemon.CallAsync("send_agent_message", new Dictionary<string, object?>
        {
            ["agent"] = "mcp_ext", ["method"] = "get_state", ["params"] = new Dictionary<string, object?> { ["depth"] = 2 },
        });
        JsonElement request = await ReadUntilType(reader, "request", guard.Token);
        Assert.Equal("get_state", request.GetProperty("method").GetString());
        Assert.Equal(2, request.GetProperty("params").GetProperty("depth").GetInt32());
        await SendLine(tcp, "{\"type\":\"response\",\"request_id\":\"" + request.GetProperty("request_id").GetString() + "\",\"result\":{\"position\":3}}", guard.Token);
        CallToolResult answered = await call.WaitAsync(guard.Token);
        Assert.True(answered.IsError != true, McpDaemonFixture.Text(answered));
        Assert.Equal(3, JsonDocument.Parse(McpDaemonFixture.Text(answered)).RootElement.GetProperty("position").GetInt32());

        CallToolResult unknown = await Daemon.CallAsync("send_agent_message", new Dictionary<string, object?> { ["agent"] = "mcp_ext", ["method"] = "fly" });
        Assert.True(unknown.IsError);
        Assert.Contains("unknown_method: mcp_ext has no method 'fly'; it has: get_state", McpDaemonFixture.Text(unknown), StringComparison.Ordinal);

        // It leaves: the router answers unavailable (a request in flight at the close is failed the same way).
        tcp.Dispose();
        CallToolResult gone = await Daemon.CallAsync("send_agent_message", new Dictionary<string, object?> { ["agent"] = "mcp_ext", ["method"] = "get_state" });
        Assert.True(gone.IsError, McpDaemonFixture.Text(gone));
        Assert.Contains("mcp_ext.get_state: unavailable: external agent 'mcp_ext' is disconnected", McpDaemonFixture.Text(gone), StringComparison.Ordinal);
        Assert.Equal("running", (await Daemon.CallOkAsync("get_system_status")).GetProperty("state").GetString());
    }

    private static Task SendLine(TcpClient tcp, string line, CancellationToken cancellationToken) =>
        tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).AsTask();

    private static async Task<JsonElement> ReadUntilType(StreamReader reader, string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            string line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException($"the gateway closed the connection before a '{type}' line");
            JsonElement parsed = JsonDocument.Parse(line).RootElement.Clone();
            string? got = parsed.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
            Assert.NotEqual("error", got);
            if (got == type)
            {
                return parsed;
            }
        }
    }
}
