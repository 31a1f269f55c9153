using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

public sealed class PositionSizingTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;

    private static EngineHarness With(SizingOptions sizing)
    {
        EngineOptions defaults = EngineHarness.DefaultOptions();
        return new EngineHarness(defaults with { Sizing = sizing });
    }

    private static readonly SizingOptions s_uncapped = new()
    {
        MaxPositionFraction = 1m,
        MaxConcentrationFraction = 1m,
        MaxOrderNotional = 0m,
        ScaleByConfidence = false,
    };

    [Fact]
    public void FixedFraction_BuysThatFractionOfEquityInShares()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.02m });
        h.Trade(Aapl, 150m);
        Assert.Equal(13, h.Signal(Aapl, Side.Buy).Quantity); // 2,000 / 150 = 13.33 → 13
    }

    [Fact]
    public void FixedFraction_ScaledByConfidence()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.02m, ScaleByConfidence = true });
        h.Trade(Aapl, 100m);
        Assert.Equal(15, h.Signal(Aapl, Side.Buy, confidence: 0.75m).Quantity); // 20 × 0.75
    }

    [Fact]
    public void Volatility_RisksTheBudgetOverAtrTimesMultiple()
    {
        var h = With(s_uncapped with { Method = SizingMethod.Volatility, RiskPerTradeFraction = 0.01m, AtrMultiple = 2m });
        // 14 bars with a 2.00 true range each → ATR(14) = 2.00.
        for (int i = 0; i < 15; i++)
        {
            h.Process(new EngineEvent { Kind = EventKind.Bar, SymbolId = Aapl, OpenRaw = EngineHarness.Raw(100m), HighRaw = EngineHarness.Raw(101m), LowRaw = EngineHarness.Raw(99m), PriceRaw = EngineHarness.Raw(100m), Size = 1000, TsEventNs = T0 + i });
        }

        // budget 1,000 / (2.00 × 2) = 250 shares
        Assert.Equal(250, h.Signal(Aapl, Side.Buy, tsNs: T0 + 100).Quantity);
    }

    [Fact]
    public void Volatility_WithoutAtr_IsRejectedForLackOfData()
    {
        var h = With(s_uncapped with { Method = SizingMethod.Volatility });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.NoMarketData, h.Signal(Aapl, Side.Buy).Reject);
    }

    [Fact]
    public void FixedQuantity_IsRoundedDownToTheLot()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 250, LotSize = 100 });
        h.Trade(Aapl, 10m);
        Assert.Equal(200, h.Signal(Aapl, Side.Buy).Quantity);
    }

    [Fact]
    public void MaxOrderNotional_CapsTheQuantity()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 1000, MaxOrderNotional = 5_000m });
        h.Trade(Aapl, 100m);
        Assert.Equal(50, h.Signal(Aapl, Side.Buy).Quantity);
    }

    [Fact]
    public void MaxPosition_CapsTheQuantity_AndRejectsWhenFull()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 60, MaxPositionFraction = 0.10m });
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m); // 60 shares = 6,000
        Assert.Equal(40, h.Signal(Aapl, Side.Buy, tsNs: T0 + 1).Quantity); // cap 10,000 → 100 shares - 60
        h.Report(h.TakeOrders()[^1].ClientOrderId, ExecutionType.Fill, 40, 100m);
        EngineEvent full = h.Signal(Aapl, Side.Buy, tsNs: T0 + 2);
        Assert.Equal(RejectReason.MaxPosition, full.Reject);
        Assert.Equal(0, full.Quantity);
    }

    [Fact]
    public void MaxConcentration_CountsWorkingOrders()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 80, MaxConcentrationFraction = 0.10m });
        h.Trade(Aapl, 100m);
        Assert.Equal(80, h.Signal(Aapl, Side.Buy).Quantity); // working, not filled
        Assert.Equal(20, h.Signal(Aapl, Side.Buy, tsNs: T0 + 1).Quantity);
        Assert.Equal(RejectReason.MaxConcentration, h.Signal(Aapl, Side.Buy, tsNs: T0 + 2).Reject);
    }

    [Fact]
    public void BuyingPower_CapsBuys_IncludingCashReservedByWorkingBuys()
    {
        EngineOptions options = EngineHarness.DefaultOptions() with { StartingCash = 10_000m, CommissionEstimateBps = 0, Sizing = s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 70, MaxPositionFraction = 5m, MaxConcentrationFraction = 5m } };
        var h = new EngineHarness(options);
        h.Trade(Aapl, 100m);
        Assert.Equal(70, h.Signal(Aapl, Side.Buy).Quantity);
        Assert.Equal(30, h.Signal(Aapl, Side.Buy, tsNs: T0 + 1).Quantity);
        Assert.Equal(RejectReason.InsufficientBuyingPower, h.Signal(Aapl, Side.Buy, tsNs: T0 + 2).Reject);
    }

    [Fact]
    public void Sell_WithoutPosition_IsRejected_AndSellOfALongClosesIt()
    {
        var h = With(s_uncapped with { Method = SizingMethod.FixedQuantity, FixedQuantity = 30 });
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.NoPosition, h.Signal(Aapl, Side.Sell).Reject);
        h.Open(Aapl, Side.Buy, 100m);
        EngineEvent sell = h.Signal(Aapl, Side.Sell, tsNs: T0 + 1);
        Assert.Equal(RejectReason.None, sell.Reject);
        Assert.Equal(30, sell.Quantity);
        Assert.Equal(RejectReason.NoPosition, h.Signal(Aapl, Side.Sell, tsNs: T0 + 2).Reject); // already being closed
    }
}
