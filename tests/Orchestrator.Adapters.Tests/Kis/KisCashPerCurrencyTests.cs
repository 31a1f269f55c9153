using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>
/// Issue 19, money per currency at KIS, against the simulator on loopback: the domestic KRW figure and the
/// overseas USD deposit (inquire-present-balance) come back each in its own currency, never converted, with
/// KIS's exchange rate beside them for the operator.
/// </summary>
public sealed class KisCashPerCurrencyTests : KisSimulatorFixture
{
    private const string Account = "50000000";
    private readonly Dictionary<string, decimal> _last = new(StringComparer.Ordinal);
    private long _nextClientId = 1;

    private KisVenueClient NewVenue(params string[] symbols) => new(NewClient(), overseas: new KisOverseasOptions
    {
        Symbols = symbols,
        LastPrice = s => _last.TryGetValue(s, out decimal price) ? price : null,
    });

    private VenueOrderRequest Market(string symbol, Side side, long quantity) =>
        new(_nextClientId++, symbol, 0, side, OrderType.Market, TimeInForce.Day, quantity, 0, 0);

    [Fact]
    public async Task Holdings_OfKrxAndUsSymbols_CarryTheKrwAndTheUsdCash_EachInItsOwnCurrency_AndKisRate()
    {
        Simulator.StartingCashKrw = 50_000_000;
        Simulator.StartingCashUsd = 12_345.67m;
        Simulator.UsdKrwRate = 1_391.25m;
        Simulator.SetPrice("005930", 70_000);
        Simulator.SetOverseasPrice("AAPL", 100.25m);
        _last["AAPL"] = 100.25m;
        using KisVenueClient venue = NewVenue("005930", "AAPL");
        await venue.InitializeAsync(CancellationToken.None);
        Assert.True((await venue.PlaceAsync(Market("005930", Side.Buy, 2), CancellationToken.None)).Accepted);
        Assert.True((await venue.PlaceAsync(Market("AAPL", Side.Buy, 3), CancellationToken.None)).Accepted);

        VenueHoldings holdings = await venue.GetHoldingsAsync(CancellationToken.None);

        Assert.NotNull(holdings.CashByCurrency);
        Assert.Equal(
            new Dictionary<string, decimal>(StringComparer.Ordinal) { ["KRW"] = 50_000_000m - 140_000m, ["USD"] = 12_345.67m - 300.75m },
            holdings.CashByCurrency);
        Assert.Equal(Simulator.AccountBook(Account).CashKrw, holdings.CashByCurrency["KRW"]);
        Assert.Equal(Simulator.OverseasBook(Account).CashUsd, holdings.CashByCurrency["USD"]);
        Assert.Equal(50_000_000m - 140_000m, holdings.Cash); // the main figure: KRW when any symbol is domestic
        Assert.Equal((2m, 3m), (holdings.PositionOf("005930"), holdings.PositionOf("AAPL")));
        VenueFxRate rate = Assert.Single(holdings.FxRates);
        Assert.Equal(("USD", "KRW", 1_391.25m, "frst_bltn_exrt"), (rate.Currency, rate.Quote, rate.Rate, rate.Source));
    }

    [Fact]
    public async Task Holdings_OfUsSymbolsOnly_AreTheUsdDepositAlone()
    {
        Simulator.StartingCashUsd = 2_000m;
        Simulator.SetOverseasPrice("AAPL", 100.00m);
        _last["AAPL"] = 100.00m;
        using KisVenueClient venue = NewVenue("AAPL");
        Assert.True((await venue.PlaceAsync(Market("AAPL", Side.Buy, 5), CancellationToken.None)).Accepted);

        VenueHoldings holdings = await venue.GetHoldingsAsync(CancellationToken.None);

        Assert.Equal(1_500m, holdings.Cash);
        Assert.Equal(new Dictionary<string, decimal>(StringComparer.Ordinal) { ["USD"] = 1_500m }, holdings.CashByCurrency);
        Assert.Equal(5m, holdings.PositionOf("AAPL"));
    }

    [Fact]
    public async Task UsdDeposit_IsThePresentBalancesFrcrDnclAmt2_AndMovesWithMoneyOutsideAnyTrade()
    {
        Simulator.StartingCashUsd = 1_000m;
        Simulator.UsdKrwRate = 1_402.10m;
        using KisRestClient client = NewClient();

        KisDeposit before = await client.GetOverseasPresentBalanceAsync("USD", CancellationToken.None);
        Simulator.TransferCash(Account, "USD", -12.34m); // a fee the fill reports never carried
        KisDeposit after = await client.GetOverseasPresentBalanceAsync("USD", CancellationToken.None);
        KisDeposit yen = await client.GetOverseasPresentBalanceAsync("JPY", CancellationToken.None);

        Assert.Equal(new KisDeposit("USD", 1_000m, 1_402.10m), before);
        Assert.Equal(new KisDeposit("USD", 987.66m, 1_402.10m), after);
        Assert.Equal((987.66m, 987.66m), ((await client.GetOverseasBalanceAsync(CancellationToken.None)).Cash, Simulator.OverseasBook(Account).CashUsd));
        Assert.Equal(new KisDeposit("JPY", 0m, null), yen); // no row for the currency: nothing deposited
        Assert.Equal(100_000_000m, (await client.GetBalanceAsync(CancellationToken.None)).Cash); // KRW untouched
    }
}
