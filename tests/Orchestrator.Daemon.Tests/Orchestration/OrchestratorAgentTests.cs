using System.Text.Json;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Daemon.Orchestration;

namespace Orchestrator.Daemon.Tests.Orchestration;

/// <summary>
/// The orchestrator agent against a fake model server on loopback that scripts tool calls, in both
/// wire formats, over a running paper session: it answers with the tools' findings, refuses what its
/// caller may not do, stops a looping model, and audits every tool call with its task id.
/// </summary>
public sealed class OrchestratorAgentTests : IAsyncLifetime
{
    private OrchestratorRig? _rig;

    private OrchestratorRig Rig => _rig!;

    public static TheoryData<ModelWireFormat> Formats => [ModelWireFormat.OpenAi, ModelWireFormat.Anthropic];

    public async Task InitializeAsync() => _rig = await OrchestratorRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Task_CallsGetPositions_ThenAnswers_AndTheCallIsAudited(ModelWireFormat format)
    {
        await Rig.HoldAPositionAsync();
        string symbol = Rig.Session.Engine.Symbols.GetName(0);
        Rig.Model.EnqueueToolCall("get_positions", "{}").EnqueueText("We hold " + symbol + " only.");
        using OrchestratorAgent agent = Rig.Agent(format);

        OrchestratorAnswer answer = (await agent.AskAsync("what is our exposure to semis?", allowTrading: true, CancellationToken.None))!;

        Assert.Equal("We hold " + symbol + " only.", answer.Answer);
        Assert.Null(answer.Stopped);
        Assert.Equal(2, answer.Steps);
        Assert.Equal((2L * Rig.Model.InputTokens, 2L * Rig.Model.OutputTokens), (answer.InputTokens, answer.OutputTokens));
        Assert.Equal([new OrchestratorToolCall("get_positions", true, null)], answer.ToolCalls);

        IReadOnlyList<ModelRequest> requests = Rig.Model.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(format, r.Format));
        Assert.Contains("get_positions", requests[0].ToolNames);
        Assert.Contains("get_technical_indicators", requests[0].ToolNames);
        Assert.DoesNotContain("submit_signal", requests[0].ToolNames); // the committed MCP settings: trading tools off
        Assert.Contains("what is our exposure to semis?", requests[0].MessagesText, StringComparison.Ordinal);
        Assert.Contains("\"symbol\":\"" + symbol + "\"", requests[1].MessagesText, StringComparison.Ordinal); // the tool's answer went back to the model
        Assert.All(requests, r => Assert.DoesNotContain("sk-orchestrator-secret", r.Body, StringComparison.Ordinal));

        string line = Assert.Single(Rig.ToolCallLines(answer.TaskId));
        Assert.StartsWith("mcp_tool_call|" + answer.TaskId + "|get_positions|ok|MCP orchestrator call get_positions()", line, StringComparison.Ordinal);
        Assert.Contains(Rig.Audit.Logs, l => l.StartsWith("orchestrator_task|" + answer.TaskId + "|", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task SubmitSignal_WhenTradingToolsAreOff_IsRefused_Audited_AndNothingReachesTheEngine(ModelWireFormat format)
    {
        Rig.Model.EnqueueToolCall("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.9}""").EnqueueText("I cannot trade.");
        using OrchestratorAgent agent = Rig.Agent(format); // the committed MCP settings: trading tools off
        Assert.False(agent.CanTrade);

        OrchestratorAnswer answer = (await agent.AskAsync("reduce NVDA to half", allowTrading: true, CancellationToken.None))!;

        OrchestratorToolCall call = Assert.Single(answer.ToolCalls);
        Assert.Equal("submit_signal", call.Name);
        Assert.False(call.Ok);
        Assert.Contains("trading tools are off", call.Error, StringComparison.Ordinal);
        Assert.Equal("I cannot trade.", answer.Answer);
        Assert.Contains(Rig.Model.Requests[1].MessagesText.Split('\n'), l => l.Contains("submit_signal", StringComparison.Ordinal) && l.Contains("not found", StringComparison.OrdinalIgnoreCase)); // the model is told
        Assert.StartsWith("mcp_tool_call|" + answer.TaskId + "|submit_signal|error|", Assert.Single(Rig.ToolCallLines(answer.TaskId)), StringComparison.Ordinal);
        Assert.True(Rig.Session.Engine.WaitUntilQuiet(OrchestratorRig.HangGuard));
        Assert.Equal(0, Rig.SignalsOf(OrchestratorRig.AgentName));
    }

    [Fact]
    public async Task SubmitSignal_OfAnAgentThatMayTrade_AskedByAReadOnlyCaller_IsRefused()
    {
        Rig.Model.EnqueueToolCall("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.9}""").EnqueueText("Not allowed.");
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi, OrchestratorRig.Trading);
        Assert.True(agent.CanTrade);

        OrchestratorAnswer answer = (await agent.AskAsync("buy AAPL", allowTrading: false, CancellationToken.None))!;

        Assert.DoesNotContain("submit_signal", Rig.Model.Requests[0].ToolNames);
        Assert.DoesNotContain("send_agent_message", Rig.Model.Requests[0].ToolNames);
        Assert.False(Assert.Single(answer.ToolCalls).Ok);
        Assert.True(Rig.Session.Engine.WaitUntilQuiet(OrchestratorRig.HangGuard));
        Assert.Equal(0, Rig.SignalsOf(OrchestratorRig.AgentName));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task SubmitSignal_WhenTradingToolsAreOn_IsSignedWithTheAgentsName_AndRiskDecidesIt(ModelWireFormat format)
    {
        await Waits.UntilAsync(() => Rig.Session.LastEventTimeNs > 0 && Rig.Session.Engine.Market.LastRaw(0) > 0, "market data", OrchestratorRig.HangGuard);
        string symbol = Rig.Session.Engine.Symbols.GetName(0);
        Rig.Model.EnqueueToolCall("submit_signal", "{\"symbol\":\"" + symbol + "\",\"side\":\"BUY\",\"confidence\":0.9,\"reason\":\"task asked\"}").EnqueueText("Submitted.");
        using OrchestratorAgent agent = Rig.Agent(format, OrchestratorRig.Trading);

        OrchestratorAnswer answer = (await agent.AskAsync("buy some " + symbol, allowTrading: true, CancellationToken.None))!;

        Assert.Equal([new OrchestratorToolCall("submit_signal", true, null)], answer.ToolCalls);
        Assert.Contains("\"accepted\":true", Rig.Model.Requests[1].MessagesText, StringComparison.Ordinal);
        await Waits.UntilAsync(() => Rig.SignalsOf(OrchestratorRig.AgentName) == 1, "the agent's signal booked", OrchestratorRig.HangGuard); // booked to the agent, decided by risk like any signal
        Assert.Equal(0, Rig.SignalsOf(Daemon.Mcp.OrchestratorMcpTools.SignalSource));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ALoopingModel_IsStoppedByTheStepLimit_ItsLastCallsNotRun(ModelWireFormat format)
    {
        for (int i = 0; i < 6; i++)
        {
            Rig.Model.EnqueueToolCall("get_portfolio", "{}");
        }

        using OrchestratorAgent agent = Rig.Agent(format, maxSteps: 3);

        OrchestratorAnswer answer = (await agent.AskAsync("loop forever", allowTrading: true, CancellationToken.None))!;

        Assert.Equal(OrchestratorStops.MaxSteps, answer.Stopped);
        Assert.Equal(3, answer.Steps);
        Assert.Equal(3, Rig.Model.Requests.Count);
        Assert.Equal([true, true, false], answer.ToolCalls.Select(c => c.Ok));
        Assert.StartsWith("not run: the step limit (max_steps 3", answer.ToolCalls[2].Error, StringComparison.Ordinal);
        Assert.Contains("[stopped early: the step limit (max_steps 3 model calls) was reached", answer.Answer, StringComparison.Ordinal);
        Assert.Equal(3, Rig.ToolCallLines(answer.TaskId).Count);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ALoopingModel_IsStoppedByTheTokenBudget(ModelWireFormat format)
    {
        for (int i = 0; i < 6; i++)
        {
            Rig.Model.EnqueueToolCall("get_portfolio", "{}");
        }

        int perCall = Rig.Model.InputTokens + Rig.Model.OutputTokens;
        using OrchestratorAgent agent = Rig.Agent(format, maxTaskTokens: (2 * perCall) + 1);

        OrchestratorAnswer answer = (await agent.AskAsync("loop forever", allowTrading: true, CancellationToken.None))!;

        Assert.Equal(OrchestratorStops.MaxTaskTokens, answer.Stopped);
        Assert.Equal(3, answer.Steps); // after two calls one token is left: a third call, then the budget is spent
        Assert.Equal(3L * perCall, answer.InputTokens + answer.OutputTokens);
        Assert.Equal([true, true, false], answer.ToolCalls.Select(c => c.Ok));
        Assert.Contains("token budget (max_task_tokens " + ((2 * perCall) + 1), answer.Answer, StringComparison.Ordinal);
        Assert.Equal(3, Rig.ToolCallLines(answer.TaskId).Count);
    }

    [Fact]
    public async Task AModelThatDoesNotAnswer_EndsTheTask_AtTheModelsTimeout()
    {
        Rig.Model.EnqueueToolCall("get_portfolio", "{}").EnqueueHang();
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi, timeout: TimeSpan.FromMilliseconds(500));

        OrchestratorAnswer answer = (await agent.AskAsync("how much cash?", allowTrading: true, CancellationToken.None))!;

        Assert.Equal(OrchestratorStops.Timeout, answer.Stopped);
        Assert.Equal(2, answer.Steps);
        Assert.Equal([new OrchestratorToolCall("get_portfolio", true, null)], answer.ToolCalls);
        Assert.Contains("model call 2 did not answer within the model's timeout (0.5s)", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailingModel_EndsTheTask_WithTheReason_WithoutTheKey()
    {
        Rig.Model.EnqueueStatus(400, body: """{"error":{"message":"bad request from sk-orchestrator-secret","type":"invalid_request_error"}}""");
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);

        OrchestratorAnswer answer = (await agent.AskAsync("how much cash?", allowTrading: true, CancellationToken.None))!;

        Assert.Equal(OrchestratorStops.ModelError, answer.Stopped);
        Assert.Contains("model call 1 failed", answer.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-orchestrator-secret", answer.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerWithoutChoices_EndsTheTask_AsAnUnusableAnswer_InPlainWords()
    {
        Rig.Model.EnqueueBody("""{"id":"chatcmpl-x","object":"chat.completion","created":1700000000,"model":"fake-orchestrator","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0,"total_tokens":1}}""");
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi);

        OrchestratorAnswer answer = (await agent.AskAsync("how much cash?", allowTrading: true, CancellationToken.None))!;

        // The agents' one classification of a failed call (issue 18: an empty choices list is malformed,
        // said plainly), not the SDK's index error.
        Assert.Equal(OrchestratorStops.ModelError, answer.Stopped);
        Assert.Contains("model call 1 failed: the server's answer is not a usable chat completion", answer.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Index was out of range", answer.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskOrchestrator_OverMcp_WithoutTradingTools_RunsAReadOnlyTask()
    {
        Rig.Model.EnqueueToolCall("submit_signal", """{"symbol":"AAPL","side":"BUY","confidence":0.9}""").EnqueueText("Not allowed.");
        using OrchestratorAgent agent = Rig.Agent(ModelWireFormat.OpenAi, OrchestratorRig.Trading);
        var mcp = new Daemon.Mcp.McpToolDispatcher(Daemon.Mcp.OrchestratorMcpTools.Select(new Configuration.McpConfig(), Rig.Context with { Orchestrator = agent, TradingToolsEnabled = false }));
        Daemon.Mcp.McpTool ask = Assert.Single(mcp.Tools, t => t.Name == "ask_orchestrator");
        Assert.True(ask.ReadOnly);

        var result = await mcp.CallAsync(new ModelContextProtocol.Protocol.CallToolRequestParams
        {
            Name = "ask_orchestrator",
            Arguments = new Dictionary<string, JsonElement> { ["task"] = JsonSerializer.SerializeToElement("buy AAPL") },
        }, "test", CancellationToken.None);

        Assert.NotEqual(true, result.IsError);
        JsonElement answer = result.StructuredContent!.Value;
        Assert.Equal("Not allowed.", answer.GetProperty("answer").GetString());
        Assert.False(answer.GetProperty("tool_calls")[0].GetProperty("ok").GetBoolean());
        Assert.DoesNotContain("submit_signal", Rig.Model.Requests[0].ToolNames);
        Assert.True(Rig.Session.Engine.WaitUntilQuiet(OrchestratorRig.HangGuard));
        Assert.Equal(0, Rig.SignalsOf(OrchestratorRig.AgentName));
    }
}
