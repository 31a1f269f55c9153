using System.Text.Json;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Tests;

public sealed class AgentMessageTests
{
    [Fact]
    public void BriefShape_Parses()
    {
        Assert.True(AgentMessage.TryParse("""{"target_agent":"data_agent","method":"get_technical_indicators","params":{"symbols":["AAPL"]}}""", out AgentMessage? m, out string? error), error);
        Assert.Equal("data_agent", m!.TargetAgent);
        Assert.Equal("get_technical_indicators", m.Method);
        Assert.Equal("AAPL", m.Params.GetProperty("symbols")[0].GetString());
    }

    [Fact]
    public void MissingParams_IsAnEmptyObject()
    {
        Assert.True(AgentMessage.TryParse("""{"target_agent":"a","method":"m"}""", out AgentMessage? m, out _));
        Assert.Equal(JsonValueKind.Object, m!.Params.ValueKind);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"method":"m"}""", "target_agent: required")]
    [InlineData("""{"target_agent":"a","method":7}""", "method: required")]
    [InlineData("""{"target_agent":"a","method":"m","params":[1]}""", "params: must be a JSON object")]
    public void NotAMessage_IsAClearError(string json, string expected)
    {
        Assert.False(AgentMessage.TryParse(json, out AgentMessage? m, out string? error));
        Assert.Null(m);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
