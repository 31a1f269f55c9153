using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Orchestrator.Agents.Health;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// External agents (agent protocol over the gateway) behind the router: a real session with its
/// gateway on loopback, a raw TCP agent, the control API over real HTTP (issue 17, item 2).
/// </summary>
public sealed class ExternalAgentRoutingTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private ControlApiRig? _rig;

    private TradingSession Session => _rig!.Session;

    private AgentHost Agents => _rig!.Agents!;

    private HttpClient Http => _rig!.Http;

    public async Task InitializeAsync() => _rig = await ControlApiRig.StartAsync(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 500, WaitStrategyKind.Blocking) with { Gateway = new Adapters.SignalGateway.GatewayOptions { Port = 0 } }, withAgents: true);

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task ExternalAgent_IsListedRoutedAndWatched_AndAfterItDisconnects_FailsClearlyWithoutRestartsOrCritical()
    {
        using var guard = new CancellationTokenSource(s_hang);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Session.SignalGateway!.Port, guard.Token);
        var reader = new StreamReader(tcp.GetStream());
        await Send(tcp, """{"type":"hello","name":"ext_agent","version":"1.2","methods":["get_state"],"ticks":false}""", guard.Token);
        await ReadUntilType(reader, "welcome", guard.Token);

        JsonElement listed = await Listed("ext_agent");
        Assert.Equal("external", listed.GetProperty("kind").GetString());
        Assert.True(listed.GetProperty("connected").GetBoolean());
        Assert.Equal(["get_state"], listed.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(JsonValueKind.String, listed.GetProperty("last_heartbeat").ValueKind);
        Assert.Equal(0, listed.GetProperty("counters").GetProperty("requests").GetInt64());
        Assert.Equal(0, listed.GetProperty("counters").GetProperty("market_data_dropped").GetInt64());
        Assert.True(listed.TryGetProperty("process", out _)); // the supervisor's field stays (null: not supervised)

        // A message reaches it as a request line; its response is the API's answer.
        Task<(HttpStatusCode, JsonElement)> call = Post("""{"target_agent":"ext_agent","method":"get_state","params":{"depth":2}}""");
        JsonElement request = await ReadUntilType(reader, "request", guard.Token);
        Assert.Equal("get_state", request.GetProperty("method").GetString());
        Assert.Equal(2, request.GetProperty("params").GetProperty("depth").GetInt32());
        await Send(tcp, "{\"type\":\"response\",\"request_id\":\"" + request.GetProperty("request_id").GetString() + "\",\"result\":{\"position\":3}}", guard.Token);
        (HttpStatusCode status, JsonElement body) = await call.WaitAsync(guard.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("result").GetProperty("position").GetInt32());

        (HttpStatusCode unknown, JsonElement unknownBody) = await Post("""{"target_agent":"ext_agent","method":"fly"}""");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("unknown_method", unknownBody.GetProperty("error_code").GetString());

        HealthSnapshot connected = await Agents.Health.CheckNowAsync(guard.Token);
        Assert.Equal(HealthState.Healthy, Assert.Single(connected.Components, c => c.Name == "ext_agent").State);

        // It leaves: still listed (disconnected), messages fail with a clear error, health says why.
        tcp.Dispose();
        await Waits.UntilAsync(() => !(Session.SignalGateway.TryGetAgent("ext_agent", out var gatewayAgent) && gatewayAgent!.Connected), "the gateway notices the agent's close", s_hang);

        (HttpStatusCode gone, JsonElement goneBody) = await Post("""{"target_agent":"ext_agent","method":"get_state"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone);
        Assert.Equal("unavailable", goneBody.GetProperty("error_code").GetString());
        Assert.Contains("external agent 'ext_agent' is disconnected", goneBody.GetProperty("error").GetString(), StringComparison.Ordinal);

        JsonElement after = await Listed("ext_agent");
        Assert.False(after.GetProperty("connected").GetBoolean());
        Assert.Equal(1, after.GetProperty("counters").GetProperty("requests").GetInt64());

        var critical = new List<HealthStateChange>();
        Agents.Health.StateChanged += (_, change) =>
        {
            if (change.Critical)
            {
                lock (critical)
                {
                    critical.Add(change);
                }
            }
        };
        for (int i = 0; i < 5; i++)
        {
            // More checks than the restart budget (3): a restartable agent would end CRITICAL.
            HealthSnapshot snapshot = await Agents.Health.CheckNowAsync(guard.Token);
            ComponentHealth health = Assert.Single(snapshot.Components, c => c.Name == "ext_agent");
            Assert.Equal(HealthState.Degraded, health.State);
            Assert.Contains("is disconnected", health.Detail, StringComparison.Ordinal);
            Assert.Contains("not restarted", health.Detail, StringComparison.Ordinal);
        }

        lock (critical)
        {
            Assert.Empty(critical);
        }

        using HttpResponseMessage healthResponse = await Http.GetAsync(new Uri("/api/health", UriKind.Relative), guard.Token);
        JsonElement components = JsonDocument.Parse(await healthResponse.Content.ReadAsStringAsync(guard.Token)).RootElement.GetProperty("components");
        JsonElement component = components.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "ext_agent");
        Assert.Equal("degraded", component.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ExternalAgent_NamedLikeABuiltInAgent_IsNotRouted_AndTheBuiltInStillAnswers()
    {
        using var guard = new CancellationTokenSource(s_hang);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Session.SignalGateway!.Port, guard.Token);
        var reader = new StreamReader(tcp.GetStream());
        await Send(tcp, """{"type":"hello","name":"data_agent","methods":["get_state"],"ticks":false}""", guard.Token);
        await ReadUntilType(reader, "welcome", guard.Token);

        JsonElement listed = await Listed("data_agent");
        Assert.False(listed.TryGetProperty("kind", out _)); // still the built-in one
        Assert.Contains("get_technical_indicators", listed.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        (HttpStatusCode status, JsonElement body) = await Post("""{"target_agent":"data_agent","method":"get_state"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown_method", body.GetProperty("error_code").GetString());
    }

    private static Task Send(TcpClient tcp, string line, CancellationToken cancellationToken) =>
        tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).AsTask();

    private static async Task<JsonElement> ReadUntilType(StreamReader reader, string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            string line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException($"the gateway closed the connection before a '{type}' line");
            JsonElement parsed = JsonDocument.Parse(line).RootElement.Clone();
            if (parsed.TryGetProperty("type", out JsonElement t) && t.GetString() == type)
            {
                return parsed;
            }

            Assert.NotEqual("error", parsed.TryGetProperty("type", out JsonElement e) ? e.GetString() : null);
        }
    }

    private async Task<JsonElement> Listed(string name)
    {
        using HttpResponseMessage response = await Http.GetAsync(new Uri("/api/agents", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement agents = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return agents.EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string json)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri("/api/agents/message", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
