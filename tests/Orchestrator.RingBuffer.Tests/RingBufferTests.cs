namespace Orchestrator.RingBuffer.Tests;

public sealed class RingBufferTests
{
    [Fact]
    public void Indexer_ReturnsTheSameSlotForSequencesOneRingApart()
    {
        var ring = RingBuffer<TestEvent>.CreateSingleProducer(8, new BlockingWaitStrategy());
        ring[3].Value = 42;
        Assert.Equal(42, ring[11].Value);
        Assert.Equal(42, ring[3 + (8 * 1000)].Value);
        Assert.Equal(0, ring[4].Value);
    }

    [Fact]
    public void Indexer_WritesInPlace_ThroughRef()
    {
        var ring = RingBuffer<TestEvent>.CreateMultiProducer(4, new BlockingWaitStrategy());
        long sequence = ring.Next();
        ref TestEvent slot = ref ring[sequence];
        slot.Value = 7;
        slot.StageA = 8;
        ring.Publish(sequence);
        Assert.Equal(7, ring[sequence].Value);
        Assert.Equal(8, ring[sequence].StageA);
    }

    [Theory]
    [InlineData("blocking", WaitStrategyKind.Blocking)]
    [InlineData("Sleeping", WaitStrategyKind.Sleeping)]
    [InlineData("YIELDING", WaitStrategyKind.Yielding)]
    [InlineData("busy-spin", WaitStrategyKind.BusySpin)]
    [InlineData("busy_spin", WaitStrategyKind.BusySpin)]
    public void WaitStrategies_TryParse_AcceptsConfigurationNames(string name, WaitStrategyKind expected)
    {
        Assert.True(WaitStrategies.TryParse(name, out WaitStrategyKind? kind));
        Assert.Equal(expected, kind);
        Assert.NotNull(WaitStrategies.Create(expected));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("spinning")]
    public void WaitStrategies_TryParse_RejectsUnknownNames(string? name)
    {
        Assert.False(WaitStrategies.TryParse(name, out WaitStrategyKind? kind));
        Assert.Null(kind);
    }
}
