using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Orchestration;

namespace Orchestrator.Daemon.Tests.Orchestration;

/// <summary><c>POST /api/orchestrator/ask</c> over real HTTP on loopback, with the control API's bearer token.</summary>
public sealed class OrchestratorEndpointTests : IAsyncLifetime
{
    private const string Token = "test-token";
    private OrchestratorRig? _rig;

    private OrchestratorRig Rig => _rig!;

    public async Task InitializeAsync() => _rig = await OrchestratorRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ask_AnswersWithTheTaskId_Answer_Steps_Tokens_ToolCalls_AndStopped()
    {
        Rig.Model.EnqueueToolCall("get_portfolio", "{}").EnqueueText("Cash is plenty.");
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);
        await using ControlApi api = await StartApiAsync(agent);
        using HttpClient http = Client(api, Token);

        (HttpStatusCode status, JsonElement body) = await PostAsync(http, """{"task":"how much cash do we have?"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        string taskId = body.GetProperty("task_id").GetString()!;
        Assert.StartsWith("orch-", taskId, StringComparison.Ordinal);
        Assert.Equal("Cash is plenty.", body.GetProperty("answer").GetString());
        Assert.Equal(2, body.GetProperty("steps").GetInt32());
        Assert.Equal(2 * Rig.Model.InputTokens, body.GetProperty("tokens").GetProperty("input").GetInt64());
        Assert.Equal(2 * Rig.Model.OutputTokens, body.GetProperty("tokens").GetProperty("output").GetInt64());
        JsonElement call = Assert.Single(body.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("get_portfolio", true, JsonValueKind.Null), (call.GetProperty("name").GetString(), call.GetProperty("ok").GetBoolean(), call.GetProperty("error").ValueKind));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stopped").ValueKind);
        Assert.Single(Rig.ToolCallLines(taskId));
    }

    [Theory]
    [InlineData("", "body: not valid JSON")]
    [InlineData("not json", "body: not valid JSON")]
    [InlineData("[\"task\"]", "body: must be a JSON object")]
    [InlineData("{}", "task: required, a non-empty string")]
    [InlineData("""{"task":"  "}""", "task: required, a non-empty string")]
    [InlineData("""{"task":5}""", "task: required, a non-empty string")]
    [InlineData("""{"task":"x","target_agent":"data_agent"}""", "target_agent: not a field of the body")]
    public async Task BadBodies_Are400_WithAPlainMessage_AndNoModelCall(string json, string message)
    {
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);
        await using ControlApi api = await StartApiAsync(agent);
        using HttpClient http = Client(api, Token);

        (HttpStatusCode status, JsonElement body) = await PostAsync(http, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(message, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(Rig.Model.Requests);
    }

    [Fact]
    public async Task ATaskTooLong_Is400()
    {
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);
        await using ControlApi api = await StartApiAsync(agent);
        using HttpClient http = Client(api, Token);

        (HttpStatusCode status, JsonElement body) = await PostAsync(http, JsonSerializer.Serialize(new { task = new string('x', OrchestratorAgent.MaxTaskLength + 1) }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"task: at most {OrchestratorAgent.MaxTaskLength} characters, got {OrchestratorAgent.MaxTaskLength + 1}", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task WithoutAnOrchestratorAgent_Is404_SayingHowToConfigureOne()
    {
        await using ControlApi api = await StartApiAsync(null);
        using HttpClient http = Client(api, Token);

        (HttpStatusCode status, JsonElement body) = await PostAsync(http, """{"task":"anything"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("role: orchestrator", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheToken_Is401_AndTheModelIsNotCalled()
    {
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);
        await using ControlApi api = await StartApiAsync(agent);
        using HttpClient http = Client(api, "wrong");

        using HttpResponseMessage response = await http.PostAsync(new Uri(OrchestratorEndpoints.AskPath, UriKind.Relative), new StringContent("""{"task":"buy"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Rig.Model.Requests);
    }

    private Task<ControlApi> StartApiAsync(OrchestratorAgent? agent) =>
        ControlApi.StartAsync(Rig.Session, null, new Secret(Token, "test"), 0, null, agent, CancellationToken.None);

    private static HttpClient Client(ControlApi api, string token)
    {
        var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = OrchestratorRig.HangGuard };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string json)
    {
        using HttpResponseMessage response = await http.PostAsync(new Uri(OrchestratorEndpoints.AskPath, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
