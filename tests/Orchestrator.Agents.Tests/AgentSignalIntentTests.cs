using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Agents.Tests;

/// <summary>An agent's signal carries its order intent to the ring (issue 17), checked by the same rules as the gateway's.</summary>
public sealed class AgentSignalIntentTests
{
    private static TradingEngine NewEngine() => new(new EngineOptions { Symbols = ["AAPL", "MSFT"] }, NullAuditWriter.Instance);

    [Fact]
    public void Intent_IsPublishedIntoTheSlot_WithTheSignalId()
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 42);
        var signal = new AgentSignal("AAPL", Side.Buy, 0.7m, 101.5m, "breakout", "orb") { OrderType = OrderType.StopLimit, StopPrice = 101m, Tif = TimeInForce.Gtc, Quantity = 12 };

        SignalPublishResult result = publisher.Publish(signal);

        Assert.True(result.Accepted, result.Error);
        Assert.True(result.SignalId > SignalLimits.AgentSignalIdBase);
        ref EngineEvent e = ref engine.Inbound[result.Sequence];
        Assert.Equal(OrderType.StopLimit, e.SignalOrderType);
        Assert.Equal(FixedPoint.FromDecimal(101.5m), e.SignalPriceRaw);
        Assert.Equal(FixedPoint.FromDecimal(101m), e.SignalStopRaw);
        Assert.Equal(TimeInForce.Gtc, e.SignalTif);
        Assert.Equal(12, e.SignalQuantity);
        Assert.Equal(result.SignalId, e.SignalId);
    }

    [Theory]
    [InlineData(OrderType.Limit, 0, 0, 0, "limit_price: required")]
    [InlineData(OrderType.Stop, 0, 0, 0, "stop_price: required")]
    [InlineData(OrderType.Market, 0, 100, 0, "stop_price: not allowed")]
    [InlineData(OrderType.Stop, 100, 100, 0, "limit_price: not allowed")]
    [InlineData(null, 0, -1, 0, "stop_price: must be between 0")]
    [InlineData(null, 0, 0, -5, "quantity: must be an integer")]
    [InlineData((OrderType)9, 0, 0, 0, "order_type: must be")]
    public void BadIntent_NeverReachesTheRing(OrderType? type, double price, double stop, long quantity, string error)
    {
        TradingEngine engine = NewEngine();
        var publisher = new EngineSignalPublisher(engine, () => 1);
        long cursor = engine.Inbound.Cursor;

        SignalPublishResult result = publisher.Publish(new AgentSignal("AAPL", Side.Buy, 0.5m, (decimal)price, "test", "orb") { OrderType = type, StopPrice = (decimal)stop, Quantity = quantity });

        Assert.False(result.Accepted);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(cursor, engine.Inbound.Cursor);
    }

    [Fact]
    public void BadTimeInForce_NeverReachesTheRing()
    {
        TradingEngine engine = NewEngine();
        SignalPublishResult result = new EngineSignalPublisher(engine, () => 1).Publish(new AgentSignal("AAPL", Side.Buy, 0.5m, 0m, "test", "orb") { Tif = (TimeInForce)7 });
        Assert.False(result.Accepted);
        Assert.Equal(SignalIntentRules.TifInvalidMessage, result.Error);
    }
}
