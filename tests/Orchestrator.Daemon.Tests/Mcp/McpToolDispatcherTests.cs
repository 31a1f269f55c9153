using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Orchestrator.Daemon.Mcp;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>The dispatcher on the test thread: outcomes become tool results, and every call is counted with a bounded label.</summary>
public sealed class McpToolDispatcherTests
{
    private static readonly JsonElement s_noArguments = JsonSerializer.SerializeToElement(new { type = "object" });
    private readonly List<(string Tool, string Transport, bool Ok)> _counted = [];

    private McpToolDispatcher Dispatcher() => new(
    [
        new McpTool("ok_tool", "answers", s_noArguments, true, (_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["answer"] = 42.5m })),
        new McpTool("refusing_tool", "refuses", s_noArguments, true, (_, _) => throw new McpToolException("symbol: not traded here")),
        new McpTool("broken_tool", "has a bug", s_noArguments, true, (_, _) => throw new InvalidOperationException("boom")),
    ], (tool, transport, ok) => _counted.Add((tool, transport, ok)));

    private static CallToolRequestParams Request(string name) => new() { Name = name };

    [Fact]
    public async Task Success_IsTextAndStructuredJson_AndCounted()
    {
        CallToolResult result = await Dispatcher().CallAsync(Request("ok_tool"), "test", CancellationToken.None);
        Assert.NotEqual(true, result.IsError);
        Assert.Equal("""{"answer":42.5}""", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(42.5m, result.StructuredContent!.Value.GetProperty("answer").GetDecimal());
        Assert.Equal([("ok_tool", "test", true)], _counted);
    }

    [Theory]
    [InlineData("refusing_tool", "symbol: not traded here")]
    [InlineData("broken_tool", "internal error: boom")]
    public async Task RefusalOrBug_IsAnErrorResult_NotAnException(string tool, string message)
    {
        CallToolResult result = await Dispatcher().CallAsync(Request(tool), "test", CancellationToken.None);
        Assert.True(result.IsError);
        Assert.Equal(message, Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal([(tool, "test", false)], _counted);
    }

    [Fact]
    public async Task UnknownTool_IsAnInvalidParamsError_CountedUnderOneLabel()
    {
        McpToolDispatcher dispatcher = Dispatcher();
        McpProtocolException error = await Assert.ThrowsAsync<McpProtocolException>(async () => await dispatcher.CallAsync(Request(new string('x', 500)), "test", CancellationToken.None));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.True(error.Message.Length < 300, "a client's long name is cut before it is echoed or logged");
        Assert.Equal([("unknown", "test", false)], _counted);
    }

    [Fact]
    public void ArgumentsSummary_IsBounded_WhateverTheClientSends()
    {
        var values = Enumerable.Range(0, 50).ToDictionary(i => "arg" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + new string('n', 100), _ => JsonSerializer.SerializeToElement(new string('v', 10_000)));
        string summary = new McpArguments(values).Summary();
        Assert.True(summary.Length < 1_000, "summary of " + summary.Length + " characters");
        Assert.EndsWith("(+42 more)", summary, StringComparison.Ordinal);
        Assert.StartsWith("arg00", summary, StringComparison.Ordinal);
    }
}
