using Orchestrator.Engine.Strategies;

namespace Orchestrator.Engine.Tests.Strategies;

/// <summary>The slow-path queue: market data is dropped before order events lose their reserve.</summary>
public sealed class StrategyEventQueueTests
{
    [Fact]
    public void MarketData_StopsAtTheReserve_OrderEventsStillFit_ThenOrderIsKept()
    {
        var queue = new StrategyEventQueue(capacity: 8, reservedForOrders: 3);
        var tick = new StrategyEnvelope { Kind = StrategyEnvelopeKind.Tick };
        var fill = new StrategyEnvelope { Kind = StrategyEnvelopeKind.Fill };

        int ticksTaken = 0;
        while (queue.TryEnqueue(tick))
        {
            ticksTaken++;
        }

        Assert.Equal(5, ticksTaken);
        Assert.True(queue.TryEnqueue(fill));
        Assert.True(queue.TryEnqueue(fill));
        Assert.True(queue.TryEnqueue(fill));
        Assert.False(queue.TryEnqueue(fill)); // full: the caller counts an overflow
        Assert.False(queue.IsSettled);

        var kinds = new List<StrategyEnvelopeKind>();
        while (queue.TryDequeue(out StrategyEnvelope envelope))
        {
            kinds.Add(envelope.Kind);
            queue.MarkHandled();
        }

        Assert.Equal([.. Enumerable.Repeat(StrategyEnvelopeKind.Tick, 5), .. Enumerable.Repeat(StrategyEnvelopeKind.Fill, 3)], kinds);
        Assert.True(queue.IsSettled);
        Assert.True(queue.TryEnqueue(tick)); // room again after the consumer freed it
    }
}
