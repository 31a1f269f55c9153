using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Tests;

/// <summary>Issue 18: run_backtest answers a summary; the full report is there by id.</summary>
public sealed class ServiceAgentTests
{
    private static readonly JsonElement s_brief = JsonSerializer.SerializeToElement(new { strategy = "momentum_strategy", symbols = new[] { "AAPL", "MSFT" }, start_date = "2023-01-01", end_date = "2023-12-31" });

    /// <summary>A report shaped like the backtest's: metrics and a long list of trades.</summary>
    private static JsonObject FullReport() => new()
    {
        ["total_return"] = 0.12,
        ["trade_count"] = 2_000,
        ["trades"] = new JsonArray([.. Enumerable.Range(0, 2_000).Select(i => (JsonNode)new JsonObject { ["symbol"] = "AAPL", ["quantity"] = i })]),
    };

    [Fact]
    public async Task RunBacktest_AnswersTheSummary_AndTheFullReportById()
    {
        RunBacktestParams? asked = null;
        var agent = new ServiceAgent((p, _) =>
        {
            asked = p;
            return Task.FromResult<JsonNode?>(FullReport());
        });

        AgentResult summary = await agent.InvokeAsync("run_backtest", s_brief, CancellationToken.None);

        Assert.True(summary.Ok, summary.Error);
        Assert.Equal(new DateOnly(2023, 12, 31), asked!.EndDate);
        JsonObject s = summary.Result!.AsObject();
        Assert.False(s.ContainsKey("trades"));
        Assert.Equal(2_000, s["trades_in_full_report"]!.GetValue<int>());
        Assert.Equal(0.12, s["total_return"]!.GetValue<double>());
        Assert.True(s.ToJsonString().Length < 1_000, "a summary, not every trade");

        AgentResult full = await agent.InvokeAsync("get_backtest_report", JsonSerializer.SerializeToElement(new { report_id = s["report_id"]!.GetValue<string>() }), CancellationToken.None);

        Assert.True(full.Ok, full.Error);
        Assert.Equal(2_000, full.Result!["trades"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetBacktestReport_UnknownId_IsInvalidParams()
    {
        var agent = new ServiceAgent((_, _) => Task.FromResult<JsonNode?>(FullReport()));

        AgentResult result = await agent.InvokeAsync("get_backtest_report", JsonSerializer.SerializeToElement(new { report_id = "bt-999999" }), CancellationToken.None);

        Assert.Equal(AgentErrors.InvalidParams, result.ErrorCode);
        Assert.Contains("no report 'bt-999999'", result.Error, StringComparison.Ordinal);
    }
}
