using System.Globalization;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>The real Alpaca REST client against the local simulator over HTTP on loopback.</summary>
public sealed class AlpacaRestClientTests : AlpacaSimulatorFixture
{
    private static long s_nextClientId = 7_000;

    private static VenueOrderRequest Order(Side side = Side.Buy, long quantity = 10, OrderType type = OrderType.Market, decimal limit = 0, decimal stop = 0, TimeInForce tif = TimeInForce.Day, string symbol = "AAPL") =>
        new(Interlocked.Increment(ref s_nextClientId), symbol, 0, side, type, tif, quantity, FixedPoint.FromDecimal(limit), FixedPoint.FromDecimal(stop));

    private static string Id(VenueOrderRequest order) => order.ClientOrderId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Makes every order request meet <paramref name="fault"/> and expects the client to call it transient.</summary>
    private async Task<VenueTransientException> PlaceWithFaultAsync(AlpacaRestClient client, VenueOrderRequest order, AlpacaFault fault)
    {
        Simulator.Fault = fault;
        Simulator.FaultEvery = 1;
        try
        {
            return await Assert.ThrowsAsync<VenueTransientException>(() => client.PlaceAsync(order, CancellationToken.None));
        }
        finally
        {
            Simulator.FaultEvery = 0;
        }
    }

    [Fact]
    public async Task MarketOrder_IsTaken_AndItsFillArrivesOnTradeUpdates()
    {
        await Simulator.SetPrice("AAPL", 175.25m);
        var sink = new UpdateSink();
        using var stream = new AlpacaTradeUpdatesStream(Simulator.TradeStreamUri, Keys, sink, s_fast);
        var listening = new Pulse();
        bool heard = false;
        stream.Listening += () =>
        {
            heard = true;
            listening.Set();
        };
        await stream.StartAsync();
        await listening.UntilAsync(() => heard, "the trade_updates listen ack");

        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order(quantity: 10);
        VenuePlaceResult result = await client.PlaceAsync(order, CancellationToken.None);
        Assert.True(result.Accepted);

        await sink.Changed.UntilAsync(() => sink.Updates.Any(u => u.Status == VenueOrderStatus.Filled), "the fill on trade_updates");
        VenueOrderState fill = sink.Updates.Single(u => u.Status == VenueOrderStatus.Filled);
        Assert.Equal(result.VenueOrderId, fill.VenueOrderId);
        Assert.Equal(order.ClientOrderId, fill.ClientOrderId);
        Assert.Equal(10, fill.FilledQuantity);
        Assert.Equal(175.25m, fill.AverageFillPrice);
        Assert.Equal(Side.Buy, fill.Side);
        Assert.Contains(sink.Updates, u => u.Status == VenueOrderStatus.Open && u.FilledQuantity == 0); // the "new" event
        Assert.Equal(0, stream.Malformed);
        Assert.Equal(1, Simulator.AuthMessages);
        Assert.Equal(1, Simulator.ListenMessages);
    }

    [Fact]
    public async Task Fill_MovesCashAndPositionsTogether()
    {
        await Simulator.SetPrice("MSFT", 400m);
        using AlpacaRestClient client = NewClient();
        AlpacaAccount before = await client.GetAccountAsync(CancellationToken.None);

        Assert.True((await client.PlaceAsync(Order(quantity: 5, symbol: "MSFT"), CancellationToken.None)).Accepted);
        Assert.True((await client.PlaceAsync(Order(Side.Sell, quantity: 2, symbol: "MSFT"), CancellationToken.None)).Accepted);

        AlpacaAccount after = await client.GetAccountAsync(CancellationToken.None);
        AlpacaPosition position = Assert.Single(await client.GetPositionsAsync(CancellationToken.None));
        Assert.Equal(before.Cash - (3 * 400m), after.Cash);
        Assert.Equal(before.Equity, after.Equity); // the price did not move
        Assert.Equal("MSFT", position.Symbol);
        Assert.Equal(3m, position.Quantity);
        Assert.Equal(400m, position.AverageEntryPrice);
    }

    [Fact]
    public async Task RestingLimitOrder_IsCanceled_ThenASecondCancelIsRefused()
    {
        await Simulator.SetPrice("AAPL", 175m);
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order(type: OrderType.Limit, limit: 170.5m, tif: TimeInForce.Gtc);
        VenuePlaceResult placed = await client.PlaceAsync(order, CancellationToken.None);
        Assert.True(placed.Accepted);
        Assert.Equal(VenueOrderStatus.Open, (await client.FindAsync(order, new HashSet<string>(), CancellationToken.None))!.Status);

        VenuePlaceResult canceled = await client.CancelAsync(order, placed.VenueOrderId!, CancellationToken.None);
        VenuePlaceResult again = await client.CancelAsync(order, placed.VenueOrderId!, CancellationToken.None);
        VenuePlaceResult unknown = await client.CancelAsync(order, "no-such-order", CancellationToken.None);

        Assert.True(canceled.Accepted);
        Assert.False(again.Accepted);
        Assert.Equal("42210000", again.Code);
        Assert.False(unknown.Accepted);
        VenueOrderState state = Assert.Single(await client.GetOrdersAsync(CancellationToken.None));
        Assert.Equal(VenueOrderStatus.Canceled, state.Status);
        Assert.Equal(order.ClientOrderId, state.ClientOrderId);
    }

    [Fact]
    public async Task LimitOrder_FillsWhenTheSimulatedPriceCrossesIt()
    {
        await Simulator.SetPrice("AAPL", 175m);
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order(type: OrderType.Limit, limit: 174m);
        Assert.True((await client.PlaceAsync(order, CancellationToken.None)).Accepted);

        await Simulator.SetPrice("AAPL", 173.9m);

        VenueOrderState state = (await client.FindAsync(order, new HashSet<string>(), CancellationToken.None))!;
        Assert.Equal(VenueOrderStatus.Filled, state.Status);
        Assert.Equal(173.9m, state.AverageFillPrice);
    }

    [Fact]
    public async Task SameClientOrderIdTwice_IsTakenWithTheSameId_AndTheVenueHoldsOneOrder()
    {
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order();
        VenuePlaceResult first = await client.PlaceAsync(order, CancellationToken.None);
        VenuePlaceResult second = await client.PlaceAsync(order, CancellationToken.None);

        Assert.True(second.Accepted);
        Assert.Equal(first.VenueOrderId, second.VenueOrderId);
        Assert.Equal(1, Simulator.OrdersCreatedFor(Id(order)));
        Assert.Equal(1, Simulator.OrderCount);
    }

    /// <summary>Issue 15 item 2: on "client_order_id must be unique" the venue's order was adopted whatever its terms.</summary>
    [Theory]
    [InlineData("MSFT", Side.Buy, 10)]
    [InlineData("AAPL", Side.Sell, 10)]
    [InlineData("AAPL", Side.Buy, 11)]
    public async Task SameClientOrderId_WithOtherTerms_IsRefusedAsACollision_NeverAdopted(string symbol, Side side, long quantity)
    {
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest theirs = Order(Side.Buy, 10, symbol: "AAPL"); // another run's order under this id
        Assert.True((await client.PlaceAsync(theirs, CancellationToken.None)).Accepted);
        VenueOrderRequest ours = theirs with { Symbol = symbol, Side = side, Quantity = quantity };

        VenuePlaceResult result = await client.PlaceAsync(ours, CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Null(result.VenueOrderId);
        Assert.Equal(VenueRejectCodes.ClientOrderIdCollision, result.Code);
        Assert.Contains(Id(ours), result.Message, StringComparison.Ordinal);
        Assert.Equal(1, Simulator.OrdersCreatedFor(Id(ours)));
    }

    [Fact]
    public async Task OrderCreatedButAnswered500_IsTransient_AndTheLookupFindsIt_WithoutASecondOrder()
    {
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order();

        VenueTransientException ex = await PlaceWithFaultAsync(client, order, AlpacaFault.CreatedThenServerError);
        Assert.False(ex.RateLimited);

        VenueOrderState? found = await client.FindAsync(order, new HashSet<string>(), CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(order.ClientOrderId, found.ClientOrderId);

        VenuePlaceResult retry = await client.PlaceAsync(order, CancellationToken.None); // a careless resend still creates nothing
        Assert.Equal(found.VenueOrderId, retry.VenueOrderId);
        Assert.Equal(1, Simulator.OrdersCreatedFor(Id(order)));
    }

    [Fact]
    public async Task RateLimited_IsTransientWithRateLimited_AndCreatesNothing()
    {
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest order = Order();

        VenueTransientException ex = await PlaceWithFaultAsync(client, order, AlpacaFault.RateLimited);

        Assert.True(ex.RateLimited);
        Assert.Null(await client.FindAsync(order, new HashSet<string>(), CancellationToken.None));
        Assert.Equal(0, Simulator.OrdersCreatedFor(Id(order)));
    }

    [Theory]
    [InlineData(AlpacaFault.ServerError, 0)]
    [InlineData(AlpacaFault.Malformed, 1)]
    public async Task ServerErrorOrUnreadableAnswer_IsTransient_AndCounted(AlpacaFault fault, long malformed)
    {
        using AlpacaRestClient client = NewClient();

        VenueTransientException ex = await PlaceWithFaultAsync(client, Order(), fault);

        Assert.False(ex.RateLimited);
        Assert.Equal(malformed, client.MalformedAnswers);
    }

    [Fact]
    public async Task WrongKeys_AreAnAuthenticationError_AndTheSecretAppearsNowhere()
    {
        const string Secret = "TOP-SECRET-VALUE-42";
        var wrong = new AlpacaCredentials("WRONG-KEY", Secret);
        using AlpacaRestClient client = NewClient(wrong);

        var place = await Assert.ThrowsAsync<VenueAuthenticationException>(() => client.PlaceAsync(Order(), CancellationToken.None));
        var account = await Assert.ThrowsAsync<VenueAuthenticationException>(() => client.GetAccountAsync(CancellationToken.None));

        Assert.DoesNotContain(Secret, place.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, account.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, wrong.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Simulator.OrderRequests);
    }

    [Fact]
    public async Task InsufficientBuyingPower_IsRefusedWithAlpacasCodeAndMessage()
    {
        using AlpacaRestClient client = NewClient();
        VenuePlaceResult result = await client.PlaceAsync(Order(quantity: 1_000_000), CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal("40310000", result.Code);
        Assert.Equal("insufficient buying power", result.Message);
        Assert.Equal(0, Simulator.OrderCount);
    }

    [Fact]
    public async Task InvalidOrder_IsRefused_NotRetried()
    {
        using AlpacaRestClient client = NewClient();
        VenuePlaceResult result = await client.PlaceAsync(Order(type: OrderType.StopLimit, limit: 0, stop: 180m), CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal("40010001", result.Code);
        Assert.Contains("limit_price", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindAsync_OfAnOrderNeverSent_IsNull()
    {
        using AlpacaRestClient client = NewClient();
        Assert.Null(await client.FindAsync(Order(), new HashSet<string>(), CancellationToken.None));
    }

    [Fact]
    public async Task SlowVenue_IsCutOffByTheCallersToken()
    {
        Simulator.ResponseDelay = TimeSpan.FromMinutes(5); // far beyond the token: the token decides
        using AlpacaRestClient client = NewClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PlaceAsync(Order(), cts.Token));
    }

    [Fact]
    public void OrderBody_HasAlpacasFieldsAsStrings()
    {
        var order = new VenueOrderRequest(42, "AAPL", 0, Side.Sell, OrderType.StopLimit, TimeInForce.Ioc, 7, FixedPoint.FromDecimal(175.5m), FixedPoint.FromDecimal(176.0001m));
        System.Text.Json.Nodes.JsonObject body = AlpacaRestClient.OrderBody(order);

        Assert.Equal(
            """{"symbol":"AAPL","qty":"7","side":"sell","type":"stop_limit","time_in_force":"ioc","client_order_id":"42","limit_price":"175.5","stop_price":"176.0001"}""",
            body.ToJsonString());
        Assert.False(AlpacaRestClient.OrderBody(order with { Type = OrderType.Market }).ContainsKey("limit_price"));
    }
    [Fact]
    public async Task Asset_IsRead_WithShortableAndEasyToBorrow_AnUnknownSymbolIsLeftOut()
    {
        Simulator.SetAsset("GME", shortable: true, easyToBorrow: false);
        Simulator.SetAsset("XYZQ", shortable: false, easyToBorrow: false);
        Simulator.RemoveAsset("NOPE");
        using AlpacaRestClient client = NewClient();
        Assert.Equal(new AlpacaAsset("AAPL", Tradable: true, Shortable: true, EasyToBorrow: true), await client.GetAssetAsync("AAPL", CancellationToken.None));
        Assert.Equal(new AlpacaAsset("GME", Tradable: true, Shortable: true, EasyToBorrow: false), await client.GetAssetAsync("GME", CancellationToken.None));
        VenueTransientException unknown = await Assert.ThrowsAsync<VenueTransientException>(() => client.GetAssetAsync("NOPE", CancellationToken.None));
        Assert.Contains("asset not found", unknown.Message, StringComparison.Ordinal);

        IReadOnlyDictionary<string, VenueBorrow> borrow = await client.GetBorrowAsync(["AAPL", "GME", "XYZQ", "NOPE"], CancellationToken.None);
        Assert.Equal(new VenueBorrow(true, true), borrow["AAPL"]);
        Assert.Equal(new VenueBorrow(true, false), borrow["GME"]);
        Assert.Equal(new VenueBorrow(false, false), borrow["XYZQ"]);
        Assert.False(borrow.ContainsKey("NOPE")); // its configured rule stands alone
        Assert.Equal(0, client.MalformedAnswers);
    }
}
