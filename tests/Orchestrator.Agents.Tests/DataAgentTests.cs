using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Agents.Tests.Strategy;

namespace Orchestrator.Agents.Tests;

/// <summary>
/// Issue 18: data_agent and the strategy agent's prompt give one RSI for one moment (closed bars
/// only), and the brief's own spelling ("RSI", "MACD") works.
/// </summary>
public sealed class DataAgentTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task DataAgentAndThePrompt_GiveTheSameRsi_WhileABarIsForming()
    {
        BarStore bars = StrategyAgentHarness.StoreWithBars();
        Bar last = bars.GetBars("AAPL", 1)[0];
        long next = last.StartNs + (long)bars.BarLength.TotalNanoseconds;
        Assert.True(bars.OnTrade("AAPL", last.Close, 10, next)); // completes nothing yet: the last stored bar stays closed
        Assert.True(bars.OnTrade("AAPL", last.Close - 25m, 10, next + 1)); // a forming bar far below: it would pull the RSI down
        using var agent = StrategyAgentHarness.LlmAgent(_server, bars, new RecordingSignalPublisher());
        var data = new DataAgent(bars, StrategyAgentHarness.Symbols);

        Assert.True((await StrategyAgentHarness.GenerateAsync(agent, ["AAPL"])).Ok);
        AgentResult indicators = await data.InvokeAsync("get_technical_indicators", JsonSerializer.SerializeToElement(new { symbols = new[] { "AAPL" }, indicators = new[] { "rsi" } }), CancellationToken.None);

        Assert.True(indicators.Ok, indicators.Error);
        double fromData = indicators.Result!["AAPL"]!["rsi"]!.GetValue<double>();
        using JsonDocument request = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        string context = request.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        JsonNode prompt = JsonNode.Parse(context[(context.IndexOf('{', StringComparison.Ordinal))..])!;
        double fromPrompt = prompt["symbols"]!["AAPL"]!["indicators"]!["rsi_14"]!.GetValue<double>();
        Assert.Equal(fromPrompt, Math.Round(fromData, 4));
        Assert.Equal(30, indicators.Result!["AAPL"]!["bars"]!.GetValue<int>()); // the 30 closed bars, not the forming one
    }

    [Fact]
    public async Task IndicatorNames_AreCaseInsensitive_AsInTheBrief()
    {
        var data = new DataAgent(StrategyAgentHarness.StoreWithBars(), StrategyAgentHarness.Symbols);

        AgentResult result = await data.InvokeAsync("get_technical_indicators", JsonSerializer.SerializeToElement(new { symbols = new[] { "aapl" }, indicators = new[] { "RSI", "MACD" } }), CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        JsonObject aapl = result.Result!["AAPL"]!.AsObject();
        Assert.Equal(["bars", "last_close", "as_of", "rsi", "macd", "warming_up"], aapl.Select(p => p.Key));
        Assert.NotNull(aapl["rsi"]); // 30 bars: RSI 14 is ready, MACD 12/26/9 still warming up (null)
    }

    [Theory]
    [InlineData(1_001)]
    [InlineData(100_000)]
    public async Task Bars_BeyondWhatTheStoreHolds_AreInvalidParams(int asked)
    {
        var data = new DataAgent(StrategyAgentHarness.StoreWithBars(), StrategyAgentHarness.Symbols);

        string? check = data.CheckParams("get_technical_indicators", JsonSerializer.SerializeToElement(new { symbols = new[] { "AAPL" }, bars = asked }));

        Assert.NotNull(check);
        Assert.Contains("bars: must be between 1 and 1000", check, StringComparison.Ordinal);
    }
}
