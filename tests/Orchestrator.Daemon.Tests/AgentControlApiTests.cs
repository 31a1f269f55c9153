using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>The agents behind the control API, over real HTTP on loopback, in a running session.</summary>
public sealed class AgentControlApiTests : IAsyncLifetime
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);
    private ControlApiRig? _rig;

    private TradingSession Session => _rig!.Session;

    private AgentHost Agents => _rig!.Agents!;

    private HttpClient Http => _rig!.Http;

    public async Task InitializeAsync() => _rig = await ControlApiRig.StartAsync(DaemonCli.BuildOptions(seed: 5, ticksPerSecond: 2_000, WaitStrategyKind.Blocking), withAgents: true);

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, string json)
    {
        using HttpResponseMessage response = await Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task DataAgent_AnswersIndicators_FromBarsBuiltFromTheLiveFeed()
    {
        // Bars come from the session's feed through the fan-out; wait until a symbol has enough.
        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (Agents.Bars.GetBars("AAPL", 10).Count < 6)
            {
                await Task.Delay(20, guard.Token); // condition wait under a hang guard
            }
        }

        (HttpStatusCode status, JsonElement body) = await Post("/api/agents/message",
            """{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":["AAPL"],"indicators":["sma","rsi"],"period":5}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement aapl = body.GetProperty("result").GetProperty("AAPL");
        Assert.True(aapl.GetProperty("bars").GetInt32() >= 6);
        Assert.Equal(JsonValueKind.Number, aapl.GetProperty("sma").ValueKind);
        Assert.InRange(aapl.GetProperty("rsi").GetDouble(), 0, 100);
    }

    [Theory]
    [InlineData("""{"target_agent":"nobody","method":"x"}""", HttpStatusCode.NotFound, "unknown_agent")]
    [InlineData("""{"target_agent":"data_agent","method":"fly"}""", HttpStatusCode.NotFound, "unknown_method")]
    [InlineData("""{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":["AAPL"],"period":"5"}}""", HttpStatusCode.BadRequest, "invalid_params")]
    [InlineData("""{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":["TSLA"]}}""", HttpStatusCode.BadRequest, "invalid_params")]
    [InlineData("""not json""", HttpStatusCode.BadRequest, "invalid_params")]
    [InlineData("""{"target_agent":"service_agent","method":"run_backtest","params":{"strategy":"momentum","symbols":["AAPL"],"start_date":"2024-01-01","end_date":"2024-02-01"}}""", HttpStatusCode.ServiceUnavailable, "unavailable")]
    public async Task BadMessages_AreClearErrors(string message, HttpStatusCode expected, string code)
    {
        (HttpStatusCode status, JsonElement body) = await Post("/api/agents/message", message);
        Assert.Equal(expected, status);
        Assert.Equal(code, body.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task RunBacktest_WithoutBacktestData_SaysWhichSettingToSet()
    {
        (HttpStatusCode status, JsonElement body) = await Post("/api/agents/message",
            """{"target_agent":"service_agent","method":"run_backtest","params":{"strategy":"momentum","symbols":["AAPL"],"start_date":"2024-01-01","end_date":"2024-02-01"}}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        string error = body.GetProperty("error").GetString()!;
        Assert.Contains("set agents.backtest_data in daemon.yaml", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not available in this build", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelegatedTask_CanBeFollowedAndCanceled()
    {
        (HttpStatusCode status, JsonElement body) = await Post("/api/tasks", """{"target_agent":"strategy_agent","method":"generate_signals"}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        string id = body.GetProperty("task_id").GetString()!;

        await Agents.Jobs.WaitAsync(id).WaitAsync(s_hang);
        using HttpResponseMessage get = await Http.GetAsync(new Uri("/api/tasks/" + id, UriKind.Relative));
        JsonElement task = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("succeeded", task.GetProperty("status").GetString());
        Assert.Equal("rule", task.GetProperty("result").GetProperty("mode").GetString());

        using HttpResponseMessage cancelDone = await Http.DeleteAsync(new Uri("/api/tasks/" + id, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, cancelDone.StatusCode);
        using HttpResponseMessage missing = await Http.GetAsync(new Uri("/api/tasks/task-999999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        (HttpStatusCode refused, JsonElement refusal) = await Post("/api/tasks", """{"target_agent":"strategy_agent","method":"fly"}""");
        Assert.Equal(HttpStatusCode.NotFound, refused);
        Assert.Equal("unknown_method", refusal.GetProperty("error_code").GetString());
    }

    /// <summary>Issue 18: bad params used to get 202 and a task id, and fail later; now they are refused first, naming the parameter.</summary>
    [Theory]
    [InlineData("""{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":["AAPL"],"bars":100000}}""", "bars: must be between 1 and 1000")]
    [InlineData("""{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":"AAPL"}}""", "symbols: must be a list")]
    [InlineData("""{"target_agent":"Service_Agent","method":"run_backtest","params":{"strategy":"momentum","symbols":["AAPL"],"start_date":"2024-02-01","end_date":"2024-01-01"}}""", "end_date: 2024-01-01 is before start_date")]
    [InlineData("""{"target_agent":"strategy_agent","method":"generate_signals","params":{"symbol":["AAPL"]}}""", "unknown parameter 'symbol'")]
    public async Task DelegatedTask_WithBadParams_IsRefusedBeforeItGetsAnId(string message, string expected)
    {
        int before = Agents.Jobs.List().Count;

        (HttpStatusCode status, JsonElement body) = await Post("/api/tasks", message);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_params", body.GetProperty("error_code").GetString());
        string error = body.GetProperty("error").GetString()!;
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        Assert.Equal(before, Agents.Jobs.List().Count);
    }

    [Fact]
    public async Task AgentsSeeTheAccount_ThroughTheEnginesSnapshot()
    {
        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (Agents.View.Current.Version < 2)
            {
                await Task.Delay(10, guard.Token); // the periodic refresh publishes new versions
            }
        }

        Assert.Equal(Session.Engine.Symbols.Names, Agents.View.Symbols);
        Assert.True(Agents.View.Current.Equity > 0);
        using HttpResponseMessage health = await Http.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
