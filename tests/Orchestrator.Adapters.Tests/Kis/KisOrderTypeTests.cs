using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>
/// Which order types and times in force KIS takes natively (issue 19): domestic day, IOC and FOK market and
/// limit orders as their ORD_DVSN codes; everything else refused unsent, with the reason.
/// </summary>
public sealed class KisOrderTypeTests : KisSimulatorFixture
{
    private const string Account = "50000000";
    private long _nextClientId = 1;

    private KisVenueClient NewVenue() => new(NewClient(), overseas: new KisOverseasOptions
    {
        Symbols = ["005930", "AAPL"],
        LastPrice = _ => 100m,
    });

    private VenueOrderRequest Order(OrderType type, TimeInForce tif, long quantity = 10, long limitKrw = 0, string symbol = "005930", Side side = Side.Buy) =>
        new(_nextClientId++, symbol, 0, side, type, tif, quantity, limitKrw * FixedPoint.Scale, type is OrderType.Stop or OrderType.StopLimit ? 60_000 * FixedPoint.Scale : 0);

    [Theory]
    [InlineData(OrderType.Limit, TimeInForce.Day, "00")]
    [InlineData(OrderType.Market, TimeInForce.Day, "01")]
    [InlineData(OrderType.Limit, TimeInForce.Ioc, "11")]
    [InlineData(OrderType.Limit, TimeInForce.Fok, "12")]
    [InlineData(OrderType.Market, TimeInForce.Ioc, "13")]
    [InlineData(OrderType.Market, TimeInForce.Fok, "14")]
    public async Task DomesticOrders_GoWithTheirOrdDvsn_AndAreTaken(OrderType type, TimeInForce tif, string division)
    {
        Simulator.SetPrice("005930", 70_000);
        using KisVenueClient venue = NewVenue();

        VenuePlaceResult result = await venue.PlaceAsync(Order(type, tif, limitKrw: type == OrderType.Limit ? 71_000 : 0), CancellationToken.None);

        Assert.True(result.Accepted, result.Message);
        Assert.Equal(division, Simulator.Orders.Last()["ORD_DVSN"]!.GetValue<string>());
        Assert.Equal(10, Simulator.AccountBook(Account).Positions["005930"]); // marketable: filled whole at once
    }

    [Fact]
    public async Task IocLimit_NotMarketable_IsCanceledAtOnce_WithoutAFill()
    {
        Simulator.SetPrice("005930", 70_000);
        using KisVenueClient venue = NewVenue();

        VenuePlaceResult result = await venue.PlaceAsync(Order(OrderType.Limit, TimeInForce.Ioc, limitKrw: 69_000), CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.False(Simulator.IsOpen(result.VenueOrderId!));
        Assert.Equal(1, Simulator.Cancels);
        VenueOrderState state = (await venue.GetOrdersAsync(CancellationToken.None)).Single(o => o.VenueOrderId == result.VenueOrderId);
        Assert.Equal((VenueOrderStatus.Canceled, 0L), (state.Status, state.FilledQuantity));
    }

    [Fact]
    public async Task IocLimit_FillsWhatItCan_AndTheRestIsCanceled()
    {
        Simulator.SetPrice("005930", 70_000);
        Simulator.MaxFillPerMatch = 4;
        using KisVenueClient venue = NewVenue();

        VenuePlaceResult result = await venue.PlaceAsync(Order(OrderType.Limit, TimeInForce.Ioc, limitKrw: 70_000), CancellationToken.None);

        VenueOrderState state = (await venue.GetOrdersAsync(CancellationToken.None)).Single(o => o.VenueOrderId == result.VenueOrderId);
        Assert.Equal((VenueOrderStatus.Canceled, 4L), (state.Status, state.FilledQuantity));
        Assert.Equal(4, Simulator.AccountBook(Account).Positions["005930"]);
    }

    [Fact]
    public async Task FokLimit_ThatCannotFillWhole_IsCanceledWithoutAnyFill()
    {
        Simulator.SetPrice("005930", 70_000);
        Simulator.MaxFillPerMatch = 4;
        using KisVenueClient venue = NewVenue();

        VenuePlaceResult result = await venue.PlaceAsync(Order(OrderType.Limit, TimeInForce.Fok, limitKrw: 70_000), CancellationToken.None);

        VenueOrderState state = (await venue.GetOrdersAsync(CancellationToken.None)).Single(o => o.VenueOrderId == result.VenueOrderId);
        Assert.Equal((VenueOrderStatus.Canceled, 0L), (state.Status, state.FilledQuantity));
        Assert.False(Simulator.AccountBook(Account).Positions.ContainsKey("005930"));
    }

    [Theory]
    [InlineData(OrderType.Stop, TimeInForce.Day, "005930")]
    [InlineData(OrderType.StopLimit, TimeInForce.Day, "005930")]
    [InlineData(OrderType.TrailingStop, TimeInForce.Day, "005930")]
    [InlineData(OrderType.Limit, TimeInForce.Gtc, "005930")]
    [InlineData(OrderType.Limit, TimeInForce.Opg, "005930")]
    [InlineData(OrderType.Market, TimeInForce.Cls, "005930")]
    [InlineData(OrderType.Limit, TimeInForce.Ioc, "AAPL")]
    public async Task WhatKisDoesNotTake_IsRefusedUnsent_WithTheReason(OrderType type, TimeInForce tif, string symbol)
    {
        using KisVenueClient venue = NewVenue();

        VenuePlaceResult result = await venue.PlaceAsync(Order(type, tif, limitKrw: 70_000, symbol: symbol), CancellationToken.None);

        Assert.Equal((false, VenueRejectCodes.Unsupported), (result.Accepted, result.Code));
        Assert.Contains(type + " " + tif, result.Message, StringComparison.Ordinal);
        Assert.Empty(Simulator.Orders);
    }

    [Fact]
    public async Task AnEntryWithVenueHeldExits_IsRefused_ForKisHoldsNone()
    {
        using KisVenueClient venue = NewVenue();
        VenueOrderRequest entry = Order(OrderType.Limit, TimeInForce.Day, limitKrw: 70_000) with
        {
            GroupRole = OrderGroupRole.Entry,
            Exits = new ProtectiveExits { StopLossPpm = 20_000 },
        };

        VenuePlaceResult result = await venue.PlaceAsync(entry, CancellationToken.None);

        Assert.Equal((false, VenueRejectCodes.Unsupported), (result.Accepted, result.Code));
        Assert.Contains("venue-held exits", result.Message, StringComparison.Ordinal);
        Assert.Empty(Simulator.Orders);
    }

    [Fact]
    public async Task TheSimulator_RefusesAnOrdDvsnItDoesNotKnow_AsKisDoes()
    {
        KisRestClient rest = NewClient();

        KisOrderResult result = await rest.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, "22", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal("APBK1680", result.MessageCode);
    }

    [Fact]
    public async Task ThroughTheGateway_AStopForKis_IsRejectedAsUnsupported_NotAsABrokerRefusal()
    {
        var reports = new Venues.ReportCollector();
        using KisVenueClient venue = NewVenue();
        await using var gateway = new VenueBrokerGateway(venue, new SymbolTable(["005930"]), reports, new VenueGatewayOptions { RequestsPerSecond = 1_000 });
        gateway.Start();
        var stop = new OrderCommand { Kind = OrderCommandKind.SubmitOrder, ClientOrderId = 77, Side = Side.Sell, OrderType = OrderType.Stop, Quantity = 5, StopPriceRaw = 60_000 * FixedPoint.Scale };

        gateway.OnEvent(ref stop, 0, true);
        await reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == 77));

        ExecutionReport report = Assert.Single(reports.For(77));
        Assert.Equal((ExecutionType.Rejected, RejectReason.UnsupportedOrder), (report.ExecType, report.Reject));
        Assert.Empty(Simulator.Orders);
    }
}
