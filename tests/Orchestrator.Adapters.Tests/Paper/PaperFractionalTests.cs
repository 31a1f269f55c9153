using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Issue 19: the paper venue counts symbol 0 in 10^−4 shares (quantity_decimals 4) and symbol 1 in whole shares.</summary>
public sealed class PaperFractionalTests
{
    private readonly PaperExchange _exchange = new(new PaperExchangeOptions
    {
        SymbolCount = 2,
        SlippageBps = 0,
        Units = new QuantityUnits([4, 0]),
    });

    private readonly RecordingSink _sink = new();

    [Fact]
    public void FractionalBuyAndSell_MoveCashAndPositionExactly()
    {
        _exchange.OnMarketData(Trade(150_250_000), _sink);
        _exchange.Submit(Market(1, Side.Buy, 5_000, TimeInForce.Day), _sink); // 0.5 shares, filled by the next print
        _exchange.OnMarketData(Trade(150_250_000), _sink);

        Assert.Equal(5_000, _exchange.GetPosition(0));
        Assert.Equal(StartingCashRaw - 75_125_000, _exchange.CashRaw); // 0.5 × 150.25

        _exchange.Submit(Limit(2, Side.Sell, 2_000, 160_000_000, TimeInForce.Day), _sink); // 0.2 shares, rests
        _exchange.OnMarketData(Trade(160_000_000), _sink);

        Assert.Equal(3_000, _exchange.GetPosition(0));
        Assert.Equal(StartingCashRaw - 75_125_000 + 32_000_000, _exchange.CashRaw);
    }

    [Fact]
    public void ATradesSizeInShares_FillsThatManySharesInUnits()
    {
        _exchange.Submit(Limit(1, Side.Buy, 25_000, 100_000_000, TimeInForce.Day), _sink); // 2.5 shares
        _exchange.OnMarketData(Trade(100_000_000, size: 2), _sink); // 2 shares print: 20,000 units fill

        Assert.Equal(20_000, _exchange.GetPosition(0));
        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.Equal(5_000, order.LeavesQuantity);
    }

    [Fact]
    public void BuyingPower_IsReservedForTheFraction()
    {
        _exchange.Submit(Limit(1, Side.Buy, 5_000, 100_000_000, TimeInForce.Day), _sink);

        Assert.True(_exchange.TryGetOpenOrder(1, out PaperOrder order));
        Assert.Equal(50_000_000, order.ReservedCashRaw); // 0.5 × 100, no slippage or commission
    }

    [Fact]
    public void WholeShareSymbol_KeepsWholeShareArithmetic()
    {
        _exchange.OnMarketData(Trade(150_250_000, symbolId: 1), _sink);
        _exchange.Submit(Market(1, Side.Buy, 5, TimeInForce.Day, symbolId: 1), _sink);
        _exchange.OnMarketData(Trade(150_250_000, symbolId: 1), _sink);

        Assert.Equal(5, _exchange.GetPosition(1));
        Assert.Equal(StartingCashRaw - 751_250_000, _exchange.CashRaw);
    }
}
