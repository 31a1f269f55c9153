using System.Text.Json.Nodes;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>The KIS venue client routes by symbol: six-digit codes to the domestic endpoints, the rest to the overseas ones.</summary>
public sealed class KisVenueClientTests : KisSimulatorFixture
{
    private const string Account = "50000000";
    private readonly Dictionary<string, decimal> _last = new(StringComparer.Ordinal);
    private long _nextClientId = 1;

    private KisVenueClient NewVenue(params string[] symbols) => new(NewClient(), overseas: new KisOverseasOptions
    {
        Symbols = symbols,
        Exchanges = new Dictionary<string, string>(StringComparer.Ordinal) { ["IBM"] = "NYSE" },
        LastPrice = s => _last.TryGetValue(s, out decimal price) ? price : null,
    });

    private VenueOrderRequest Market(string symbol, Side side, long quantity) =>
        new(_nextClientId++, symbol, 0, side, OrderType.Market, TimeInForce.Day, quantity, 0, 0);

    private VenueOrderRequest Limit(string symbol, Side side, long quantity, decimal price) =>
        new(_nextClientId++, symbol, 0, side, OrderType.Limit, TimeInForce.Day, quantity, FixedPoint.FromDecimal(price), 0);

    private static string Field(JsonObject body, string key) => body[key]!.GetValue<string>();

    [Fact]
    public async Task Orders_GoToTheirMarket_AndTheMergedListHasBoth()
    {
        _last["AAPL"] = 100.00m;
        using KisVenueClient venue = NewVenue("005930", "AAPL", "IBM");
        await venue.InitializeAsync(CancellationToken.None);

        VenuePlaceResult krx = await venue.PlaceAsync(Market("005930", Side.Buy, 2), CancellationToken.None);
        VenuePlaceResult us = await venue.PlaceAsync(Market("AAPL", Side.Buy, 3), CancellationToken.None);
        VenuePlaceResult nyse = await venue.PlaceAsync(Limit("IBM", Side.Buy, 1, 50.009m), CancellationToken.None);

        Assert.True(krx.Accepted && us.Accepted && nyse.Accepted);
        Assert.Equal((1, 2), (Simulator.OrdersBooked(Account), Simulator.OverseasOrdersBooked(Account)));
        JsonObject[] bodies = [.. Simulator.Orders];
        Assert.Equal(("NASD", "100.50"), (Field(bodies[1], "OVRS_EXCG_CD"), Field(bodies[1], "OVRS_ORD_UNPR"))); // last + 0.5%
        Assert.Equal(("NYSE", "50.00"), (Field(bodies[2], "OVRS_EXCG_CD"), Field(bodies[2], "OVRS_ORD_UNPR"))); // a buy limit rounds down

        IReadOnlyList<VenueOrderState> orders = await venue.GetOrdersAsync(CancellationToken.None);
        Assert.Equal([krx.VenueOrderId, us.VenueOrderId, nyse.VenueOrderId], orders.Select(o => o.VenueOrderId));
        Assert.Equal((VenueOrderStatus.Filled, 100.00m), (orders[1].Status, orders[1].AverageFillPrice)); // filled at the price, not the collar
        Assert.Equal(VenueOrderStatus.Open, orders[2].Status);
    }

    [Fact]
    public async Task Holdings_CashIsTheD2SettledFigure_NotTheDepositThatLagsUnsettledTrades()
    {
        Simulator.SetPrice("005930", 70_000);
        using KisVenueClient venue = NewVenue("005930");
        await venue.InitializeAsync(CancellationToken.None);
        Assert.True((await venue.PlaceAsync(Market("005930", Side.Buy, 10), CancellationToken.None)).Accepted);
        Simulator.SettleTrades(Account);
        Simulator.SetPrice("005930", 80_000);
        Assert.True((await venue.PlaceAsync(Market("005930", Side.Sell, 4), CancellationToken.None)).Accepted);

        // The sale's 320,000 settles D+2: today's deposit does not have it, buying power does.
        long settled = 100_000_000 - 700_000 + 320_000;
        Assert.Equal(100_000_000 - 700_000, Simulator.DepositKrw(Account));
        Assert.Equal(settled, Simulator.AccountBook(Account).CashKrw);
        VenueHoldings holdings = await venue.GetHoldingsAsync(CancellationToken.None);
        Assert.Equal(settled, holdings.Cash); // what the engine starts from and reconciles to
        Assert.Equal(6m, holdings.Positions["005930"]);
    }

    [Fact]
    public async Task MarketOrderCollar_RoundsAwayFromTheMarket_BuyUp_SellDown()
    {
        Simulator.SetOverseasPrice("AAPL", 100.01m);
        _last["AAPL"] = 100.01m;
        using KisVenueClient venue = NewVenue("AAPL");

        Assert.True((await venue.PlaceAsync(Market("AAPL", Side.Buy, 2), CancellationToken.None)).Accepted);
        Assert.True((await venue.PlaceAsync(Market("AAPL", Side.Sell, 1), CancellationToken.None)).Accepted);

        JsonObject[] bodies = [.. Simulator.Orders];
        Assert.Equal("100.52", Field(bodies[0], "OVRS_ORD_UNPR")); // 100.51005 up
        Assert.Equal("99.50", Field(bodies[1], "OVRS_ORD_UNPR")); // 99.50995 down
        Assert.Equal(1L, Simulator.OverseasBook(Account).Positions["AAPL"]);
    }

    [Fact]
    public async Task UsMarketOrder_WithoutALastPrice_IsRefused_AndNothingIsSent()
    {
        using KisVenueClient venue = NewVenue("AAPL");

        VenuePlaceResult refused = await venue.PlaceAsync(Market("AAPL", Side.Buy, 1), CancellationToken.None);

        Assert.Equal((false, "NO_PRICE"), (refused.Accepted, refused.Code));
        Assert.Contains("no last trade price for AAPL", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.OrderRequests);
    }

    [Fact]
    public async Task Cancel_AndFind_UseTheOrdersMarket()
    {
        using KisVenueClient venue = NewVenue("005930", "IBM");
        VenueOrderRequest resting = Limit("IBM", Side.Buy, 4, 80.00m);
        VenuePlaceResult placed = await venue.PlaceAsync(resting, CancellationToken.None);

        VenueOrderState? found = await venue.FindAsync(resting, new HashSet<string>(), CancellationToken.None);
        VenuePlaceResult canceled = await venue.CancelAsync(resting, placed.VenueOrderId!, CancellationToken.None);

        Assert.Equal(placed.VenueOrderId, found?.VenueOrderId);
        Assert.True(canceled.Accepted);
        Assert.False(Simulator.IsOpen(placed.VenueOrderId!));
        VenueOrderState state = Assert.Single(await venue.GetOrdersAsync(CancellationToken.None)); // the cancel's own row is not an order
        Assert.Equal((VenueOrderStatus.Canceled, 0L), (state.Status, state.FilledQuantity));
        Assert.Null(await venue.FindAsync(resting, new HashSet<string> { placed.VenueOrderId! }, CancellationToken.None));
    }

    [Fact]
    public async Task TheOverseasList_IsReadOnlyWhenTheClientHasUsSymbols()
    {
        using KisVenueClient domesticOnly = NewVenue("005930");
        using KisVenueClient usOnly = NewVenue("AAPL");
        using KisVenueClient mixed = NewVenue("005930", "AAPL");
        foreach (KisVenueClient venue in new[] { domesticOnly, usOnly, mixed })
        {
            await venue.InitializeAsync(CancellationToken.None); // the token, so only list reads are counted below
        }

        int before = Simulator.RestRequests;
        await domesticOnly.GetOrdersAsync(CancellationToken.None);
        int domesticReads = Simulator.RestRequests - before;
        before = Simulator.RestRequests;
        await usOnly.GetOrdersAsync(CancellationToken.None);
        int usReads = Simulator.RestRequests - before;
        before = Simulator.RestRequests;
        await mixed.GetOrdersAsync(CancellationToken.None);

        Assert.Equal((1, 1, 2), (domesticReads, usReads, Simulator.RestRequests - before)); // one page per list read
    }

    [Fact]
    public void Options_RejectUnknownExchangesAndWildCollars()
    {
        var bad = new KisOverseasOptions { Exchanges = new Dictionary<string, string> { ["BP"] = "LSE" }, Collar = 0.5m };
        using KisRestClient rest = NewClient();
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new KisVenueClient(rest, overseas: bad));
        Assert.Contains("BP: exchange must be NASD, NYSE or AMEX, got 'LSE'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("collar", ex.Message, StringComparison.Ordinal);
    }

    // Issue 19, money per currency: the KRW figure and the USD deposit each in its own currency, never converted.

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
}
