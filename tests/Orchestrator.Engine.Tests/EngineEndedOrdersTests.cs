using Orchestrator.Core;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Tests;

/// <summary>The one-to-one ring of orders the engine ended by itself (issue 19): bounded, in order, never waiting.</summary>
public sealed class EngineEndedOrdersTests
{
    [Fact]
    public void AFullRing_DropsAndCountsTheEnd_AndTakesAgainOnceRead()
    {
        var ended = new EngineEndedOrders(2);
        Assert.True(ended.TryAdd(new EngineEndedOrder(1, 11, OrderStatus.Expired, 100)));
        Assert.True(ended.TryAdd(new EngineEndedOrder(1, 12, OrderStatus.Canceled, 100)));
        Assert.False(ended.TryAdd(new EngineEndedOrder(2, 13, OrderStatus.Canceled, 200)));
        Assert.Equal(1, ended.Dropped);

        Assert.True(ended.TryTake(1, out EngineEndedOrder first));
        Assert.True(ended.TryAdd(new EngineEndedOrder(2, 14, OrderStatus.Canceled, 200)));
        Assert.True(ended.TryTake(1, out EngineEndedOrder second));
        Assert.False(ended.TryTake(1, out _)); // 14 ended on event 2
        Assert.True(ended.TryTake(2, out EngineEndedOrder third));
        Assert.Equal((11L, 12L, 14L), (first.OrderId, second.OrderId, third.OrderId));
    }

    [Fact]
    public void ACapacityThatIsNotAPowerOfTwo_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EngineEndedOrders(3));
}
