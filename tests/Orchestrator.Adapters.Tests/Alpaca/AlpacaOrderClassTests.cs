using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>
/// Alpaca's native order types, times in force and order classes (issue 19): the body the client sends,
/// what it refuses unsent, and what the simulator — holding them as Alpaca does — makes of them on loopback.
/// </summary>
public sealed class AlpacaOrderClassTests : AlpacaSimulatorFixture
{
    private static long s_nextClientId = 90_000;

    private static VenueOrderRequest Entry(Side side, OrderType type, decimal limit, ProtectiveExits exits, TimeInForce tif = TimeInForce.Gtc, string symbol = "AAPL") =>
        new(Interlocked.Increment(ref s_nextClientId), symbol, 0, side, type, tif, 10, FixedPoint.FromDecimal(limit), 0, OrderGroupRole.Entry, exits);

    private static ProtectiveExits Exits(decimal takeProfit = 0, decimal stopLoss = 0, int takeProfitPpm = 0, int stopLossPpm = 0, int trailPpm = 0) => new()
    {
        TakeProfitRaw = FixedPoint.FromDecimal(takeProfit),
        StopLossRaw = FixedPoint.FromDecimal(stopLoss),
        TakeProfitPpm = takeProfitPpm,
        StopLossPpm = stopLossPpm,
        TrailPpm = trailPpm,
    };

    [Fact]
    public void Bracket_WithPercentExits_IsPricedFromTheEntryLimit_ToTheCent()
    {
        JsonObject body = AlpacaRestClient.OrderBody(Entry(Side.Buy, OrderType.Limit, 100.00m, Exits(takeProfitPpm: 50_000, stopLossPpm: 20_333)));

        Assert.Equal("bracket", (string?)body["order_class"]);
        Assert.Equal("105", (string?)body["take_profit"]!["limit_price"]);
        Assert.Equal("97.97", (string?)body["stop_loss"]!["stop_price"]); // 97.9667 to the nearest cent
    }

    [Fact]
    public void ShortEntry_ExitsAreOnTheOtherSide_AndOneExitIsOto()
    {
        JsonObject body = AlpacaRestClient.OrderBody(Entry(Side.Sell, OrderType.Limit, 50.00m, Exits(stopLossPpm: 100_000)));

        Assert.Equal("oto", (string?)body["order_class"]);
        Assert.Equal("55", (string?)body["stop_loss"]!["stop_price"]);
        Assert.False(body.ContainsKey("take_profit"));
    }

    [Fact]
    public void ExitWithTheOtherExit_GoesAsOco_ALimitWithAStopLeg()
    {
        var exit = new VenueOrderRequest(7, "AAPL", 0, Side.Sell, OrderType.Limit, TimeInForce.Gtc, 10, FixedPoint.FromDecimal(110m), 0,
            OrderGroupRole.TakeProfit, Exits(takeProfit: 110m, stopLoss: 95m));

        JsonObject body = AlpacaRestClient.OrderBody(exit);

        Assert.Equal(
            """{"symbol":"AAPL","qty":"10","side":"sell","type":"limit","time_in_force":"gtc","client_order_id":"7","limit_price":"110","order_class":"oco","take_profit":{"limit_price":"110"},"stop_loss":{"stop_price":"95"}}""",
            body.ToJsonString());
    }

    [Theory]
    [InlineData(TimeInForce.Opg, "opg")]
    [InlineData(TimeInForce.Cls, "cls")]
    [InlineData(TimeInForce.Fok, "fok")]
    public void TrailingStop_AndEveryTif_UseAlpacasNames(TimeInForce tif, string name)
    {
        var order = new VenueOrderRequest(8, "AAPL", 0, Side.Sell, OrderType.TrailingStop, tif, 3, 0, 0, TrailPpm: 12_500);

        JsonObject body = AlpacaRestClient.OrderBody(order);

        Assert.Equal(("trailing_stop", name, "1.25"), ((string?)body["type"], (string?)body["time_in_force"], (string?)body["trail_percent"]));
        Assert.Equal("0.5", (string?)AlpacaRestClient.OrderBody(order with { TrailRaw = 500_000, TrailPpm = 0 })["trail_price"]);
    }

    [Fact]
    public async Task WhatAlpacaCannotTake_IsRefusedUnsent_WithTheReason()
    {
        using AlpacaRestClient client = NewClient();

        VenuePlaceResult marketPercent = await client.PlaceAsync(Entry(Side.Buy, OrderType.Market, 0, Exits(stopLossPpm: 20_000)), CancellationToken.None);
        VenuePlaceResult trailLeg = await client.PlaceAsync(Entry(Side.Buy, OrderType.Limit, 100m, Exits(takeProfit: 110m, trailPpm: 20_000)), CancellationToken.None);
        VenuePlaceResult iocBracket = await client.PlaceAsync(Entry(Side.Buy, OrderType.Limit, 100m, Exits(110m, 95m), TimeInForce.Ioc), CancellationToken.None);

        Assert.All([marketPercent, trailLeg, iocBracket], r => Assert.Equal((false, VenueRejectCodes.Unsupported), (r.Accepted, r.Code)));
        Assert.Contains("market entry", marketPercent.Message, StringComparison.Ordinal);
        Assert.Contains("trailing", trailLeg.Message, StringComparison.Ordinal);
        Assert.Contains("day or gtc", iocBracket.Message, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.OrderRequests); // none was sent
    }

    [Fact]
    public async Task Bracket_TheVenueRefusesExitsOnTheWrongSide_WithItsMessage()
    {
        using AlpacaRestClient client = NewClient();

        VenuePlaceResult result = await client.PlaceAsync(Entry(Side.Buy, OrderType.Limit, 100m, Exits(takeProfit: 90m, stopLoss: 95m)), CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal("take_profit.limit_price must be above stop_loss.stop_price", result.Message);
    }

    [Fact]
    public async Task Bracket_LegsWaitForTheEntry_ThenTheTakeProfitFillCancelsTheStop()
    {
        await Simulator.SetPrice("AAPL", 101m);
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest entry = Entry(Side.Buy, OrderType.Limit, 100m, Exits(takeProfit: 110m, stopLoss: 95m));
        VenuePlaceResult placed = await client.PlaceAsync(entry, CancellationToken.None);
        Assert.True(placed.Accepted);
        Assert.Equal(["held", "held"], (await Legs(placed.VenueOrderId!)).Select(l => l.Status));

        await Simulator.SetPrice("AAPL", 99m); // through the limit: the entry fills, and its legs start to work
        Assert.Equal(10, Simulator.PositionOf("AAPL"));
        Assert.Equal(["new", "new"], (await Legs(placed.VenueOrderId!)).Select(l => l.Status));

        await Simulator.SetPrice("AAPL", 111m); // the take-profit fills, the stop-loss is canceled with it

        Assert.Equal(0, Simulator.PositionOf("AAPL"));
        Assert.Equal([("sell", "limit", "filled"), ("sell", "stop", "canceled")], (await Legs(placed.VenueOrderId!)).Select(l => (l.Side, l.Type, l.Status)));
    }

    [Fact]
    public async Task Bracket_CancelingTheEntry_CancelsItsHeldLegs()
    {
        await Simulator.SetPrice("AAPL", 105m);
        using AlpacaRestClient client = NewClient();
        VenueOrderRequest entry = Entry(Side.Buy, OrderType.Limit, 100m, Exits(takeProfit: 110m, stopLoss: 95m));
        VenuePlaceResult placed = await client.PlaceAsync(entry, CancellationToken.None);

        Assert.True((await client.CancelAsync(entry, placed.VenueOrderId!, CancellationToken.None)).Accepted);

        Assert.Equal(["canceled", "canceled"], (await Legs(placed.VenueOrderId!)).Select(l => l.Status));
    }

    [Fact]
    public async Task TrailingStop_AtTheVenue_FollowsTheHigh_AndFills()
    {
        await Simulator.SetPrice("MSFT", 100m);
        using AlpacaRestClient client = NewClient();
        Assert.True((await client.PlaceAsync(new VenueOrderRequest(1, "MSFT", 0, Side.Buy, OrderType.Market, TimeInForce.Day, 5, 0, 0), CancellationToken.None)).Accepted);
        var trailing = new VenueOrderRequest(2, "MSFT", 0, Side.Sell, OrderType.TrailingStop, TimeInForce.Gtc, 5, 0, 0, TrailRaw: FixedPoint.FromDecimal(2m));
        Assert.True((await client.PlaceAsync(trailing, CancellationToken.None)).Accepted);

        await Simulator.SetPrice("MSFT", 110m);
        await Simulator.SetPrice("MSFT", 108.5m);
        Assert.Equal(5, Simulator.PositionOf("MSFT")); // a fixed stop at 98 would hold too; the trail is at 108 now

        await Simulator.SetPrice("MSFT", 107.9m);

        Assert.Equal(0, Simulator.PositionOf("MSFT"));
        VenueOrderState? state = await client.FindAsync(trailing, new HashSet<string>(), CancellationToken.None);
        Assert.Equal((VenueOrderStatus.Filled, 107.9m), (state!.Status, state.AverageFillPrice));
    }

    [Theory]
    [InlineData("opg")]
    [InlineData("cls")]
    public async Task AuctionTif_IsTaken(string tif)
    {
        using AlpacaRestClient client = NewClient();

        VenuePlaceResult result = await client.PlaceAsync(
            new VenueOrderRequest(Interlocked.Increment(ref s_nextClientId), "AAPL", 0, Side.Buy, OrderType.Limit, tif == "opg" ? TimeInForce.Opg : TimeInForce.Cls, 1, FixedPoint.FromDecimal(1m), 0),
            CancellationToken.None);

        Assert.True(result.Accepted);
    }

    [Fact]
    public async Task TheOrderListing_NestsLegsUnderTheirParent_OnlyWhenAskedNested_AsAlpacaDoes()
    {
        await Simulator.SetPrice("AAPL", 101m);
        using AlpacaRestClient client = NewClient();
        VenuePlaceResult placed = await client.PlaceAsync(Entry(Side.Buy, OrderType.Limit, 100m, Exits(takeProfit: 110m, stopLoss: 95m)), CancellationToken.None);
        string[] legIds = [.. placed.Legs.Select(l => l.VenueOrderId)];
        Assert.Equal(2, legIds.Length);

        using JsonDocument nested = await ListAsync("v2/orders?status=all&limit=500&nested=true");
        using JsonDocument flat = await ListAsync("v2/orders?status=all&limit=500");

        Assert.DoesNotContain(nested.RootElement.EnumerateArray(), o => legIds.Contains(o.GetProperty("id").GetString())); // legs only under their parent
        JsonElement parent = nested.RootElement.EnumerateArray().Single(o => o.GetProperty("id").GetString() == placed.VenueOrderId);
        Assert.Equal(legIds, parent.GetProperty("legs").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(legIds.Order(), flat.RootElement.EnumerateArray().Where(o => legIds.Contains(o.GetProperty("id").GetString())).Select(o => o.GetProperty("id").GetString()).Order()); // flat: listed on their own
        Assert.All(flat.RootElement.EnumerateArray(), o => Assert.Equal(JsonValueKind.Null, o.GetProperty("legs").ValueKind));

        // The client lists nested, so each leg comes with its parent: its role, and its own state.
        VenueOrderState listed = (await client.GetOrdersAsync(CancellationToken.None)).Single(o => o.VenueOrderId == placed.VenueOrderId);
        Assert.Equal(
            [(legIds[0], OrderGroupRole.TakeProfit, Side.Sell, 10L, FixedPoint.FromDecimal(110m), VenueOrderStatus.Open), (legIds[1], OrderGroupRole.StopLoss, Side.Sell, 10L, FixedPoint.FromDecimal(95m), VenueOrderStatus.Open)],
            listed.Legs.Select(l => (l.State.VenueOrderId, l.Leg.Role, l.State.Side, l.State.Quantity, l.Leg.Role == OrderGroupRole.TakeProfit ? l.Leg.LimitPriceRaw : l.Leg.StopPriceRaw, l.State.Status)));
    }

    /// <summary>The legs of a parent order as the venue lists it nested (side, type, status), in leg order.</summary>
    private async Task<List<(string Side, string Type, string Status)>> Legs(string parentId)
    {
        using JsonDocument list = await ListAsync("v2/orders?status=all&limit=500&nested=true");
        JsonElement parent = list.RootElement.EnumerateArray().Single(o => o.GetProperty("id").GetString() == parentId);
        return [.. parent.GetProperty("legs").EnumerateArray().Select(l => (l.GetProperty("side").GetString()!, l.GetProperty("type").GetString()!, l.GetProperty("status").GetString()!))];
    }

    private async Task<JsonDocument> ListAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Add("APCA-API-KEY-ID", AlpacaSimulator.KeyId);
        request.Headers.Add("APCA-API-SECRET-KEY", AlpacaSimulator.SecretKey);
        using HttpResponseMessage response = await Http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
