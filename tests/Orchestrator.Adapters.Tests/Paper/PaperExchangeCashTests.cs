using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine.State;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>The paper account's cash per currency (issue 19): KRW and USD are kept and reserved apart.</summary>
public sealed class PaperExchangeCashTests
{
    private const int Krx = 0;  // 005930: KRW
    private const int Aapl = 1; // USD
    private const long Usd = 10_000 * FixedPoint.Scale;
    private const long Krw = 10_000_000 * FixedPoint.Scale;

    private readonly RecordingSink _sink = new();

    private static Currencies UsdAndKrw() =>
        new("USD", new Dictionary<string, decimal> { ["KRW"] = 0.00075m }, new InstrumentTable(new SymbolTable(["005930", "AAPL"])));

    private static PaperExchange Exchange() => new(new PaperExchangeOptions
    {
        SymbolCount = 2,
        SlippageBps = 0,
        StartingCashRaw = Usd,
        Currencies = UsdAndKrw(),
        StartingCashRawByCurrency = [0, Krw],
    });

    [Fact]
    public void AKrwBuy_NeedsAndSpendsKrw_AndLeavesTheUsdCashAlone()
    {
        PaperExchange exchange = Exchange();
        exchange.OnMarketData(Trade(70_000 * FixedPoint.Scale, symbolId: Krx), _sink);
        exchange.Submit(Limit(1, Side.Buy, 10, 70_000 * FixedPoint.Scale, symbolId: Krx), _sink); // 700,000 KRW: far above the USD cash
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
        Assert.Equal(700_000 * FixedPoint.Scale, exchange.ReservedCashRawOf(1));
        Assert.Equal(0, exchange.ReservedCashRaw);

        exchange.OnMarketData(Trade(70_000 * FixedPoint.Scale, symbolId: Krx), _sink);

        Assert.Equal(ExecutionType.Fill, _sink.Last.ExecType);
        Assert.Equal(Krw - (700_000 * FixedPoint.Scale), exchange.CashRawOf(1));
        Assert.Equal(Usd, exchange.CashRaw);
        Assert.Equal(0, exchange.ReservedCashRawOf(1));
    }

    [Fact]
    public void AUsdBuyBeyondTheUsdCash_IsRefused_HoweverMuchKrwThereIs()
    {
        PaperExchange exchange = Exchange();
        exchange.OnMarketData(Trade(100 * FixedPoint.Scale, symbolId: Aapl), _sink);
        exchange.Submit(Limit(1, Side.Buy, 101, 100 * FixedPoint.Scale, symbolId: Aapl), _sink); // 10,100 USD
        Assert.Equal((ExecutionType.Rejected, RejectReason.InsufficientBuyingPower), (_sink.Last.ExecType, _sink.Last.Reject));

        exchange.Submit(Limit(2, Side.Buy, 100, 100 * FixedPoint.Scale, symbolId: Aapl), _sink); // 10,000 USD: all of it
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
        exchange.OnMarketData(Trade(70_000 * FixedPoint.Scale, symbolId: Krx), _sink);
        exchange.Submit(Limit(3, Side.Buy, 1, 70_000 * FixedPoint.Scale, symbolId: Krx), _sink); // KRW is still free
        Assert.Equal(ExecutionType.Accepted, _sink.Last.ExecType);
    }

    [Fact]
    public void ASellCreditsItsOwnCurrency()
    {
        PaperExchange exchange = Exchange();
        exchange.RestoreAccount(Usd, [5, 0], [70_000 * FixedPoint.Scale, 0]);
        exchange.Submit(Market(1, Side.Sell, 5, symbolId: Krx), _sink);
        exchange.OnMarketData(Trade(71_000 * FixedPoint.Scale, symbolId: Krx), _sink);
        Assert.Equal(Krw + (355_000 * FixedPoint.Scale), exchange.CashRawOf(1));
        Assert.Equal(Usd, exchange.CashRaw);
    }

    [Fact]
    public void RestoreCash_SetsEveryCurrency_AndRefusesAnotherCount()
    {
        PaperExchange exchange = Exchange();
        exchange.RestoreCash([1 * FixedPoint.Scale, 2 * FixedPoint.Scale]);
        Assert.Equal((1 * FixedPoint.Scale, 2 * FixedPoint.Scale), (exchange.CashRaw, exchange.CashRawOf(1)));
        Assert.Throws<ArgumentException>(() => exchange.RestoreCash([1]));
    }

    [Fact]
    public void Options_WithANegativeCurrencyCash_AreRefusedByName()
    {
        var options = new PaperExchangeOptions { SymbolCount = 3, Currencies = UsdAndKrw(), StartingCashRawByCurrency = [0, -1] };
        Assert.Equal(["PaperExchange.StartingCashRawByCurrency[KRW]: must be >= 0 (was -1)"], options.Validate());
    }

    [Fact]
    public void ASymbolBeyondTheCurrencyTable_IsInTheBaseCurrency()
    {
        var exchange = new PaperExchange(new PaperExchangeOptions { SymbolCount = 3, SlippageBps = 0, StartingCashRaw = Usd, Currencies = UsdAndKrw(), StartingCashRawByCurrency = [0, Krw] });
        exchange.OnMarketData(Trade(100 * FixedPoint.Scale, symbolId: 2), _sink);
        exchange.Submit(Limit(1, Side.Buy, 10, 100 * FixedPoint.Scale, symbolId: 2), _sink);
        Assert.Equal(1_000 * FixedPoint.Scale, exchange.ReservedCashRaw);
    }
}
