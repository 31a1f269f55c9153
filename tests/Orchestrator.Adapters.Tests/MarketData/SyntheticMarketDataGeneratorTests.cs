using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.MarketData;

public sealed class SyntheticMarketDataGeneratorTests
{
    private static SyntheticMarketDataOptions ThreeSymbols(ulong seed = 42) => new()
    {
        Seed = seed,
        Symbols =
        [
            new SyntheticSymbol(7, 187.25m),
            new SyntheticSymbol(3, 12.40m) { TickSize = 0.05m, LotSize = 100, MeanSize = 250, SpreadBps = 20 },
            new SyntheticSymbol(11, 0.02m) { TickSize = 0.01m, VolatilityAnnual = 3.0, SpreadBps = 0 },
        ],
    };

    private static MarketTick[] Take(SyntheticMarketDataGenerator generator, int count)
    {
        var ticks = new MarketTick[count];
        for (int i = 0; i < count; i++)
        {
            generator.Next(out ticks[i]);
        }

        return ticks;
    }

    [Fact]
    public void SameSeed_ProducesAnIdenticalTenThousandTickSequence()
    {
        MarketTick[] first = Take(new SyntheticMarketDataGenerator(ThreeSymbols(42)), 10_000);
        MarketTick[] second = Take(new SyntheticMarketDataGenerator(ThreeSymbols(42)), 10_000);

        Assert.Equal(first, second);
    }

    [Fact]
    public void DifferentSeed_ProducesADifferentSequence()
    {
        MarketTick[] first = Take(new SyntheticMarketDataGenerator(ThreeSymbols(42)), 10_000);
        MarketTick[] second = Take(new SyntheticMarketDataGenerator(ThreeSymbols(43)), 10_000);

        Assert.NotEqual(first.Select(t => t.PriceRaw), second.Select(t => t.PriceRaw));
        Assert.NotEqual(first.Select(t => t.Size), second.Select(t => t.Size));
    }

    [Fact]
    public void Ticks_AreOnTheTickGrid_Positive_BidBelowAsk_SizesInWholeLots()
    {
        SyntheticMarketDataOptions options = ThreeSymbols();
        var bySymbol = options.Symbols.ToDictionary(s => s.SymbolId);
        var generator = new SyntheticMarketDataGenerator(options);

        for (int i = 0; i < 300_000; i++)
        {
            generator.Next(out MarketTick tick);
            SyntheticSymbol symbol = bySymbol[tick.SymbolId];
            long tickRaw = FixedPoint.FromDecimal(symbol.TickSize);

            Assert.Equal(EventKind.TradeTick, tick.Kind);
            Assert.True(tick.PriceRaw >= tickRaw);
            Assert.Equal(0, tick.PriceRaw % tickRaw);
            Assert.Equal(0, tick.BidRaw % tickRaw);
            Assert.Equal(0, tick.AskRaw % tickRaw);
            Assert.True(tick.BidRaw >= tickRaw);
            Assert.True(tick.BidRaw < tick.AskRaw);
            Assert.InRange(tick.PriceRaw, tick.BidRaw, tick.AskRaw);
            foreach (long size in (ReadOnlySpan<long>)[tick.Size, tick.BidSize, tick.AskSize])
            {
                Assert.True(size > 0);
                Assert.Equal(0, size % symbol.LotSize);
            }
        }
    }

    [Fact]
    public void Prices_WhenTheProcessFallsBelowOneTick_FloorAtOneTickWithBidBelowAsk()
    {
        // A day and more per step, 300 % volatility and a steep negative drift: the price collapses.
        var options = new SyntheticMarketDataOptions
        {
            TicksPerSecond = 0.00001,
            Symbols = [new SyntheticSymbol(0, 0.05m) { VolatilityAnnual = 3.0, DriftAnnual = -5.0, TickSize = 0.01m }],
        };
        var generator = new SyntheticMarketDataGenerator(options);
        int atFloor = 0;

        for (int i = 0; i < 10_000; i++)
        {
            generator.Next(out MarketTick tick);
            Assert.True(tick.PriceRaw >= 10_000);
            Assert.True(tick.BidRaw >= 10_000);
            Assert.True(tick.BidRaw < tick.AskRaw);
            atFloor += tick.PriceRaw == 10_000 ? 1 : 0;
        }

        Assert.True(atFloor > 5_000);
    }

    [Fact]
    public void Spread_IsAtLeastTheConfiguredBasisPointsAroundThePrice()
    {
        var options = new SyntheticMarketDataOptions { Symbols = [new SyntheticSymbol(0, 100m) { SpreadBps = 10, TickSize = 0.01m }] };
        var generator = new SyntheticMarketDataGenerator(options);

        generator.Next(out MarketTick tick);

        // 100.00 ± 5 bps = 99.95 / 100.05, already on the grid.
        Assert.Equal(100_000_000, tick.PriceRaw);
        Assert.Equal(99_950_000, tick.BidRaw);
        Assert.Equal(100_050_000, tick.AskRaw);
    }

    [Fact]
    public void FirstTickOfEachSymbol_IsAtItsStartPrice()
    {
        MarketTick[] ticks = Take(new SyntheticMarketDataGenerator(ThreeSymbols()), 3);

        Assert.Equal(187_250_000, ticks[0].PriceRaw);
        Assert.Equal(12_400_000, ticks[1].PriceRaw);
        Assert.Equal(20_000, ticks[2].PriceRaw);
    }

    [Fact]
    public void Timestamps_AdvanceByExactlyTheStepInterval_AndSymbolsTakeTurns()
    {
        SyntheticMarketDataOptions options = ThreeSymbols() with { TicksPerSecond = 1000, StartTimeNs = SyntheticMarketDataOptions.DefaultStartTimeNs };
        var generator = new SyntheticMarketDataGenerator(options);
        int[] order = [7, 3, 11];

        Assert.Equal(1_000_000, generator.StepIntervalNs);
        for (int k = 0; k < 30_000; k++)
        {
            generator.Next(out MarketTick tick);
            Assert.Equal(SyntheticMarketDataOptions.DefaultStartTimeNs + (k * 1_000_000L), tick.TsEventNs);
            Assert.Equal(order[k % 3], tick.SymbolId);
        }
    }

    [Fact]
    public void LogReturns_OverTwoHundredThousandSteps_HaveTheConfiguredAnnualVolatilityWithinTenPercent()
    {
        const double Sigma = 0.25;
        const int Steps = 200_000;
        var options = new SyntheticMarketDataOptions
        {
            Seed = 20250102,
            TicksPerSecond = 1,
            Symbols = [new SyntheticSymbol(0, 100m) { VolatilityAnnual = Sigma, DriftAnnual = 0, TickSize = 0.0001m }],
        };
        var generator = new SyntheticMarketDataGenerator(options);
        double dtYears = 1.0 / SyntheticMarketDataGenerator.TradingSecondsPerYear;

        generator.Next(out MarketTick previous);
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < Steps; i++)
        {
            generator.Next(out MarketTick tick);
            double r = Math.Log((double)tick.PriceRaw / previous.PriceRaw);
            sum += r;
            sumSquares += r * r;
            previous = tick;
        }

        double mean = sum / Steps;
        double variance = (sumSquares - (Steps * mean * mean)) / (Steps - 1);
        double annualised = Math.Sqrt(variance / dtYears);
        Assert.InRange(annualised, Sigma * 0.9, Sigma * 1.1);
    }

    [Fact]
    public void Next_AfterWarmUp_AllocatesZeroBytesOverOneMillionSteps()
    {
        var generator = new SyntheticMarketDataGenerator(ThreeSymbols());
        long checksum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            generator.Next(out MarketTick tick);
            checksum += tick.PriceRaw;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000_000; i++)
        {
            generator.Next(out MarketTick tick);
            checksum += tick.PriceRaw;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    [Fact]
    public void TryGetNext_NeverRunsOut()
    {
        var source = new SyntheticMarketDataGenerator(ThreeSymbols());

        for (int i = 0; i < 1000; i++)
        {
            Assert.True(source.TryGetNext(out _));
        }
    }

    [Fact]
    public void Constructor_WithInvalidOptions_ThrowsListingEveryError()
    {
        var options = new SyntheticMarketDataOptions { TicksPerSecond = 0, Symbols = [new SyntheticSymbol(1, -5m)] };

        ArgumentException error = Assert.Throws<ArgumentException>(() => new SyntheticMarketDataGenerator(options));

        Assert.Contains("TicksPerSecond", error.Message, StringComparison.Ordinal);
        Assert.Contains("Symbols[0].StartPrice", error.Message, StringComparison.Ordinal);
    }
}
