using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Examples.OpeningRangeBreakout;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Examples.Tests;

/// <summary>The opening-range breakout on deterministic data through a running engine and the paper venue.</summary>
public sealed class OpeningRangeBreakoutTests
{
    private const string Name = "orb";

    [Fact]
    public void ABreakoutAboveTheRange_Buys_AndATradeAtTheRangeLow_StopsItOut_OncePerDay()
    {
        using var rig = Rig(new OpeningRangeBreakoutStrategy());
        var ticks = new List<MarketTick>
        {
            Ticks.Trade(0, Ticks.At(0, 14, 0), 99m),    // before the session: not part of the range
            Ticks.Trade(0, Ticks.At(0, 14, 10), 103m),
        };
        ticks.AddRange(Range(day: 0, low: 100m, high: 101m));
        ticks.AddRange(
        [
            Ticks.Trade(0, Ticks.At(0, 15, 1), 100.5m),
            Ticks.Trade(0, Ticks.At(0, 15, 2), 100.9m),
            Ticks.Trade(0, Ticks.At(0, 15, 3), 101.5m), // breakout: buy (the paper venue fills on the next trade)
            Ticks.Trade(0, Ticks.At(0, 15, 4), 102.5m),
            Ticks.Trade(0, Ticks.At(0, 15, 5), 100.2m),
            Ticks.Trade(0, Ticks.At(0, 15, 6), 99.9m),  // below the range low: stop
            Ticks.Trade(0, Ticks.At(0, 15, 7), 99.6m),
            Ticks.Trade(0, Ticks.At(0, 15, 8), 101.8m), // a second breakout the same day: no entry
            Ticks.Trade(0, Ticks.At(0, 15, 9), 102.0m),
        ]);

        RunSettled(rig, ticks);

        IReadOnlyList<OrderRecord> orders = rig.OrdersOf(Name);
        Assert.Equal(2, orders.Count);
        Assert.Equal((Side.Buy, 100L, OrderStatus.Filled, 102.5m), (orders[0].Side, orders[0].FilledQuantity, orders[0].Status, FixedPoint.ToDecimal(orders[0].AvgFillPriceRaw)));
        Assert.Equal((Side.Sell, 100L, OrderStatus.Filled, 99.6m), (orders[1].Side, orders[1].FilledQuantity, orders[1].Status, FixedPoint.ToDecimal(orders[1].AvgFillPriceRaw)));
        Assert.Equal(0, rig.Engine.Portfolio.Quantity(0));
    }

    [Fact]
    public void ABreakdownBelowTheRange_SellsShort_AndTheSessionEndTimer_CoversIt()
    {
        using var rig = Rig(new OpeningRangeBreakoutStrategy());
        var ticks = new List<MarketTick>(Range(day: 1, low: 100m, high: 101m))
        {
            Ticks.Trade(0, Ticks.At(1, 15, 1), 100.4m),
            Ticks.Trade(0, Ticks.At(1, 15, 2), 99.5m),  // breakdown: sell short (stop = the range high, never reached)
            Ticks.Trade(0, Ticks.At(1, 18, 0), 98.0m),
            Ticks.Trade(0, Ticks.At(1, 21, 0, 30), 97.0m), // past 14:30 + 390 min = 21:00: the timer covers
            Ticks.Trade(0, Ticks.At(1, 21, 1), 96.5m),
        };

        RunSettled(rig, ticks);

        IReadOnlyList<OrderRecord> orders = rig.OrdersOf(Name);
        Assert.Equal(2, orders.Count);
        Assert.Equal((Side.Sell, 100L, 98.0m), (orders[0].Side, orders[0].FilledQuantity, FixedPoint.ToDecimal(orders[0].AvgFillPriceRaw)));
        Assert.Equal((Side.Buy, 100L, 96.5m), (orders[1].Side, orders[1].FilledQuantity, FixedPoint.ToDecimal(orders[1].AvgFillPriceRaw)));
        Assert.Equal(0, rig.Engine.Portfolio.Quantity(0));
    }

    [Fact]
    public void PricesInsideTheRange_AndMovesBeforeItEnds_TradeNothing()
    {
        using var rig = Rig(new OpeningRangeBreakoutStrategy());
        var ticks = new List<MarketTick>(Range(day: 2, low: 100m, high: 101m))
        {
            Ticks.Trade(0, Ticks.At(2, 15, 1), 100.1m),
            Ticks.Trade(0, Ticks.At(2, 15, 30), 100.9m),
            Ticks.Trade(0, Ticks.At(2, 16, 0), 101.0m), // at the high is not above it
        };

        RunSettled(rig, ticks);

        Assert.Empty(rig.OrdersOf(Name));
    }

    [Fact]
    public void Options_Validate_NamesEveryBadParameter()
    {
        var options = new OpeningRangeBreakoutOptions { RangeMinutes = 0, Quantity = 0, StopFraction = 1.5m, FlattenAfterMinutes = 0 };

        string[] errors = [.. options.Validate()];

        Assert.Contains(errors, e => e.StartsWith("range_minutes: must be at least 1 (was 0)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("quantity:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("stop_fraction:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("flatten_after_minutes:", StringComparison.Ordinal));
        Assert.Empty(new OpeningRangeBreakoutOptions().Validate());
        Assert.Throws<ArgumentException>(() => new OpeningRangeBreakoutStrategy(options));
        Assert.NotEmpty(new OpeningRangeBreakoutStrategy().Configure(options));
    }

    [Fact]
    public void OnTheTradingThread_ItAllocatesNothing()
    {
        // Many days: each has its range, a breakout, a stop or a session-end cover.
        var ticks = new List<MarketTick>();
        for (int day = 0; day < 400; day++)
        {
            ticks.AddRange(Range(day, 100m, 101m));
            bool up = day % 2 == 0;
            for (int m = 0; m < 40; m++)
            {
                decimal drift = (m + 1) * 0.05m;
                ticks.Add(Ticks.Trade(0, Ticks.At(day, 15, 1 + m), up ? 101m + drift : 100m - drift));
            }

            ticks.Add(Ticks.Trade(0, Ticks.At(day, 15, 45), up ? 99m : 102m)); // the stop
            ticks.Add(Ticks.Trade(0, Ticks.At(day, 21, 1), 100.5m));          // past the session end (timer)
        }

        StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(new OpeningRangeBreakoutStrategy(), ["AAPL"], ticks, warmUpTicks: ticks.Count * 3 / 4);

        Assert.True(report.Callbacks > 1_000, report.ToString());
        Assert.True(report.Taken >= 150, report.ToString()); // 100 measured days: entries and their exits
    }

    private static StrategyTestRig Rig(IStrategy strategy) =>
        new(StrategyTestRig.Options(["AAPL"], new StrategyRegistration(Name, strategy, ["AAPL"])));

    /// <summary>Every tick alone, the engine settled after each: fills are at the price of the tick that caused them.</summary>
    private static void RunSettled(StrategyTestRig rig, IEnumerable<MarketTick> ticks)
    {
        foreach (MarketTick tick in ticks)
        {
            rig.Publish(tick);
            rig.WaitUntilQuiet();
        }
    }

    /// <summary>The first 30 minutes of a session alternating between <paramref name="low"/> and <paramref name="high"/>.</summary>
    private static IEnumerable<MarketTick> Range(int day, decimal low, decimal high)
    {
        for (int m = 0; m < 30; m++)
        {
            yield return Ticks.Trade(0, Ticks.At(day, 14, 30 + m), m % 2 == 0 ? low : high);
        }
    }
}
