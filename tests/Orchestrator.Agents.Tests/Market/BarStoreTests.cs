using Orchestrator.Agents.Market;

namespace Orchestrator.Agents.Tests.Market;

public sealed class BarStoreTests
{
    private const long Second = 1_000_000_000;
    private const long Minute = 60 * Second;
    private static readonly long s_t0 = 1_764_000_000L * Second / Minute * Minute;

    [Fact]
    public void Trades_FormOhlcvBars_ABarCompletesWhenTheNextIntervalTrades()
    {
        var store = new BarStore();
        Assert.True(store.OnTrade("AAPL", 10m, 100, s_t0 + (1 * Second)));
        Assert.True(store.OnTrade("AAPL", 12m, 50, s_t0 + (20 * Second)));
        Assert.True(store.OnTrade("AAPL", 9m, 25, s_t0 + (40 * Second)));
        Assert.True(store.OnTrade("AAPL", 11m, 10, s_t0 + (59 * Second)));

        Assert.Empty(store.GetBars("AAPL", 10));
        Assert.Equal([new Bar(s_t0, 10m, 12m, 9m, 11m, 185)], store.GetBars("AAPL", 10, includeForming: true));

        Assert.True(store.OnTrade("AAPL", 13m, 5, s_t0 + Minute + Second));

        Assert.Equal([new Bar(s_t0, 10m, 12m, 9m, 11m, 185)], store.GetBars("AAPL", 10));
        Assert.Equal(new Bar(s_t0 + Minute, 13m, 13m, 13m, 13m, 5), store.GetBars("AAPL", 10, includeForming: true)[^1]);
    }

    [Fact]
    public void OnTrade_ForKnownSymbols_AllocatesNothing_AsBarsFormAndComplete()
    {
        var store = new BarStore(TimeSpan.FromSeconds(1), capacityPerSymbol: 64);
        string[] symbols = ["AAPL", "MSFT", "NVDA"];
        for (int i = 0; i < 1_000; i++)
        {
            store.OnTrade(symbols[i % 3], 100m + (i % 7), 10, s_t0 + (i * Second / 10)); // the symbols become known, the rings fill
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1_000; i < 101_000; i++)
        {
            store.OnTrade(symbols[i % 3], 100m + (i % 7), 10, s_t0 + (i * Second / 10)); // ten trades a second: a bar completes every ten
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(0, store.LateTrades + store.Refused);
        Assert.Equal(64, store.GetBars("AAPL", 1_000).Count);
    }

    [Fact]
    public void LateTrade_IsDroppedAndCounted()
    {
        var store = new BarStore();
        store.OnTrade("AAPL", 10m, 1, s_t0 + Minute);

        Assert.False(store.OnTrade("AAPL", 99m, 1, s_t0 + Second));

        Assert.Equal(1, store.LateTrades);
        Assert.Equal(10m, store.GetBars("AAPL", 1, includeForming: true)[0].High);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(10, -1)]
    public void BadTrade_IsRefused(int price, long size)
    {
        var store = new BarStore();
        Assert.False(store.OnTrade("AAPL", price, size, s_t0));
        Assert.Equal(1, store.Refused);
    }

    [Fact]
    public void Capacity_KeepsTheNewestBars_AndCopiesDoNotChange()
    {
        var store = new BarStore(TimeSpan.FromSeconds(1), capacityPerSymbol: 3);
        for (int i = 0; i < 5; i++)
        {
            store.OnTrade("AAPL", 10m + i, 1, s_t0 + (i * Second));
        }

        IReadOnlyList<Bar> copy = store.GetBars("AAPL", 100);
        Assert.Equal([11m, 12m, 13m], copy.Select(b => b.Close));
        Assert.Equal([12m, 13m], store.GetBars("AAPL", 2).Select(b => b.Close));

        store.OnTrade("AAPL", 50m, 1, s_t0 + (10 * Second));
        Assert.Equal([11m, 12m, 13m], copy.Select(b => b.Close));
        Assert.Equal([12m, 13m, 14m], store.GetBars("AAPL", 3).Select(b => b.Close));
    }

    [Fact]
    public void MaxSymbols_BoundsTheStore()
    {
        var store = new BarStore(maxSymbols: 2);
        Assert.True(store.OnTrade("A", 1m, 1, s_t0));
        Assert.True(store.OnTrade("B", 1m, 1, s_t0));

        Assert.False(store.OnTrade("C", 1m, 1, s_t0));
        Assert.True(store.OnTrade("A", 2m, 1, s_t0 + Second));
        Assert.Equal(2, store.Symbols.Count);
    }

    [Fact]
    public void Csv_LoadsBarsPerSymbol()
    {
        var store = new BarStore();
        string csv = """
            timestamp,symbol,open,high,low,close,volume
            2025-11-24T14:30:00Z,AAPL,100.5,101.25,100,101,1200
            2025-11-24T14:30:00Z,MSFT,400,401,399.5,400.75,800

            2025-11-24T14:31:00+00:00,AAPL,101,102,100.75,101.5,900
            """;

        int loaded = store.LoadCsv(new StringReader(csv), "bars.csv");

        Assert.Equal(3, loaded);
        IReadOnlyList<Bar> aapl = store.GetBars("AAPL", 10);
        Assert.Equal(2, aapl.Count);
        Assert.Equal(new DateTimeOffset(2025, 11, 24, 14, 30, 0, TimeSpan.Zero), aapl[0].StartUtc);
        Assert.Equal(new Bar(aapl[0].StartNs + Minute, 101m, 102m, 100.75m, 101.5m, 900), aapl[1]);
        Assert.Equal(400.75m, store.GetBars("MSFT", 1)[0].Close);
    }

    [Theory]
    [InlineData("time,symbol,open,high,low,close,volume\n", "bars.csv:1: the header")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\nyesterday,AAPL,1,1,1,1,1\n", "bars.csv:2: timestamp")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\n2025-11-24T14:30:00Z,AAPL,1,1,1,1\n", "bars.csv:2: expected 7 fields")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\n2025-11-24T14:30:00Z,AAPL,1,x,1,1,1\n", "bars.csv:2: high: not a number")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\n2025-11-24T14:30:00Z,AAPL,1,2,1,1,1.5\n", "bars.csv:2: volume")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\n2025-11-24T14:30:00Z,AAPL,1,2,3,1,1\n", "bars.csv:2: AAPL: high must be")]
    [InlineData("timestamp,symbol,open,high,low,close,volume\n2025-11-24T14:31:00Z,AAPL,1,1,1,1,1\n2025-11-24T14:30:00Z,AAPL,1,1,1,1,1\n", "bars.csv:3: AAPL: not newer")]
    public void Csv_BadLine_NamesFileLineAndReason(string csv, string expected)
    {
        var store = new BarStore();
        var ex = Assert.Throws<InvalidDataException>(() => store.LoadCsv(new StringReader(csv), "bars.csv"));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentFeedAndReaders_LoseNoVolume()
    {
        var store = new BarStore(TimeSpan.FromSeconds(1), capacityPerSymbol: 100_000);
        const int Writers = 2;
        const int TradesEach = 20_000;
        using var done = new CancellationTokenSource();
        Task reader = Task.Run(() =>
        {
            long reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                IReadOnlyList<Bar> bars = store.GetBars("AAPL", 50, includeForming: true);
                Assert.All(bars, b => Assert.True(b.Low <= b.High));
                reads++;
            }
        });
        Task[] writers = [.. Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < TradesEach; i++)
            {
                // every writer trades in the same second-sized buckets, in time order
                store.OnTrade("AAPL", 100m + w, 1, s_t0 + ((long)i / 100 * Second));
            }
        }))];

        await Task.WhenAll(writers);
        await done.CancelAsync();
        await reader;

        long volume = store.GetBars("AAPL", 100_000, includeForming: true).Sum(b => b.Volume);
        Assert.Equal(Writers * TradesEach, volume + store.LateTrades);
    }
}
