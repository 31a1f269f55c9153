namespace Orchestrator.RingBuffer.Tests;

/// <summary>Correctness of wired pipelines under real threads and contention.</summary>
public sealed class DisruptorTests
{
    private static Disruptor<TestEvent> Create(int size, ProducerType type, WaitStrategyKind wait = WaitStrategyKind.Yielding, ExceptionPolicy policy = ExceptionPolicy.Halt) =>
        new(new DisruptorOptions { BufferSize = size, ProducerType = type, WaitStrategy = wait, ExceptionPolicy = policy });

    private static void Publish(RingBuffer<TestEvent> ring, long count, int producerId = 0)
    {
        for (long i = 0; i < count; i++)
        {
            long sequence = ring.Next();
            ref TestEvent e = ref ring[sequence];
            e.Value = i;
            e.ProducerId = producerId;
            ring.Publish(sequence);
        }
    }

    [Fact]
    public void SingleProducer_WrapsAroundManyTimes_ConsumerSeesEveryEventInOrder()
    {
        const long Events = 1_000_000;
        var disruptor = Create(16, ProducerType.Single);
        var handler = new OrderCheckingHandler(Events - 1, producers: 1);
        disruptor.HandleEventsWith(handler);
        RingBuffer<TestEvent> ring = disruptor.Start();

        Publish(ring, Events);

        Assert.True(handler.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Empty(handler.Violations);
        Assert.Equal(Events, handler.Count);
        Assert.Equal(Events * (Events - 1) / 2, handler.Checksum);
        Assert.True(Events / ring.BufferSize > 10_000, "the test must lap the ring many times");
    }

    [Fact]
    public void MultiProducer_ThreeProducersMillionsOfEvents_EveryConsumerSeesEachExactlyOnceInOrder()
    {
        const int Producers = 3;
        const long PerProducer = 1_000_000;
        const long Total = Producers * PerProducer;
        var disruptor = Create(1024, ProducerType.Multi);
        var first = new OrderCheckingHandler(Total - 1, Producers);
        var second = new OrderCheckingHandler(Total - 1, Producers);
        disruptor.HandleEventsWith(first, second);
        RingBuffer<TestEvent> ring = disruptor.Start();

        var threads = new Thread[Producers];
        for (int p = 0; p < Producers; p++)
        {
            int id = p;
            threads[p] = new Thread(() => Publish(ring, PerProducer, id)) { IsBackground = true };
            threads[p].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(Waits.Hang));
        }

        Assert.True(first.Done.Wait(Waits.Hang));
        Assert.True(second.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        foreach (OrderCheckingHandler handler in new[] { first, second })
        {
            Assert.Empty(handler.Violations); // per-producer values contiguous, sequences contiguous
            Assert.Equal(Total, handler.Count);
            Assert.Equal(Producers * (PerProducer * (PerProducer - 1) / 2), handler.Checksum);
        }
    }

    [Theory]
    [InlineData(ProducerType.Single)]
    [InlineData(ProducerType.Multi)]
    public void Producer_NeverOverwritesASlotTheConsumerHasNotFinished(ProducerType type)
    {
        const long Events = 200_000;
        var disruptor = Create(8, type);
        long violations = 0;
        var done = new ManualResetEventSlim();
        disruptor.HandleEventsWith(new ActionHandler((ref TestEvent e, long sequence, bool endOfBatch) =>
        {
            long before = e.Value;
            Thread.SpinWait(20); // widen the window in which a lapping producer would overwrite
            if (before != sequence || e.Value != sequence)
            {
                violations++;
            }

            if (sequence == Events - 1)
            {
                done.Set();
            }
        }));
        RingBuffer<TestEvent> ring = disruptor.Start();

        for (long i = 0; i < Events; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = sequence;
            ring.Publish(sequence);
        }

        Assert.True(done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);
        Assert.Equal(0, violations);
    }

    [Fact]
    public void Pipeline_DependentHandlerNeverSeesASequenceItsUpstreamHasNotFinished()
    {
        const long Events = 500_000;
        var disruptor = Create(1024, ProducerType.Single);
        long violationsB = 0, violationsC = 0;
        var stageA = new ActionHandler((ref TestEvent e, long s, bool _) => e.StageA = s + 1);
        var stageB = new ActionHandler((ref TestEvent e, long s, bool _) =>
        {
            if (e.StageA != s + 1)
            {
                violationsB++;
            }

            e.StageB = s + 1;
        });
        var stageC = new CountingHandler(Events - 1);
        var checkC = new ActionHandler((ref TestEvent e, long s, bool _) =>
        {
            if (e.StageA != s + 1 || e.StageB != s + 1)
            {
                violationsC++;
            }
        });
        disruptor.HandleEventsWith(stageA).Then(stageB).Then(new CompositeEventHandler<TestEvent>(checkC, stageC));
        RingBuffer<TestEvent> ring = disruptor.Start();

        Publish(ring, Events);

        Assert.True(stageC.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(0, violationsB);
        Assert.Equal(0, violationsC);
        Assert.Equal(Events, stageC.Count);
    }

    [Fact]
    public void Diamond_JoinHandlerWaitsForBothParallelHandlers()
    {
        const long Events = 500_000;
        var disruptor = Create(1024, ProducerType.Multi);
        long violations = 0;
        var left = new ActionHandler((ref TestEvent e, long s, bool _) => e.StageA = s + 1);
        var right = new ActionHandler((ref TestEvent e, long s, bool _) => e.StageB = s + 1);
        var join = new CountingHandler(Events - 1);
        var check = new ActionHandler((ref TestEvent e, long s, bool _) =>
        {
            if (e.StageA != s + 1 || e.StageB != s + 1)
            {
                violations++;
            }
        });
        disruptor.HandleEventsWith(left, right).Then(new CompositeEventHandler<TestEvent>(check, join));
        RingBuffer<TestEvent> ring = disruptor.Start();

        Publish(ring, Events);

        Assert.True(join.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(0, violations);
        Assert.Equal(Events, join.Count);
    }

    [Fact]
    public void After_ChainsAStageAfterHandlersWiredEarlier()
    {
        var disruptor = Create(16, ProducerType.Single);
        long violations = 0;
        var a = new ActionHandler((ref TestEvent e, long s, bool _) => e.StageA = s + 1);
        var b = new ActionHandler((ref TestEvent e, long s, bool _) => e.StageB = s + 1);
        var last = new CountingHandler(9_999);
        disruptor.HandleEventsWith(a);
        disruptor.HandleEventsWith(b);
        disruptor.After(a, b).Then(new CompositeEventHandler<TestEvent>(
            new ActionHandler((ref TestEvent e, long s, bool _) => violations += e.StageA == s + 1 && e.StageB == s + 1 ? 0 : 1),
            last));
        Publish(disruptor.Start(), 10_000);

        Assert.True(last.Done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);
        Assert.Equal(0, violations);
    }

    [Fact]
    public void EndOfBatch_IsTrueOnlyForTheLastAvailableEvent()
    {
        var disruptor = Create(32, ProducerType.Single, WaitStrategyKind.Blocking);
        var flags = new List<(long Sequence, bool EndOfBatch)>();
        var firstBatchSeen = new ManualResetEventSlim();
        var secondBatchSeen = new ManualResetEventSlim();
        disruptor.HandleEventsWith(new ActionHandler((ref TestEvent e, long s, bool end) =>
        {
            flags.Add((s, end));
            if (s == 9)
            {
                firstBatchSeen.Set();
            }

            if (s == 14)
            {
                secondBatchSeen.Set();
            }
        }));
        RingBuffer<TestEvent> ring = disruptor.RingBuffer;

        // Ten events published before the consumer starts arrive as one batch.
        ring.Publish(0, ring.Next(10));
        disruptor.Start();
        Assert.True(firstBatchSeen.Wait(Waits.Hang));

        // Five more published at once (one cursor move) arrive as a second batch.
        long high = ring.Next(5);
        ring.Publish(high - 4, high);
        Assert.True(secondBatchSeen.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);

        Assert.Equal(15, flags.Count);
        for (int i = 0; i < flags.Count; i++)
        {
            Assert.Equal(i, flags[i].Sequence);
            Assert.Equal(i == 9 || i == 14, flags[i].EndOfBatch);
        }
    }

    [Fact]
    public void MaxBatchSize_BoundsTheBatchAHandlerSees()
    {
        var disruptor = new Disruptor<TestEvent>(new DisruptorOptions { BufferSize = 64, ProducerType = ProducerType.Single, MaxBatchSize = 4 });
        var ends = new List<long>();
        var handler = new CountingHandler(19);
        disruptor.HandleEventsWith(new CompositeEventHandler<TestEvent>(
            new ActionHandler((ref TestEvent e, long s, bool end) =>
            {
                if (end)
                {
                    ends.Add(s);
                }
            }),
            handler));
        RingBuffer<TestEvent> ring = disruptor.RingBuffer;
        ring.Publish(0, ring.Next(20));
        disruptor.Start();

        Assert.True(handler.Done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);
        Assert.Equal(new long[] { 3, 7, 11, 15, 19 }, ends);
    }

    public static TheoryData<WaitStrategyKind, ProducerType> StrategiesAndProducers()
    {
        var data = new TheoryData<WaitStrategyKind, ProducerType>();
        foreach (WaitStrategyKind kind in Enum.GetValues<WaitStrategyKind>())
        {
            data.Add(kind, ProducerType.Single);
            data.Add(kind, ProducerType.Multi);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StrategiesAndProducers))]
    public void EveryWaitStrategy_DeliversEveryEventThroughATwoStagePipeline(WaitStrategyKind kind, ProducerType type)
    {
        // Busy-spin burns a core per consumer; on two cores keep its run short.
        long events = kind == WaitStrategyKind.BusySpin ? 20_000 : 200_000;
        var disruptor = Create(256, type, kind);
        var first = new OrderCheckingHandler(events - 1, producers: 1);
        var second = new OrderCheckingHandler(events - 1, producers: 1);
        disruptor.HandleEventsWith(first).Then(second);
        RingBuffer<TestEvent> ring = disruptor.Start();

        Publish(ring, events);

        Assert.True(second.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Empty(first.Violations);
        Assert.Empty(second.Violations);
        Assert.Equal(events, second.Count);
    }

    [Fact]
    public void BlockingWaitStrategy_WakesAConsumerParkedOnAnEmptyRing()
    {
        var disruptor = Create(16, ProducerType.Single, WaitStrategyKind.Blocking);
        var handler = new CountingHandler(0);
        disruptor.HandleEventsWith(handler);
        RingBuffer<TestEvent> ring = disruptor.Start();

        // Whether or not the consumer has parked yet, one publish must reach it.
        Publish(ring, 1);
        Assert.True(handler.Done.Wait(Waits.Hang));
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public void TryNext_WhenConsumerIsStuck_ReportsNoCapacityInsteadOfWaiting()
    {
        var disruptor = Create(4, ProducerType.Multi, WaitStrategyKind.Blocking);
        var stuck = new BlockingHandler();
        disruptor.HandleEventsWith(stuck);
        RingBuffer<TestEvent> ring = disruptor.Start();

        Assert.True(ring.TryNext(out long s));
        ring.Publish(s);
        Assert.True(stuck.Entered.Wait(Waits.Hang)); // consumer holds sequence 0, so 3 slots are free
        Assert.False(ring.TryNext(4, out _));
        Assert.True(ring.TryNext(3, out long high));
        ring.Publish(high - 2, high);
        Assert.False(ring.TryNext(out _));
        Assert.Equal(0, ring.RemainingCapacity());

        stuck.Release.Set();
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
    }

    [Fact]
    public void Shutdown_DrainsEveryPublishedEventBeforeStopping()
    {
        const long Events = 100_000;
        var disruptor = Create(1024, ProducerType.Single, WaitStrategyKind.Sleeping);
        var slow = new ActionHandler((ref TestEvent e, long s, bool _) => Thread.SpinWait(10));
        var counter = new CountingHandler(Events - 1);
        disruptor.HandleEventsWith(slow).Then(counter);
        RingBuffer<TestEvent> ring = disruptor.Start();
        Publish(ring, Events);

        // No wait for the consumers: Shutdown itself must drain.
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));
        Assert.Equal(Events, counter.Count);
        Assert.All(disruptor.Processors, p => Assert.False(p.IsRunning));
        Assert.All(disruptor.Processors, p => Assert.True(p.Completion.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Shutdown_WhenAHandlerIsStuck_ReturnsTimedOut()
    {
        var disruptor = Create(16, ProducerType.Single, WaitStrategyKind.Blocking);
        var stuck = new BlockingHandler();
        disruptor.HandleEventsWith(stuck);
        Publish(disruptor.Start(), 3);
        Assert.True(stuck.Entered.Wait(Waits.Hang));

        Assert.Equal(ShutdownResult.TimedOut, disruptor.Shutdown(TimeSpan.FromMilliseconds(50)));

        stuck.Release.Set();
        await disruptor.Processors[0].Completion.WaitAsync(Waits.Hang);
    }

    [Fact]
    public void Wiring_AfterStart_IsRefused()
    {
        var disruptor = Create(16, ProducerType.Single);
        disruptor.HandleEventsWith(new CountingHandler(0));
        disruptor.Start();
        Assert.Throws<InvalidOperationException>(() => disruptor.HandleEventsWith(new CountingHandler(0)));
        Assert.Throws<InvalidOperationException>(() => disruptor.Start());
        disruptor.Shutdown(Waits.Hang);
    }

    [Fact]
    public void Lifecycle_StartAndShutdownAreCalledOnTheProcessorThread()
    {
        var disruptor = Create(16, ProducerType.Single, WaitStrategyKind.Blocking);
        var handler = new LifecycleHandler();
        disruptor.HandleEventsWith(handler);
        Publish(disruptor.Start(), 5);
        Assert.Equal(ShutdownResult.Drained, disruptor.Shutdown(Waits.Hang));

        Assert.Equal(1, handler.Starts);
        Assert.Equal(1, handler.Shutdowns);
        Assert.Equal(5, handler.Events);
        Assert.Single(handler.ThreadIds);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, handler.ThreadIds);
        Assert.StartsWith("ring-LifecycleHandler", handler.ThreadName, StringComparison.Ordinal);
    }

    [Fact]
    public void CompositeHandler_RunsItsHandlersInOrderOnOneThread()
    {
        var disruptor = Create(16, ProducerType.Single, WaitStrategyKind.Blocking);
        var calls = new List<(string Who, long Sequence, int Thread)>();
        var last = new CountingHandler(2);
        disruptor.HandleEventsWith(new CompositeEventHandler<TestEvent>(
            new ActionHandler((ref TestEvent e, long s, bool _) => calls.Add(("a", s, Environment.CurrentManagedThreadId))),
            new ActionHandler((ref TestEvent e, long s, bool _) => calls.Add(("b", s, Environment.CurrentManagedThreadId))),
            last));
        Publish(disruptor.Start(), 3);
        Assert.True(last.Done.Wait(Waits.Hang));
        disruptor.Shutdown(Waits.Hang);

        Assert.Equal(new[] { "a", "b", "a", "b", "a", "b" }, calls.Select(c => c.Who));
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2 }, calls.Select(c => c.Sequence));
        Assert.Single(calls.Select(c => c.Thread).Distinct());
        Assert.Single(disruptor.Processors);
    }

    private sealed class LifecycleHandler : IEventHandler<TestEvent>, ILifecycleAware
    {
        public int Starts { get; private set; }

        public int Shutdowns { get; private set; }

        public int Events { get; private set; }

        public HashSet<int> ThreadIds { get; } = [];

        public string? ThreadName { get; private set; }

        public void OnEvent(ref TestEvent data, long sequence, bool endOfBatch)
        {
            Events++;
            ThreadIds.Add(Environment.CurrentManagedThreadId);
        }

        public void OnStart()
        {
            Starts++;
            ThreadIds.Add(Environment.CurrentManagedThreadId);
            ThreadName = Thread.CurrentThread.Name;
        }

        public void OnShutdown()
        {
            Shutdowns++;
            ThreadIds.Add(Environment.CurrentManagedThreadId);
        }
    }
}
