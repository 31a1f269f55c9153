using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.State;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Issue 19: cash, buying power and P&amp;L per currency, equity in the base currency, shorts.</summary>
public sealed class MoneyPerCurrencyTests
{
    private const int Aapl = 0;
    private const int Samsung = 1; // 005930: KRX, KRW

    private static long Raw(decimal value) => EngineHarness.Raw(value);

    /// <summary>USD base with 100,000 USD and 10,000,000 KRW; 1 KRW = 0.00075 USD.</summary>
    private static EngineOptions TwoCurrencies(decimal krwCash = 10_000_000m) => EngineHarness.DefaultOptions() with
    {
        Symbols = ["AAPL", "005930"],
        BaseCurrency = "USD",
        FxRates = new Dictionary<string, decimal> { ["KRW"] = 0.00075m },
        StartingCashByCurrency = new Dictionary<string, decimal> { ["KRW"] = krwCash },
    };

    [Fact]
    public void Fills_MoveTheCashOfTheSymbolsCurrency_AndEquityIsInTheBaseAtTheFxRate()
    {
        var h = new EngineHarness(TwoCurrencies());
        Portfolio p = h.Engine.Portfolio;
        int krw = p.Currencies.IdOf("KRW");
        Assert.Equal(1, krw);
        Assert.Equal(Raw(107_500m), p.StartingEquityRaw); // 100,000 + 10,000,000 × 0.00075

        h.Trade(Aapl, 150m);
        h.Trade(Samsung, 70_000m);
        h.Open(Aapl, Side.Buy, 150m); // 10 shares
        h.Open(Samsung, Side.Buy, 70_000m); // 10 shares

        Assert.Equal(Raw(98_500m), p.CashRaw);
        Assert.Equal(Raw(98_500m), p.CashRawOf(Currencies.Base));
        Assert.Equal(Raw(9_300_000m), p.CashRawOf(krw));
        Assert.Equal(Raw(107_500m), p.EquityRaw);

        h.Trade(Samsung, 72_000m); // +20,000 KRW = +15 USD
        Assert.Equal(Raw(20_000m), p.UnrealizedRawOf(krw));
        Assert.Equal(0, p.UnrealizedRawOf(Currencies.Base));
        Assert.Equal(Raw(10_020_000m), p.EquityRawOf(krw));
        Assert.Equal(Raw(107_515m), p.EquityRaw);

        EngineEvent sell = h.Signal(Samsung, Side.Sell, signalId: 9);
        Assert.Equal(RejectReason.None, sell.Reject);
        Assert.Equal(10, sell.Quantity);
        h.Report(sell.ClientOrderId, ExecutionType.Accepted);
        h.Report(sell.ClientOrderId, ExecutionType.Fill, sell.Quantity, 72_000m);
        Assert.Equal(Raw(20_000m), p.RealizedRawOf(krw));
        Assert.Equal(0, p.RealizedRawOf(Currencies.Base));
        Assert.Equal(Raw(10_020_000m), p.CashRawOf(krw));
        Assert.Equal(Raw(98_500m), p.CashRaw);
    }

    [Fact]
    public void Buy_IsCappedByTheBuyingPowerOfItsOwnCurrency()
    {
        var h = new EngineHarness(TwoCurrencies(krwCash: 1_000_000m) with { Sizing = EngineHarness.DefaultOptions().Sizing with { FixedQuantity = 100 } });
        h.Trade(Samsung, 70_000m);
        // 100,000 USD would buy 100 shares (7,000,000 KRW = 5,250 USD); the KRW cash buys 1,000,000 / 70,035 = 14.
        EngineEvent e = h.Signal(Samsung, Side.Buy);
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.Equal(14, e.Quantity);
    }

    [Fact]
    public void Buy_WithoutCashInItsCurrency_IsRefused()
    {
        var h = new EngineHarness(TwoCurrencies(krwCash: 0m));
        h.Trade(Samsung, 70_000m);
        Assert.Equal(RejectReason.InsufficientBuyingPower, h.Signal(Samsung, Side.Buy).Reject);
    }

    [Fact]
    public void FixedFraction_SizesFromBaseEquityConvertedIntoTheOrdersCurrency()
    {
        var h = new EngineHarness(TwoCurrencies(krwCash: 100_000_000m) with
        {
            Sizing = EngineHarness.DefaultOptions().Sizing with { Method = SizingMethod.FixedFraction, FractionOfEquity = 0.02m },
        });
        h.Trade(Samsung, 70_000m);
        // equity 100,000 + 75,000 = 175,000 USD; 2% = 3,500 USD = 4,666,666 KRW → 66 shares at 70,000.
        Assert.Equal(66, h.Signal(Samsung, Side.Buy).Quantity);
        h.Trade(Aapl, 100m);
        Assert.Equal(35, h.Signal(Aapl, Side.Buy, signalId: 2).Quantity); // 3,500 USD / 100
    }

    [Fact]
    public void MaxOrderNotional_IsInTheBaseCurrency()
    {
        var h = new EngineHarness(TwoCurrencies(krwCash: 100_000_000m) with
        {
            Sizing = EngineHarness.DefaultOptions().Sizing with { FixedQuantity = 1_000, MaxOrderNotional = 1_500m },
        });
        h.Trade(Samsung, 10_000m);
        EngineEvent e = h.Signal(Samsung, Side.Buy); // 1,500 USD = 2,000,000 KRW → 200 shares
        Assert.Equal(200, e.Quantity);
    }

    [Fact]
    public void OneCurrency_WithoutFxRates_BooksEverySymbolInTheBase()
    {
        var h = new EngineHarness(EngineHarness.DefaultOptions() with { Symbols = ["AAPL", "005930"] });
        Assert.Equal(1, h.Engine.Portfolio.Currencies.Count);
        h.Trade(Samsung, 1_000m);
        h.Open(Samsung, Side.Buy, 1_000m);
        Assert.Equal(Raw(90_000m), h.Engine.Portfolio.CashRaw);
    }

    private static EngineOptions Shorting(InstrumentInfo instrument, decimal cash = 100_000m, long quantity = 10) => EngineHarness.DefaultOptions() with
    {
        StartingCash = cash,
        Instruments = new Dictionary<string, InstrumentInfo> { [instrument.Symbol] = instrument },
        Risk = EngineHarness.DefaultOptions().Risk with { AllowShortSelling = true },
        Sizing = EngineHarness.DefaultOptions().Sizing with { FixedQuantity = quantity, MaxPositionFraction = 100m, MaxConcentrationFraction = 100m }, // only cash and borrow bind
    };

    [Fact]
    public void Sell_WhenFlat_OfAnInstrumentThatIsNotShortable_IsRefusedAsShortNotAllowed()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = false }));
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.ShortNotAllowed, h.Signal(Aapl, Side.Sell).Reject);
        h.Trade(1, 100m);
        Assert.Equal(RejectReason.None, h.Signal(1, Side.Sell, signalId: 2).Reject); // MSFT is not configured: the account's rule alone
    }

    [Fact]
    public void Sell_OfALong_OfAnInstrumentThatIsNotShortable_StopsAtTheLong()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = false }, quantity: 25));
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Buy, 100m); // 25
        EngineEvent sell = h.Signal(Aapl, Side.Sell, signalId: 2);
        Assert.Equal(25, sell.Quantity);
        h.Report(sell.ClientOrderId, ExecutionType.Accepted);
        Assert.Equal(RejectReason.ShortNotAllowed, h.Signal(Aapl, Side.Sell, signalId: 3).Reject); // the long is already being sold
    }

    [Fact]
    public void Short_IsCappedAtTheBorrowAvailable_ThenRefusedAsNoBorrow()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = true, BorrowAvailable = 15 }));
        h.Trade(Aapl, 100m);
        h.Open(Aapl, Side.Sell, 100m); // 10
        EngineEvent second = h.Signal(Aapl, Side.Sell, signalId: 2);
        Assert.Equal(5, second.Quantity);
        h.Report(second.ClientOrderId, ExecutionType.Accepted);
        Assert.Equal(RejectReason.NoBorrow, h.Signal(Aapl, Side.Sell, signalId: 3).Reject); // 5 working: nothing left to borrow
        h.Report(second.ClientOrderId, ExecutionType.Fill, 5, 100m);
        Assert.Equal(-15, h.Engine.Portfolio.Quantity(Aapl));
        Assert.Equal(RejectReason.NoBorrow, h.Signal(Aapl, Side.Sell, signalId: 4).Reject);
        Assert.Equal(10, h.Signal(Aapl, Side.Buy, signalId: 5).Quantity); // covering needs no borrow
    }

    [Fact]
    public void BuyingPower_CountsShortExposure()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = true }, cash: 10_000m, quantity: 60));
        h.Trade(Aapl, 100m);
        h.Trade(1, 100m);
        h.Open(Aapl, Side.Sell, 100m); // short 60: cash 16,000, exposure 6,000
        Assert.Equal(Raw(6_000m), h.Engine.Portfolio.ShortExposureRaw(Currencies.Base));
        // buying power 16,000 − 2 × 6,000 = 4,000 → 39 shares at 100 with the 5 bps estimate (not 60 as cash alone allows)
        EngineEvent buy = h.Signal(1, Side.Buy, signalId: 2);
        Assert.Equal(RejectReason.None, buy.Reject);
        Assert.Equal(39, buy.Quantity);
        Assert.Equal(60, h.Signal(Aapl, Side.Buy, signalId: 3).Quantity); // covering the short needs no buying power
    }

    [Fact]
    public void ShortSale_IsCappedByBuyingPower()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = true }, cash: 1_000m, quantity: 60));
        h.Trade(Aapl, 100m);
        Assert.Equal(9, h.Signal(Aapl, Side.Sell).Quantity); // 1,000 / 100.05
    }
    /// <summary>Venue-provided borrow (issue 19, Alpaca's assets) narrows the configured rule and never widens it.</summary>
    [Theory]
    [InlineData(true, null, false, false, RejectReason.ShortNotAllowed)] // the venue says not shortable: configured true does not help
    [InlineData(true, null, true, false, RejectReason.NoBorrow)]         // shortable but hard to borrow: no borrow
    [InlineData(false, null, true, true, RejectReason.ShortNotAllowed)]  // configured false stays false though the venue would lend
    [InlineData(true, 0L, true, true, RejectReason.NoBorrow)]            // a configured borrow of 0 stays 0
    [InlineData(true, null, true, true, RejectReason.None)]              // both allow: the short goes
    public void VenueBorrow_NarrowsTheConfiguredShortRule(bool configuredShortable, long? configuredBorrow, bool venueShortable, bool venueEasyToBorrow, RejectReason expected)
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = configuredShortable, BorrowAvailable = configuredBorrow }) with
        {
            VenueBorrow = new Dictionary<string, VenueBorrow> { ["AAPL"] = new(venueShortable, venueEasyToBorrow) },
        });
        h.Trade(Aapl, 100m);
        Assert.Equal(expected, h.Signal(Aapl, Side.Sell).Reject);
    }

    [Fact]
    public void VenueBorrow_OfAnUnconfiguredSymbol_IsItsRule_AndEasyToBorrowKeepsTheConfiguredLimit()
    {
        var h = new EngineHarness(Shorting(InstrumentInfo.Default("AAPL") with { Shortable = true, BorrowAvailable = 4 }) with
        {
            VenueBorrow = new Dictionary<string, VenueBorrow> { ["AAPL"] = new(true, true), ["MSFT"] = new(false, false) },
        });
        h.Trade(Aapl, 100m);
        h.Trade(1, 100m);
        Assert.Equal(4, h.Signal(Aapl, Side.Sell).Quantity); // the configured borrow still caps
        Assert.Equal(RejectReason.ShortNotAllowed, h.Signal(1, Side.Sell, signalId: 2).Reject); // MSFT is not configured: the venue's word is its rule
    }
}
