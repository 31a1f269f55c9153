namespace Orchestrator.RingBuffer.Tests;

public sealed class SequencerTests
{
    public static TheoryData<ProducerType> ProducerTypes => new() { ProducerType.Single, ProducerType.Multi };

    private static Sequencer Create(ProducerType type, int size) =>
        type == ProducerType.Single
            ? new SingleProducerSequencer(size, new BlockingWaitStrategy())
            : new MultiProducerSequencer(size, new BlockingWaitStrategy());

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Constructor_WhenSizeIsNotPowerOfTwo_Throws(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SingleProducerSequencer(size, new BlockingWaitStrategy()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiProducerSequencer(size, new BlockingWaitStrategy()));
    }

    [Theory]
    [MemberData(nameof(ProducerTypes))]
    public void Next_ClaimsConsecutiveSequences_AndPublishMakesThemAvailable(ProducerType type)
    {
        Sequencer sequencer = Create(type, 8);
        long first = sequencer.Next();
        Assert.Equal(0, first);
        Assert.False(sequencer.IsAvailable(0));

        sequencer.Publish(first);
        Assert.True(sequencer.IsAvailable(0));
        Assert.Equal(0, sequencer.GetHighestPublishedSequence(0, sequencer.Cursor));

        long high = sequencer.Next(3);
        Assert.Equal(3, high);
        sequencer.Publish(high - 2, high);
        Assert.True(sequencer.IsAvailable(1));
        Assert.True(sequencer.IsAvailable(3));
        Assert.Equal(3, sequencer.Cursor);
    }

    [Theory]
    [MemberData(nameof(ProducerTypes))]
    public void TryNext_WhenRingIsFullForTheGatingConsumer_ReturnsFalse(ProducerType type)
    {
        Sequencer sequencer = Create(type, 4);
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);

        Assert.True(sequencer.TryNext(4, out long high));
        sequencer.Publish(0, high);
        Assert.Equal(0, sequencer.RemainingCapacity());
        Assert.False(sequencer.HasAvailableCapacity(1));
        Assert.False(sequencer.TryNext(out _));

        consumer.SetValue(1); // the consumer finished two events
        Assert.Equal(2, sequencer.RemainingCapacity());
        Assert.True(sequencer.TryNext(2, out high));
        Assert.Equal(5, high);
        Assert.False(sequencer.TryNext(out _));
    }

    [Theory]
    [MemberData(nameof(ProducerTypes))]
    public void Next_WhenClaimExceedsBufferSize_Throws(ProducerType type)
    {
        Sequencer sequencer = Create(type, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => sequencer.Next(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => sequencer.TryNext(0, out _));
    }

    [Fact]
    public void MultiProducer_WhenLaterClaimPublishesFirst_HighestPublishedStopsAtTheGap()
    {
        var sequencer = new MultiProducerSequencer(8, new BlockingWaitStrategy());
        long a = sequencer.Next();
        long b = sequencer.Next();
        long c = sequencer.Next();

        sequencer.Publish(c);
        sequencer.Publish(b);
        Assert.Equal(a - 1, sequencer.GetHighestPublishedSequence(a, c));

        sequencer.Publish(a);
        Assert.Equal(c, sequencer.GetHighestPublishedSequence(a, c));
    }

    [Fact]
    public void MultiProducer_IsAvailable_DistinguishesLapsOfTheSameSlot()
    {
        var sequencer = new MultiProducerSequencer(4, new BlockingWaitStrategy());
        for (int i = 0; i < 4; i++)
        {
            sequencer.Publish(sequencer.Next());
        }

        Assert.True(sequencer.IsAvailable(0));
        Assert.False(sequencer.IsAvailable(4)); // same slot, next lap, not yet published

        sequencer.Publish(sequencer.Next()); // 4 (no gating consumers)
        Assert.True(sequencer.IsAvailable(4));
        Assert.False(sequencer.IsAvailable(0)); // overwritten
    }

    [Fact]
    public void SingleProducer_IsAvailable_IsFalseForOverwrittenSequences()
    {
        var sequencer = new SingleProducerSequencer(4, new BlockingWaitStrategy());
        for (int i = 0; i < 6; i++)
        {
            sequencer.Publish(sequencer.Next());
        }

        Assert.False(sequencer.IsAvailable(1));
        Assert.True(sequencer.IsAvailable(2));
        Assert.True(sequencer.IsAvailable(5));
        Assert.False(sequencer.IsAvailable(6));
    }

    [Fact]
    public void RemoveGatingSequence_StopsGating()
    {
        var sequencer = new SingleProducerSequencer(2, new BlockingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequences(consumer);
        sequencer.Publish(sequencer.Next(2));
        Assert.False(sequencer.TryNext(out _));

        Assert.True(sequencer.RemoveGatingSequence(consumer));
        Assert.False(sequencer.RemoveGatingSequence(consumer));
        Assert.True(sequencer.TryNext(out long next));
        Assert.Equal(2, next);
    }

    [Fact]
    public void Barrier_WithDependents_NeverReturnsMoreThanTheSlowestDependent()
    {
        var ring = RingBuffer<TestEvent>.CreateSingleProducer(16, new BlockingWaitStrategy());
        var upstreamA = new Sequence();
        var upstreamB = new Sequence();
        SequenceBarrier barrier = ring.NewBarrier(upstreamA, upstreamB);
        ring.Publish(ring.Next(10));

        upstreamA.SetValue(7);
        upstreamB.SetValue(3);
        Assert.Equal(3, barrier.WaitFor(2));
        upstreamB.SetValue(9);
        Assert.Equal(7, barrier.WaitFor(5));
    }

    [Fact]
    public void Barrier_WhenAlerted_ReturnsAlertedFromAWaitThatWouldBlock()
    {
        var ring = RingBuffer<TestEvent>.CreateSingleProducer(16, new BlockingWaitStrategy());
        SequenceBarrier barrier = ring.NewBarrier();
        long result = 0;
        var waiter = new Thread(() => result = barrier.WaitFor(0));
        waiter.Start();
        barrier.Alert();
        Assert.True(waiter.Join(Waits.Hang));
        Assert.Equal(SequenceBarrier.Alerted, result);
    }
}
