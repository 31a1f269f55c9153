using Orchestrator.Agents.Messaging;

namespace Orchestrator.Agents.Tests.Messaging;

public sealed class MessageBrokerTests
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(30);

    private static long[] Drain(Subscription subscription)
    {
        var values = new List<long>();
        while (subscription.Reader.TryRead(out BrokerMessage? message))
        {
            values.Add((long)message.Payload);
        }

        return [.. values];
    }

    [Fact]
    public void Publish_FansOutToEverySubscriberOfTheTopic_AndNotToOtherTopics()
    {
        var time = new ManualTimeProvider();
        var broker = new MessageBroker(time);
        using Subscription a = broker.Subscribe(Topics.Signals, "a");
        using Subscription b = broker.Subscribe(Topics.Signals, "b");
        using Subscription fills = broker.Subscribe(Topics.Fills, "fills");

        PublishResult result = broker.Publish(Topics.Signals, "buy AAPL");

        Assert.Equal(new PublishResult(1, 2, 0, 0), result);
        Assert.True(a.Reader.TryRead(out BrokerMessage? fromA));
        Assert.True(b.Reader.TryRead(out BrokerMessage? fromB));
        Assert.Same(fromA, fromB);
        Assert.Equal(new BrokerMessage(Topics.Signals, "buy AAPL", time.GetUtcNow(), 1), fromA);
        Assert.Equal(0, fills.QueueDepth);
    }

    [Fact]
    public void Wildcard_ReceivesEveryTopic_ButCannotBePublishedTo()
    {
        var broker = new MessageBroker();
        using Subscription all = broker.Subscribe(Topics.All, "audit");

        broker.Publish(Topics.Signals, 1L);
        broker.Publish(Topics.Fills, 2L);
        broker.Publish("custom", 3L);

        Assert.Equal([1L, 2L, 3L], Drain(all));
        Assert.Throws<ArgumentException>(() => broker.Publish(Topics.All, 4L));
    }

    [Fact]
    public void SlowSubscriber_LosesOnlyItsOwnOldest_StaysWithinCapacity_WhileFastOneGetsEverything()
    {
        var broker = new MessageBroker();
        using Subscription slow = broker.Subscribe(Topics.Fills, "slow", capacity: 8);
        using Subscription fast = broker.Subscribe(Topics.Fills, "fast", capacity: 8);

        for (long i = 1; i <= 1000; i++)
        {
            PublishResult result = broker.Publish(Topics.Fills, i);
            Assert.Equal(2, result.Delivered);
            Assert.Equal(i > 8 ? 1 : 0, result.Dropped);
            Assert.True(slow.QueueDepth <= 8);

            // The fast subscriber reads each message as it comes.
            Assert.True(fast.Reader.TryRead(out BrokerMessage? message));
            Assert.Equal(i, (long)message.Payload);
        }

        Assert.Equal(0, fast.Dropped);
        Assert.Equal(1000, fast.Delivered);
        Assert.Equal(992, slow.Dropped);

        // DropOldest keeps the newest.
        Assert.Equal([993L, 994L, 995L, 996L, 997L, 998L, 999L, 1000L], Drain(slow));
    }

    [Fact]
    public void Publish_OfOneHundredThousandMessagesToAReaderThatNeverReads_CompletesWithTheQueueBounded()
    {
        const int Count = 100_000;
        const int Capacity = 128;
        var broker = new MessageBroker();
        using Subscription stalled = broker.Subscribe(Topics.Status, "stalled", Capacity);

        for (long i = 0; i < Count; i++)
        {
            broker.Publish(Topics.Status, i);
        }

        Assert.Equal(Capacity, stalled.QueueDepth);
        Assert.Equal(Count, stalled.Delivered);
        Assert.Equal(Count - Capacity, stalled.Dropped);
        long[] kept = Drain(stalled);
        Assert.Equal(Enumerable.Range(Count - Capacity, Capacity).Select(i => (long)i), kept);
    }

    [Fact]
    public void DropNewest_KeepsWhatIsQueued_AndCountsTheNewOnesAsDropped()
    {
        var broker = new MessageBroker();
        using Subscription sub = broker.Subscribe(Topics.Alerts, "pager", capacity: 3, OverflowPolicy.DropNewest);

        PublishResult[] results = [.. Enumerable.Range(1, 5).Select(i => broker.Publish(Topics.Alerts, (long)i))];

        Assert.All(results.Take(3), r => Assert.True(r.Lossless));
        Assert.All(results.Skip(3), r => Assert.Equal((0, 1, 0), (r.Delivered, r.Dropped, r.Rejected)));
        Assert.Equal([1L, 2L, 3L], Drain(sub));
        Assert.Equal(2, sub.Dropped);
        Assert.Equal(3, sub.Delivered);
    }

    [Fact]
    public void Reject_TellsThePublisher_AndLosesNothingQueued()
    {
        var broker = new MessageBroker();
        using Subscription journal = broker.Subscribe(Topics.Orders, "journal", capacity: 2, OverflowPolicy.Reject);
        using Subscription display = broker.Subscribe(Topics.Orders, "display", capacity: 2);

        broker.Publish(Topics.Orders, 1L);
        broker.Publish(Topics.Orders, 2L);
        PublishResult third = broker.Publish(Topics.Orders, 3L);

        Assert.Equal(1, third.Rejected);
        Assert.Equal(1, third.Delivered);
        Assert.Equal(1, third.Dropped);
        Assert.False(third.Lossless);
        Assert.Equal([1L, 2L], Drain(journal));

        // Room again: accepted.
        Assert.Equal(0, broker.Publish(Topics.Orders, 4L).Rejected);
        Assert.Equal([4L], Drain(journal));
    }

    [Fact]
    public void Drops_AreLoggedOncePerBurst_NotPerMessage()
    {
        var log = new TestLog();
        var broker = new MessageBroker(logger: log.Logger);
        using Subscription sub = broker.Subscribe(Topics.Status, "slow", capacity: 4);

        for (long i = 0; i < 100; i++)
        {
            broker.Publish(Topics.Status, i);
        }

        Assert.Single(log.At("WARN"));
        Assert.Contains("slow", log.At("WARN")[0], StringComparison.Ordinal);

        // It catches up: the next lossless publish ends the burst with a count.
        Drain(sub);
        broker.Publish(Topics.Status, 100L);
        Assert.Contains(log.At("INFO"), l => l.Contains("caught up after losing 96", StringComparison.Ordinal));

        // A second burst is a second warning.
        for (long i = 0; i < 10; i++)
        {
            broker.Publish(Topics.Status, i);
        }

        Assert.Equal(2, log.At("WARN").Length);
        Assert.Equal(96 + 7, sub.Dropped);
    }

    [Fact]
    public async Task Dispose_StopsDelivery_AndCompletesTheReaderAfterWhatWasQueued()
    {
        var broker = new MessageBroker();
        Subscription sub = broker.Subscribe(Topics.Signals, "leaving");
        broker.Publish(Topics.Signals, 1L);

        sub.Dispose();
        PublishResult after = broker.Publish(Topics.Signals, 2L);

        Assert.Equal(0, after.Delivered);
        var seen = new List<long>();
        await foreach (BrokerMessage message in sub.ReadAllAsync().WithCancellation(new CancellationTokenSource(s_hangGuard).Token))
        {
            seen.Add((long)message.Payload);
        }

        Assert.Equal([1L], seen);
        await sub.Reader.Completion.WaitAsync(s_hangGuard);
        Assert.DoesNotContain(broker.GetStats().Subscribers, s => s.Name == "leaving");
        sub.Dispose();
    }

    [Fact]
    public async Task ConcurrentPublishers_EachPublishersMessagesArriveInOrder_EvenWhenTheReaderDrops()
    {
        const int Publishers = 4;
        const int PerPublisher = 20_000;
        var broker = new MessageBroker();
        using Subscription everything = broker.Subscribe(Topics.Signals, "everything", Publishers * PerPublisher);
        using Subscription lossy = broker.Subscribe(Topics.Signals, "lossy", capacity: 64);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var done = new CancellationTokenSource();

        // The lossy reader reads while they publish and checks order as it goes.
        var lastSeenLossy = new int[Publishers];
        Array.Fill(lastSeenLossy, -1);
        Task reader = Task.Run(async () =>
        {
            try
            {
                await foreach (BrokerMessage message in lossy.ReadAllAsync(done.Token))
                {
                    (int publisher, int n) = ((int, int))message.Payload;
                    Assert.True(n > lastSeenLossy[publisher], $"publisher {publisher}: {n} after {lastSeenLossy[publisher]}");
                    lastSeenLossy[publisher] = n;
                }
            }
            catch (OperationCanceledException)
            {
                // the test is over
            }
        });

        Task[] publishers =
        [
            .. Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
            {
                await go.Task;
                for (int n = 0; n < PerPublisher; n++)
                {
                    broker.Publish(Topics.Signals, (p, n));
                }
            })),
        ];
        go.SetResult();
        await Task.WhenAll(publishers).WaitAsync(s_hangGuard);
        await done.CancelAsync();
        await reader.WaitAsync(s_hangGuard);

        var next = new int[Publishers];
        while (everything.Reader.TryRead(out BrokerMessage? message))
        {
            (int publisher, int n) = ((int, int))message.Payload;
            Assert.Equal(next[publisher], n);
            next[publisher]++;
        }

        Assert.All(next, n => Assert.Equal(PerPublisher, n));
        Assert.Equal(0, everything.Dropped);
        Assert.True(lossy.QueueDepth <= 64);
        Assert.Equal(Publishers * PerPublisher, lossy.Delivered);
    }

    [Fact]
    public void Stats_CountPublishedPerTopic_AndDeliveredDroppedDepthPerSubscriber()
    {
        var broker = new MessageBroker();
        using Subscription a = broker.Subscribe(Topics.Fills, "a", capacity: 2);
        using Subscription all = broker.Subscribe(Topics.All, "all", capacity: 10);
        for (long i = 0; i < 3; i++)
        {
            broker.Publish(Topics.Fills, i);
        }

        broker.Publish(Topics.Alerts, 9L);

        BrokerStats stats = broker.GetStats();
        Assert.Equal([new TopicStats(Topics.Alerts, 1, 0), new TopicStats(Topics.Fills, 3, 1)], stats.Topics);
        Assert.Equal(
            [
                new SubscriberStats("all", Topics.All, OverflowPolicy.DropOldest, 10, 4, 0, 4),
                new SubscriberStats("a", Topics.Fills, OverflowPolicy.DropOldest, 2, 3, 1, 2),
            ],
            stats.Subscribers);
    }

    [Fact]
    public void Subscribe_RefusesBadArguments()
    {
        var broker = new MessageBroker();
        Assert.Throws<ArgumentOutOfRangeException>(() => broker.Subscribe(Topics.Fills, "x", capacity: 0));
        Assert.Throws<ArgumentException>(() => broker.Subscribe("", "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => broker.Subscribe(Topics.Fills, "x", 1, (OverflowPolicy)42));
    }
}
