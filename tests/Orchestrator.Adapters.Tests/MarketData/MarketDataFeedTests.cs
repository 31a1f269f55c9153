using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class MarketDataFeedTests
{
    private static readonly DateTimeOffset s_start = new(2025, 1, 2, 14, 30, 0, TimeSpan.Zero);
    private static readonly SymbolTable s_symbols = new(["AAPL", "MSFT"]);

    private static SyntheticMarketDataGenerator Generator() =>
        new(new SyntheticMarketDataOptions { Symbols = [new SyntheticSymbol(0, 100m), new SyntheticSymbol(1, 50m)] });

    /// <summary>Counts without keeping ticks (for unbounded sources) and signals once a count is reached.</summary>
    private sealed class CountingSink(long signalAt) : IMarketDataSink, IDisposable
    {
        private long _count;

        public ManualResetEventSlim Reached { get; } = new(false);

        public long Count => Volatile.Read(ref _count);

        public void OnMarketData(in MarketTick tick)
        {
            if (Interlocked.Increment(ref _count) == signalAt)
            {
                Reached.Set();
            }
        }

        public void Dispose() => Reached.Dispose();
    }

    /// <summary>Yields a few ticks, then throws.</summary>
    private sealed class FailingSource(int ticksBeforeFailure) : IMarketDataSource
    {
        private int _produced;

        public bool TryGetNext(out MarketTick tick)
        {
            if (_produced == ticksBeforeFailure)
            {
                throw new InvalidOperationException("source broke");
            }

            tick = new MarketTick { Kind = EventKind.TradeTick, PriceRaw = ++_produced };
            return true;
        }
    }

    [Fact]
    public async Task AsFastAsPossible_OverAFileSource_DeliversEveryTickInOrderOnTheFeedThreadAndCompletes()
    {
        var content = new System.Text.StringBuilder("timestamp,symbol,price,size\n");
        for (int i = 0; i < 5_000; i++)
        {
            content.Append(1_735_828_200_000_000_000L + i).Append(i % 2 == 0 ? ",AAPL," : ",MSFT,").Append(100 + i).Append(".25,").Append(i + 1).Append('\n');
        }

        using var file = new TempMarketDataFile(".csv", content.ToString());
        List<MarketTick> expected = MarketDataFileReader.ReadAll(file.Path, s_symbols);
        using var reader = new MarketDataFileReader(file.Path, s_symbols);
        using var sink = new RecordingSink();
        using var feed = new MarketDataFeed(reader, sink, MarketDataPace.AsFastAsPossible);

        feed.Start();
        await feed.Completion.WaitAsync(RecordingSink.Hang);

        Assert.Equal(5_000, expected.Count);
        Assert.Equal(expected, sink.Ticks);
        Assert.Equal(5_000, feed.TicksEmitted);
        Assert.Equal(MarketDataFeed.DefaultThreadName, sink.ThreadName);
    }

    [Fact]
    public void Paced_WithManualTime_EmitsOnlyTheTicksThatAreDue()
    {
        var time = new ManualTimeProvider(s_start);
        using var sink = new RecordingSink(time);
        using var feed = new MarketDataFeed(Generator(), sink, MarketDataPace.Paced(10), time);

        feed.Start();
        Assert.True(sink.WaitForCount(1)); // tick 0 is due at start
        Assert.Equal(1, sink.Count);

        time.Advance(TimeSpan.FromMilliseconds(250)); // ticks 1 (100 ms) and 2 (200 ms) are due
        Assert.True(sink.WaitForCount(3));
        Assert.Equal(3, sink.Count);

        time.Advance(TimeSpan.FromMilliseconds(750)); // up to tick 10 (1000 ms)
        Assert.True(sink.WaitForCount(11));
        feed.Stop();

        Assert.Equal(11, sink.Count);
        Assert.Equal(11, feed.TicksEmitted);
        Assert.True(feed.Completion.IsCompletedSuccessfully);
        List<DateTimeOffset> arrivals = sink.Arrivals;
        for (int i = 0; i < arrivals.Count; i++)
        {
            Assert.True(arrivals[i] >= s_start.AddMilliseconds(100 * i), "tick " + i + " arrived before it was due");
        }
    }

    [Fact]
    public async Task Recorded_WithManualTime_FollowsTheTicksOwnTimestampsDividedBySpeed()
    {
        using var file = new TempMarketDataFile(".csv", """
            timestamp,symbol,price,size
            2025-01-02T14:30:00Z,AAPL,100,1
            2025-01-02T14:30:01Z,AAPL,101,1
            2025-01-02T14:30:03Z,AAPL,102,1
            """);
        using var reader = new MarketDataFileReader(file.Path, s_symbols);
        var time = new ManualTimeProvider(s_start);
        using var sink = new RecordingSink(time);
        using var feed = new MarketDataFeed(reader, sink, MarketDataPace.Recorded(speed: 2), time);

        feed.Start();
        Assert.True(sink.WaitForCount(1));

        time.Advance(TimeSpan.FromMilliseconds(500)); // 1 s of data at speed 2
        Assert.True(sink.WaitForCount(2));
        Assert.Equal(2, sink.Count);

        time.Advance(TimeSpan.FromMilliseconds(1000)); // 3 s of data at speed 2
        await feed.Completion.WaitAsync(RecordingSink.Hang);

        Assert.Equal(3, feed.TicksEmitted);
        List<DateTimeOffset> arrivals = sink.Arrivals;
        Assert.True(arrivals[1] >= s_start.AddMilliseconds(500));
        Assert.True(arrivals[2] >= s_start.AddMilliseconds(1500));
    }

    [Fact]
    public async Task Stop_EndsAnInfiniteGeneratorFeed_AndCompletionCompletes()
    {
        using var sink = new CountingSink(signalAt: 10_000);
        using var feed = new MarketDataFeed(Generator(), sink, MarketDataPace.AsFastAsPossible, threadName: "md-synthetic");

        feed.Start();
        Assert.True(sink.Reached.Wait(RecordingSink.Hang));
        feed.Stop();

        Assert.True(feed.Completion.IsCompletedSuccessfully);
        long emitted = feed.TicksEmitted;
        Assert.Equal(emitted, sink.Count);
        Assert.True(emitted >= 10_000);
        await feed.Completion;
    }

    [Fact]
    public void Stop_WhilePacedFeedWaitsForAFarDueTime_ReturnsAndCompletes()
    {
        var time = new ManualTimeProvider(s_start);
        using var sink = new RecordingSink(time);
        using var feed = new MarketDataFeed(Generator(), sink, MarketDataPace.Paced(0.001), time);

        feed.Start();
        Assert.True(sink.WaitForCount(1));
        feed.Stop();

        Assert.True(feed.Completion.IsCompletedSuccessfully);
        Assert.Equal(1, feed.TicksEmitted);
    }

    [Fact]
    public async Task SourceThatThrows_FaultsCompletion_AfterDeliveringWhatItProduced()
    {
        using var sink = new RecordingSink();
        using var feed = new MarketDataFeed(new FailingSource(3), sink, MarketDataPace.AsFastAsPossible);

        feed.Start();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => feed.Completion.WaitAsync(RecordingSink.Hang));

        Assert.Equal("source broke", error.Message);
        Assert.Equal(3, sink.Count);
        Assert.Equal(3, feed.TicksEmitted);
    }

    [Fact]
    public void Stop_BeforeStart_CompletesAndStartThenThrows()
    {
        using var sink = new RecordingSink();
        using var feed = new MarketDataFeed(Generator(), sink, MarketDataPace.AsFastAsPossible);

        feed.Stop();

        Assert.True(feed.Completion.IsCompletedSuccessfully);
        Assert.Throws<InvalidOperationException>(feed.Start);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Pace_WithANonPositiveRateOrSpeed_Throws(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketDataPace.Paced(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarketDataPace.Recorded(value));
    }
}
