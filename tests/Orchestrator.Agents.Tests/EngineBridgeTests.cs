using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.Scheduling;
using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Agents.Tests;

/// <summary>The agents' two ways to the engine: publishing checked signals, reading snapshots.</summary>
public sealed class EngineBridgeTests
{
    private static TradingEngine NewEngine() => new(new EngineOptions { Symbols = ["AAPL", "MSFT"] }, NullAuditWriter.Instance);

    [Theory]
    [InlineData("TSLA", Side.Buy, 0.5, 0, "symbol")]
    [InlineData("AAPL", Side.None, 0.5, 0, "side")]
    [InlineData("AAPL", Side.Buy, 1.5, 0, "confidence")]
    [InlineData("AAPL", Side.Buy, 0.5, -1, "price")]
    public void MalformedSignals_NeverReachTheRing(string symbol, Side side, double confidence, double price, string field)
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 1);
        long cursor = engine.Inbound.Cursor;
        SignalPublishResult result = publisher.Publish(new AgentSignal(symbol, side, (decimal)confidence, (decimal)price, "test", "strategy_agent"));
        Assert.False(result.Accepted);
        Assert.StartsWith(field + ":", result.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, engine.Inbound.Cursor);
    }

    /// <summary>Issue 15 item 22: texts that would forge log lines (line separators, bidi and control characters) never reach the ring.</summary>
    [Theory]
    [InlineData("fine\u2028Order filled: AAPL 1000 @ 1", "strategy_agent")]
    [InlineData("fine\u2029x", "strategy_agent")]
    [InlineData("abc\u202Edef", "strategy_agent")]
    [InlineData("abc\u2066def", "strategy_agent")]
    [InlineData("line\nOrder filled", "strategy_agent")]
    [InlineData("ok", "agent\u2028x")]
    public void SignalsWithLineForgingText_NeverReachTheRing(string reason, string source)
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 1);
        long cursor = engine.Inbound.Cursor;
        SignalPublishResult result = publisher.Publish(new AgentSignal("AAPL", Side.Buy, 0.5m, 0m, reason, source));
        Assert.False(result.Accepted);
        Assert.StartsWith("reason, source: control, line-separator", result.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, engine.Inbound.Cursor);
    }

    [Theory]
    [InlineData("", "source: required")]
    [InlineData("an-agent-name-that-goes-on-and-on-far-beyond-the-sixty-four-characters-allowed", "source: at most 64 characters")]
    public void SignalsWithoutAProperSource_NeverReachTheRing(string source, string error)
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 1);
        long cursor = engine.Inbound.Cursor;
        SignalPublishResult result = publisher.Publish(new AgentSignal("AAPL", Side.Buy, 0.5m, 0m, "test", source));
        Assert.False(result.Accepted);
        Assert.Equal(error, result.Error);
        Assert.Equal(cursor, engine.Inbound.Cursor);
    }

    [Fact]
    public void ValidSignal_IsPublished_WithItsSequence()
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 42);
        SignalPublishResult result = publisher.Publish(new AgentSignal("msft", Side.Sell, 0.8m, 420.5m, "overbought", "strategy_agent"));
        Assert.True(result.Accepted, result.Error);
        ref EngineEvent e = ref engine.Inbound[result.Sequence];
        Assert.Equal((EventKind.TradeSignal, 1, Side.Sell, 800_000, FixedPoint.FromDecimal(420.5m), 42L), (e.Kind, e.SymbolId, e.SignalSide, e.ConfidencePpm, e.SignalPriceRaw, e.TsEventNs));
        Assert.Equal((1L, 0L), publisher.Stats);
    }

    [Fact]
    public void TradingView_ShowsThePublishedPicture_ConvertedOncePerVersion()
    {
        TradingEngine engine = NewEngine();
        var view = new EngineTradingView(engine);
        Assert.Equal(0, view.Current.Version);
        engine.Snapshot.Write(engine.Portfolio, engine.Market, engine.Orders, killSwitch: true, eventTimeNs: 5);
        TradingSnapshot first = view.Current;
        Assert.Equal(1, first.Version);
        Assert.True(first.KillSwitchEngaged);
        Assert.Equal(100_000m, first.Cash);
        Assert.Same(first, view.Current);
    }

    [Fact]
    public async Task ServiceAgent_Backtest_IsUnavailable_AndChecksItsParams()
    {
        using var pool = new SlowPathScheduler(1);
        await using var jobs = new JobScheduler(pool);
        var router = new AgentRouter(pool, jobs);
        router.Register(new ServiceAgent());

        AgentResult result = await router.SendAgentMessageAsync(AgentMessage.Create(ServiceAgent.AgentName, "run_backtest",
            new { strategy = "momentum", symbols = new[] { "AAPL" }, start_date = "2024-01-01", end_date = "2024-06-30" }));
        Assert.Equal(AgentErrors.Unavailable, result.ErrorCode);

        AgentResult bad = await router.SendAgentMessageAsync(AgentMessage.Create(ServiceAgent.AgentName, "run_backtest",
            new { strategy = "momentum", symbols = new[] { "AAPL" }, start_date = "2024-06-30", end_date = "2024-01-01" }));
        Assert.Equal(AgentErrors.InvalidParams, bad.ErrorCode);
        Assert.Contains("end_date: 2024-01-01 is before start_date 2024-06-30", bad.Error, StringComparison.Ordinal);
    }
}
