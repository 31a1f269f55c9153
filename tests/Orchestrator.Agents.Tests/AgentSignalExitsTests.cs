using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Agents.Tests;

/// <summary>An agent's signal carries protective exits and amend/cancel actions to the ring (issue 19), checked by the same rules as every edge's.</summary>
public sealed class AgentSignalExitsTests
{
    private static TradingEngine NewEngine() => new(new EngineOptions { Symbols = ["AAPL", "MSFT"] }, NullAuditWriter.Instance);

    [Fact]
    public void Exits_AreWrittenIntoTheSlot_PercentsAsMillionths()
    {
        TradingEngine engine = NewEngine();
        var signal = new AgentSignal("AAPL", Side.Sell, 0.7m, 100m, "fade", "orb") { TakeProfitPct = 5m, StopLoss = 103m, TrailPrice = 0.5m };

        SignalPublishResult result = new EngineSignalPublisher(engine, () => 1).Publish(signal);

        Assert.True(result.Accepted, result.Error);
        ref EngineEvent e = ref engine.Inbound[result.Sequence];
        Assert.Equal(50_000, e.Exits.TakeProfitPpm);
        Assert.Equal(103_000_000, e.Exits.StopLossRaw);
        Assert.Equal(500_000, e.Exits.TrailRaw);
        Assert.Equal(SignalAction.New, e.Action);
    }

    [Fact]
    public void Cancel_WithoutASide_NamesTheTargetOrder()
    {
        TradingEngine engine = NewEngine();
        var signal = new AgentSignal("AAPL", Side.None, 0m, 0m, "stale", "orb") { Action = SignalAction.Cancel, OrderId = 33 };

        SignalPublishResult result = new EngineSignalPublisher(engine, () => 1).Publish(signal);

        Assert.True(result.Accepted, result.Error);
        ref EngineEvent e = ref engine.Inbound[result.Sequence];
        Assert.Equal(SignalAction.Cancel, e.Action);
        Assert.Equal(33, e.TargetOrderId);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 1_000_000_001, "trail_price: must be a price")]
    [InlineData(0, 0, 98, 0, 0, "stop_loss: must be below the entry's limit (or stop) price for a buy, above it for a sell")]
    [InlineData(-1, 0, 0, 0, 0, "take_profit: must be a price")]
    [InlineData(0, 2000, 0, 0, 0, "take_profit_pct: must be a percent")]
    [InlineData(0, 0, 0, 150, 0, "stop_loss_pct: must be a percent")]
    public void BadExits_NeverReachTheRing(double takeProfit, double takeProfitPct, double stopLoss, double stopLossPct, double trailPrice, string error)
    {
        TradingEngine engine = NewEngine();
        long cursor = engine.Inbound.Cursor;
        var signal = new AgentSignal("AAPL", Side.Sell, 0.5m, 100m, "test", "orb")
        {
            TakeProfit = (decimal)takeProfit, TakeProfitPct = (decimal)takeProfitPct, StopLoss = (decimal)stopLoss, StopLossPct = (decimal)stopLossPct, TrailPrice = (decimal)trailPrice,
        };

        SignalPublishResult result = new EngineSignalPublisher(engine, () => 1).Publish(signal);

        Assert.False(result.Accepted);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, engine.Inbound.Cursor);
    }

    [Fact]
    public void AmendWithoutAnOrderId_IsRefused()
    {
        TradingEngine engine = NewEngine();
        SignalPublishResult result = new EngineSignalPublisher(engine, () => 1).Publish(new AgentSignal("AAPL", Side.None, 0m, 101m, "move", "orb") { Action = SignalAction.Amend });
        Assert.False(result.Accepted);
        Assert.Equal("order_id: required for action amend and cancel", result.Error);
    }
}
