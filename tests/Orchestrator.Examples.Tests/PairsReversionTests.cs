using Orchestrator.Core;
using Orchestrator.Engine.State;
using Orchestrator.Examples.PairsReversion;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Examples.Tests;

/// <summary>The pairs strategy on deterministic data through a running engine and the paper venue, on either path.</summary>
public sealed class PairsReversionTests
{
    private const string Name = "pairs";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStretchedRatio_OpensBothLegsAgainstIt_AndItsReversion_ClosesThem(bool slowPath)
    {
        var strategy = new PairsReversionStrategy(new PairsReversionOptions { Window = 10, EntryZ = 2.0, ExitZ = 0.5, Quantity = 100, SlowPath = slowPath });
        using var rig = new StrategyTestRig(StrategyTestRig.Options(["AAPL", "MSFT"], new StrategyRegistration(Name, strategy, ["AAPL", "MSFT"])));

        foreach (MarketTick tick in Data(spikeMinute: 15, minutes: 20))
        {
            rig.Publish(tick);
            rig.WaitUntilQuiet();
        }

        IReadOnlyList<OrderRecord> orders = rig.OrdersOf(Name);
        Assert.Equal(4, orders.Count);
        // A (AAPL) rich at the spike: sell A, buy B; then both closed.
        Assert.Equal(
            [(0, Side.Sell, 100L), (1, Side.Buy, 100L), (0, Side.Buy, 100L), (1, Side.Sell, 100L)],
            orders.Select(o => (o.SymbolId, o.Side, o.FilledQuantity)));
        Assert.All(orders, o => Assert.Equal(OrderStatus.Filled, o.Status));
        Assert.Equal(0, rig.Engine.Portfolio.Quantity(0));
        Assert.Equal(0, rig.Engine.Portfolio.Quantity(1));
        Assert.Equal(slowPath ? StrategyThreading.SlowPath : StrategyThreading.FastPath, rig.Engine.Strategies!.Status()[0].Threading);
    }

    [Fact]
    public void WithoutAStretch_ItTradesNothing()
    {
        var strategy = new PairsReversionStrategy(new PairsReversionOptions { Window = 10 });
        using var rig = new StrategyTestRig(StrategyTestRig.Options(["AAPL", "MSFT"], new StrategyRegistration(Name, strategy, ["AAPL", "MSFT"])));

        rig.Run(Data(spikeMinute: -1, minutes: 25));

        Assert.Empty(rig.OrdersOf(Name));
        Assert.True(Math.Abs(strategy.LastZ) < 2.0, $"z = {strategy.LastZ}");
    }

    [Fact]
    public void Options_Validate_NamesEveryBadParameter()
    {
        var options = new PairsReversionOptions { Timeframe = "7x", Window = 1, EntryZ = 0, ExitZ = 1, Quantity = 0 };

        string[] errors = [.. options.Validate()];

        Assert.Equal(5, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("timeframe: ", StringComparison.Ordinal) && e.Contains("'7x'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("window: must be at least 2 (was 1)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("entry_z:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("exit_z:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("quantity:", StringComparison.Ordinal));
        Assert.Empty(new PairsReversionOptions().Validate());
    }

    [Fact]
    public void OnTheFastPath_ItAllocatesNothing()
    {
        // A spike every 40 minutes: an entry and an exit each, in the warm-up (first use of each reason code) and after it.
        List<MarketTick> ticks = [.. Data(spikeMinute: -1, minutes: 20_000, spikeEvery: 40)];

        StrategyAllocationReport report = StrategyAllocationProbe.AssertNoAllocation(
            new PairsReversionStrategy(new PairsReversionOptions { Window = 20 }), ["AAPL", "MSFT"], ticks, warmUpTicks: ticks.Count * 3 / 4);

        Assert.True(report.Callbacks > 1_000, report.ToString());
        Assert.True(report.Taken >= 200, report.ToString()); // 125 measured spikes: two legs in, two out
    }

    /// <summary>
    /// Per minute a trade of A (AAPL) at :01 and of B (MSFT) at :02. B is 50; A is 100 × (1 + small
    /// deterministic wobble), except at <paramref name="spikeMinute"/> (and every <paramref name="spikeEvery"/>th minute) when A is 3% up.
    /// </summary>
    private static IEnumerable<MarketTick> Data(int spikeMinute, int minutes, int spikeEvery = 0)
    {
        const double wobble = 0.001;
        for (int m = 0; m < minutes; m++)
        {
            bool spike = m == spikeMinute || (spikeEvery > 0 && m % spikeEvery == spikeEvery - 1);
            decimal a = spike ? 103m : Math.Round(100m * (decimal)(1 + (wobble * Math.Sin(m * 1.7))), 2);
            decimal b = Math.Round(50m * (decimal)(1 + (wobble * 0.3 * Math.Cos(m * 0.9))), 2);
            long minute = Ticks.At(0, 15, 0) + (m * Ticks.Minute);
            yield return Ticks.Trade(0, minute + Ticks.Second, a);
            yield return Ticks.Trade(1, minute + (2 * Ticks.Second), b);
        }
    }
}
