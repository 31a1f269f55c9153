using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Snapshots;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// The portfolio keeps equity incrementally (issue 16); these properties hold it to the definition
/// it replaced — cash plus every position at the market state's last price (average cost without
/// one), summed over every symbol — after random sequences of trades, bars, fills (partial, closing,
/// reversing), cash commands, day rolls and snapshot restores, driven through the real handlers.
/// </summary>
public sealed class IncrementalEquityTests
{
    private const long Day = 86_400 * EngineHarness.Second;

    /// <summary>The definition: cash + Σ quantity × (last trade, or average cost without one), walked over every symbol.</summary>
    private static long WalkedEquity(TradingEngine engine)
    {
        Portfolio p = engine.Portfolio;
        long equity = p.CashRaw;
        for (int s = 0; s < p.SymbolCount; s++)
        {
            long quantity = p.Quantity(s);
            if (quantity != 0)
            {
                long last = engine.Market.LastRaw(s);
                equity += FixedPoint.SaturatingNotional(last != 0 ? last : p.AvgCostRaw(s), quantity);
            }
        }

        return equity;
    }

    private static EngineOptions Options() => EngineHarness.DefaultOptions() with
    {
        Symbols = ["AAPL", "MSFT", "NVDA", "TSLA"],
        OrderCapacity = 1024,
        InboundBufferSize = 64,
        OutboundBufferSize = 1024,
        Risk = EngineHarness.DefaultOptions().Risk with { AllowShortSelling = true, MaxDailyLossFraction = 0.5m },
        Sizing = EngineHarness.DefaultOptions().Sizing with { FixedQuantity = 37 },
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(21)]
    [InlineData(34)]
    public void Equity_EqualsTheFullWalk_AfterRandomFillsMarksCashDaysAndRestores(int seed)
    {
        var random = new Random(seed);
        var h = new EngineHarness(Options());
        long ts = EngineHarness.T0;
        int restores = 0, fills = 0, dayRolls = 0;
        for (int step = 0; step < 600; step++)
        {
            int symbol = random.Next(4);
            int action = random.Next(100);
            ts += random.Next(1, 5) * EngineHarness.Second;
            if (action < 3)
            {
                ts += Day; // the next event starts a new trading day
                dayRolls++;
            }

            if (action < 40)
            {
                long price = random.Next(20) == 0 ? 0 : EngineHarness.Raw(random.Next(10, 500)) + random.Next(1_000_000);
                h.Process(new EngineEvent { Kind = EventKind.TradeTick, SymbolId = symbol, PriceRaw = price, Size = 100, TsEventNs = ts });
            }
            else if (action < 50)
            {
                long close = EngineHarness.Raw(random.Next(10, 500));
                h.Process(new EngineEvent { Kind = EventKind.Bar, SymbolId = symbol, PriceRaw = close, OpenRaw = close, HighRaw = close + 1, LowRaw = close - 1, Size = 1_000, TsEventNs = ts });
            }
            else if (action < 85)
            {
                EngineEvent signal = h.Signal(symbol, random.Next(2) == 0 ? Side.Buy : Side.Sell, tsNs: ts, signalId: step + 1);
                if (signal.ClientOrderId != 0)
                {
                    h.Report(signal.ClientOrderId, ExecutionType.Accepted, tsNs: ts);
                    long leaves = signal.Quantity;
                    while (leaves > 0)
                    {
                        long fill = Math.Min(leaves, random.Next(1, 40));
                        leaves -= fill;
                        decimal price = random.Next(10, 500) + (random.Next(100) / 100m);
                        h.Report(signal.ClientOrderId, leaves == 0 ? ExecutionType.Fill : ExecutionType.PartialFill, fill, price, random.Next(3) / 10m, ts);
                        fills++;
                        Assert.Equal(WalkedEquity(h.Engine), h.Engine.Portfolio.EquityRaw);
                    }
                }
            }
            else if (action < 96)
            {
                h.Command(random.Next(2) == 0 ? CommandKind.AdjustCash : CommandKind.SetCash, ts, random.Next(2) == 0
                    ? EngineHarness.Raw(random.Next(-500, 500))
                    : EngineHarness.Raw(random.Next(50_000, 150_000)));
            }
            else
            {
                h = Restore(h);
                restores++;
            }

            Assert.Equal(WalkedEquity(h.Engine), h.Engine.Portfolio.EquityRaw);
        }

        Assert.True(fills > 20 && restores > 5 && dayRolls > 3, $"the sequence must exercise every kind: {fills} fills, {restores} restores, {dayRolls} day rolls");
    }

    [Fact]
    public void DayStart_TakesEquityAtTheOpeningTradesPrice()
    {
        var h = new EngineHarness(Options());
        h.Trade(0, 100m);
        h.Open(0, Side.Buy, 100m); // 37 shares
        h.Trade(0, 120m, EngineHarness.T0 + Day); // the first event of the next day moves the mark

        Assert.Equal(WalkedEquity(h.Engine), h.Engine.Risk.StartOfDayEquityRaw);
        Assert.Equal(EngineHarness.Raw(100_000m + (37 * 20m)), h.Engine.Risk.StartOfDayEquityRaw);
    }

    [Fact]
    public void Equity_ReadsOnlyTheMarksTheTradingThreadProcessed()
    {
        // A pipelined signal engine may run ahead; equity must move with the events the trading stages have seen.
        var h = new EngineHarness(Options());
        h.Trade(1, 50m);
        h.Open(1, Side.Buy, 50m);
        long before = h.Engine.Portfolio.EquityRaw;
        h.Engine.Market.OnTrade(1, EngineHarness.Raw(80m), 1, EngineHarness.T0); // as if the signal stage were ahead

        Assert.Equal(before, h.Engine.Portfolio.EquityRaw);
        h.Trade(1, 80m);
        Assert.Equal(before + EngineHarness.Raw(37 * 30m), h.Engine.Portfolio.EquityRaw);
    }

    /// <summary>Starts a fresh engine from the engine's state as a snapshot holds it (what recovery does before replaying).</summary>
    private static EngineHarness Restore(EngineHarness h)
    {
        var restored = new EngineHarness(Options());
        restored.Engine.RestoreState(h.Engine.CaptureState());
        StateAssert.Equal(h.Engine, restored.Engine);
        return restored;
    }
}
