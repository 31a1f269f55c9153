using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>
/// Issue 19, fractional quantities at Alpaca: AAPL in 10^−4 shares (quantity_decimals 4). The client writes the
/// quantity as shares, refuses what Alpaca does not take fractionally (not market/limit, not day, legs), and
/// reads fills back into the symbol's units; the simulator books the fraction exactly, on loopback.
/// </summary>
public sealed class AlpacaFractionalTests : AlpacaSimulatorFixture
{
    private const int Decimals = 4;

    private AlpacaRestClient FractionalClient() => new(Http, Keys) { QuantityDecimals = symbol => symbol == "AAPL" ? Decimals : 0 };

    private static VenueOrderRequest Order(long clientOrderId, Side side, long quantity, OrderType type = OrderType.Market, TimeInForce tif = TimeInForce.Day, decimal limit = 0m) =>
        new(clientOrderId, "AAPL", 0, side, type, tif, quantity, FixedPoint.FromDecimal(limit), type is OrderType.Stop ? FixedPoint.FromDecimal(90m) : 0, QuantityDecimals: Decimals);

    [Fact]
    public void Body_AndAmendBody_WriteTheQuantityAsShares()
    {
        Assert.Equal("0.5", (string?)AlpacaRestClient.OrderBody(Order(1, Side.Buy, 5_000))["qty"]);
        Assert.Equal("12", (string?)AlpacaRestClient.OrderBody(Order(2, Side.Buy, 120_000))["qty"]);
        Assert.Equal("0.0001", (string?)AlpacaRestClient.AmendBody(Order(3, Side.Buy, 5_000, OrderType.Limit, limit: 100m), filledQuantity: 4_999)["qty"]);
        Assert.Equal("7", (string?)AlpacaRestClient.OrderBody(new VenueOrderRequest(4, "MSFT", 1, Side.Buy, OrderType.Market, TimeInForce.Day, 7, 0, 0))["qty"]);
    }

    [Theory]
    [InlineData(OrderType.Stop, TimeInForce.Day, "market or limit")]
    [InlineData(OrderType.Limit, TimeInForce.Gtc, "day")]
    public async Task FractionalOrders_AlpacaDoesNotTake_AreRefusedUnsent(OrderType type, TimeInForce tif, string reason)
    {
        await Simulator.SetPrice("AAPL", 100m);
        using AlpacaRestClient client = FractionalClient();

        VenuePlaceResult result = await client.PlaceAsync(Order(10, Side.Buy, 5_000, type, tif, limit: 100m), CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
        Assert.Empty(await client.GetOrdersAsync(CancellationToken.None)); // never sent
    }

    [Fact]
    public async Task WholeSharesOfAFractionalSymbol_KeepEveryOrderType()
    {
        await Simulator.SetPrice("AAPL", 100m);
        using AlpacaRestClient client = FractionalClient();

        Assert.True((await client.PlaceAsync(Order(20, Side.Buy, 20_000, OrderType.Limit, TimeInForce.Gtc, limit: 95m), CancellationToken.None)).Accepted);
    }

    [Fact]
    public async Task FractionalBuyAndSell_AreBookedExactly_AndReadBackInUnits()
    {
        await Simulator.SetPrice("AAPL", 150.25m);
        using AlpacaRestClient client = FractionalClient();
        decimal cash = Simulator.Cash;

        VenueOrderRequest buy = Order(30, Side.Buy, 5_000); // 0.5 shares at market
        Assert.True((await client.PlaceAsync(buy, CancellationToken.None)).Accepted);
        VenueOrderState? bought = await client.FindAsync(buy, new HashSet<string>(), CancellationToken.None);
        Assert.Equal((VenueOrderStatus.Filled, 5_000L, 5_000L, 150.25m), (bought!.Status, bought.Quantity, bought.FilledQuantity, bought.AverageFillPrice));
        Assert.Equal(0.5m, Simulator.PositionOf("AAPL"));
        Assert.Equal(cash - 75.125m, Simulator.Cash);

        await Simulator.SetPrice("AAPL", 160m);
        VenueOrderRequest sell = Order(31, Side.Sell, 2_000, OrderType.Limit, limit: 159m); // 0.2 shares, limit day
        Assert.True((await client.PlaceAsync(sell, CancellationToken.None)).Accepted);
        VenueOrderState? sold = await client.FindAsync(sell, new HashSet<string>(), CancellationToken.None);
        Assert.Equal((VenueOrderStatus.Filled, 2_000L), (sold!.Status, sold.FilledQuantity));

        Assert.Equal(0.3m, Simulator.PositionOf("AAPL"));
        Assert.Equal(cash - 75.125m + 32m, Simulator.Cash);
        VenueHoldings holdings = await client.GetHoldingsAsync(CancellationToken.None);
        Assert.Equal(0.3m, holdings.PositionOf("AAPL"));
    }

    [Fact]
    public async Task AWholeShareClient_RefusesToReadAFraction_RatherThanRoundIt()
    {
        await Simulator.SetPrice("AAPL", 100m);
        using AlpacaRestClient fractional = FractionalClient();
        Assert.True((await fractional.PlaceAsync(Order(40, Side.Buy, 5_000), CancellationToken.None)).Accepted);

        using AlpacaRestClient whole = NewClient(); // no quantity decimals: 0.5 is not a quantity it can count
        Assert.Empty(await whole.GetOrdersAsync(CancellationToken.None));
        Assert.Equal(1, whole.MalformedAnswers);
    }

    [Theory]
    [InlineData("""{"symbol":"AAPL","qty":"0.5","side":"buy","type":"stop","stop_price":"90","time_in_force":"day"}""", "fractional orders must be market or limit orders")]
    [InlineData("""{"symbol":"AAPL","qty":"0.5","side":"buy","type":"limit","limit_price":"90","time_in_force":"gtc"}""", "fractional orders must be day orders")]
    [InlineData("""{"symbol":"AAPL","qty":"0.1234567891","side":"buy","type":"market","time_in_force":"day"}""", "qty must be a positive number of shares (at most 9 decimals) given as a string")]
    public async Task Simulator_RefusesFractionalOrders_AsAlpacaDoes(string body, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("APCA-API-KEY-ID", AlpacaSimulator.KeyId);
        request.Headers.Add("APCA-API-SECRET-KEY", AlpacaSimulator.SecretKey);

        using HttpResponseMessage response = await Http.SendAsync(request);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Equal(message, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }
}
