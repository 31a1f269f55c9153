using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.State;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Core;
using static Orchestrator.Agents.Tests.Strategy.StrategyAgentHarness;

namespace Orchestrator.Agents.Tests.Strategy;

public sealed class StrategyAgentRuleTests
{
    private const long Minute = 60_000_000_000;

    // With SMA 3/5: fast - slow is negative through bar 11, positive from bar 12 (BUY) through
    // bar 18, negative again from bar 19 (SELL).
    private static readonly decimal[] s_closes = [14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 6, 7, 8, 9, 10, 11, 12, 11, 10, 9, 8, 7];

    private readonly RecordingSignalPublisher _publisher = new();
    private readonly BarStore _bars = new();

    private static RuleStrategyOptions CrossoverOnly => new() { FastPeriod = 3, SlowPeriod = 5, UseRsi = false };

    [Fact]
    public async Task SmaCrossover_FiresBuyThenSell_OnTheCrossingBars_OncePerCross()
    {
        using StrategyAgent agent = RuleAgent(CrossoverOnly);
        var fired = new List<(int Bar, Side Side)>();

        for (int i = 0; i < s_closes.Length; i++)
        {
            AddBar("AAPL", i, s_closes[i]);
            AgentResult result = await GenerateAsync(agent);
            Assert.True(result.Ok, result.Error);
            foreach (JsonNode? s in result.Result!["signals"]!.AsArray())
            {
                fired.Add((i, s!["side"]!.GetValue<string>() == "BUY" ? Side.Buy : Side.Sell));
            }

            // a second call on the same bars repeats nothing
            Assert.Empty((await GenerateAsync(agent)).Result!["signals"]!.AsArray());
        }

        Assert.Equal([(12, Side.Buy), (19, Side.Sell)], fired);
        AgentSignal buy = _publisher.Signals[0];
        Assert.Equal(("AAPL", Side.Buy, 0.6m, 8m, "strategy_agent"), (buy.Symbol, buy.Side, buy.Confidence, buy.Price, buy.Source));
        Assert.Contains("SMA(3) crossed above SMA(5)", buy.Reason, StringComparison.Ordinal);
        Assert.Contains("SMA(3) crossed below SMA(5)", _publisher.Signals[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BarsArrivingBetweenCalls_AreAllConsidered()
    {
        using StrategyAgent agent = RuleAgent(CrossoverOnly);
        for (int i = 0; i <= 10; i++)
        {
            AddBar("AAPL", i, s_closes[i]);
        }

        Assert.Empty((await GenerateAsync(agent)).Result!["signals"]!.AsArray());
        for (int i = 11; i <= 15; i++)
        {
            AddBar("AAPL", i, s_closes[i]);
        }

        JsonNode signal = Assert.Single((await GenerateAsync(agent)).Result!["signals"]!.AsArray())!;
        Assert.Equal("BUY", signal["side"]!.GetValue<string>());
        Assert.Equal(8m, signal["price"]!.GetValue<decimal>()); // the close of bar 12, where it crossed
    }

    [Fact]
    public async Task RsiFallingBelowOversold_IsBuy()
    {
        using StrategyAgent agent = RuleAgent(new RuleStrategyOptions { UseSmaCrossover = false, RsiPeriod = 3, RsiOversold = 30, RsiOverbought = 70 });
        decimal[] closes = [10, 11, 10, 11, 10, 9, 8];
        var sides = new List<string>();
        for (int i = 0; i < closes.Length; i++)
        {
            AddBar("MSFT", i, closes[i]);
            foreach (JsonNode? s in (await GenerateAsync(agent, ["MSFT"])).Result!["signals"]!.AsArray())
            {
                sides.Add(s!["side"]!.GetValue<string>() + "@" + i);
            }
        }

        Assert.Equal(["BUY@5"], sides);
        Assert.Contains("RSI(3) fell below 30", _publisher.Signals[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EngineRefusal_IsReportedAndCounted()
    {
        _publisher.RefuseWith = "kill switch engaged";
        using StrategyAgent agent = RuleAgent(CrossoverOnly);
        for (int i = 0; i <= 11; i++)
        {
            AddBar("AAPL", i, s_closes[i]);
        }

        await GenerateAsync(agent);
        AddBar("AAPL", 12, s_closes[12]);
        JsonNode signal = Assert.Single((await GenerateAsync(agent)).Result!["signals"]!.AsArray())!;

        Assert.False(signal["accepted"]!.GetValue<bool>());
        Assert.Equal("kill switch engaged", signal["error"]!.GetValue<string>());
        JsonObject status = await StatusAsync(agent);
        Assert.Equal(1, status["signals_refused_by_engine"]!.GetValue<long>());
        Assert.Equal("rule", status["mode"]!.GetValue<string>());
        Assert.Equal(2, status["runs"]!.GetValue<long>());
    }

    [Fact]
    public void InvalidOptions_AreRefusedWithEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => RuleAgent(new RuleStrategyOptions { FastPeriod = 30, SlowPeriod = 10, RsiOversold = 80 }));
        Assert.Contains("FastPeriod/SlowPeriod", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RsiOversold/RsiOverbought", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new StrategyAgent(new StrategyAgentOptions { Mode = StrategyMode.Llm }, _bars, new FixedTradingView(Symbols), _publisher));
    }

    private StrategyAgent RuleAgent(RuleStrategyOptions rules) =>
        new(new StrategyAgentOptions { Mode = StrategyMode.Rule, Rules = rules }, _bars, new FixedTradingView(Symbols), _publisher);

    private void AddBar(string symbol, int index, decimal close) =>
        Assert.Null(_bars.AddBar(symbol, new Bar(1_764_000_000L * 1_000_000_000 / Minute * Minute + (index * Minute), close, close, close, close, 100)));
}
