using System.Text.Json.Nodes;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>US stocks through KIS's overseas endpoints, against the simulator: orders, cancels, the list and the USD balance.</summary>
public sealed class KisOverseasTradingTests : KisSimulatorFixture
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private JsonObject LastOrderBody => Simulator.Orders.Last();

    [Fact]
    public async Task MarketableLimit_FillsAtTheCurrentPrice_InDollars_AndOnlyTheUsdWalletMoves()
    {
        Simulator.SetOverseasPrice("AAPL", 100.25m);
        using var client = NewClient();

        KisOrderResult placed = await client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Buy, 10, 101.50m, CancellationToken.None);

        Assert.True(placed.Accepted);
        Assert.Equal(("VTTT1002U", "NASD", "AAPL", "10", "101.50", "00", "0"), (
            LastOrderBody["tr_id"]!.GetValue<string>(), LastOrderBody["OVRS_EXCG_CD"]!.GetValue<string>(), LastOrderBody["PDNO"]!.GetValue<string>(),
            LastOrderBody["ORD_QTY"]!.GetValue<string>(), LastOrderBody["OVRS_ORD_UNPR"]!.GetValue<string>(), LastOrderBody["ORD_DVSN"]!.GetValue<string>(),
            LastOrderBody["ORD_SVR_DVSN_CD"]!.GetValue<string>()));
        KisDailyOrder order = Assert.Single(await client.GetOverseasOrdersAsync(Today, CancellationToken.None));
        Assert.Equal((placed.OrderNumber, "AAPL", Side.Buy), (order.OrderNumber, order.Symbol, order.Side));
        Assert.Equal((10L, 10L, 0L, 1_002.50m, 100.25m, false), (order.OrderedQuantity, order.FilledQuantity, order.RemainingQuantity, order.FilledAmount, order.AveragePrice, order.Canceled));

        KisBalance usd = await client.GetOverseasBalanceAsync(CancellationToken.None);
        Assert.Equal(100_000m - 1_002.50m, usd.Cash);
        Assert.Equal(100_000m, usd.TotalEvaluation);
        KisPosition position = Assert.Single(usd.Positions);
        Assert.Equal(("AAPL", 10L, 100.25m, 100.25m), (position.Symbol, position.Quantity, position.AveragePrice, position.CurrentPrice));
        Assert.Equal(100_000_000m, (await client.GetBalanceAsync(CancellationToken.None)).Cash); // KRW untouched
        Assert.Empty(await client.GetDailyOrdersAsync(Today, CancellationToken.None)); // and not on the domestic list

        Assert.True((await client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Sell, 4, 99.00m, CancellationToken.None)).Accepted);
        Assert.Equal("VTTT1001U", LastOrderBody["tr_id"]!.GetValue<string>()); // KIS's VIRTUAL sell id differs from REAL's TTTT1006U
        Assert.Equal((100_000m - 1_002.50m + 401.00m, 6L), (Simulator.OverseasBook("50000000").CashUsd, Simulator.OverseasBook("50000000").Positions["AAPL"]));
    }

    [Fact]
    public async Task Cancel_EndsTheRestingOrder_AsARowOfItsOwn_AndASecondCancelIsRefused()
    {
        using var client = NewClient();
        KisOrderResult placed = await client.PlaceOverseasOrderAsync("NYSE", "IBM", Side.Buy, 5, 90.00m, CancellationToken.None); // 100.00: rests

        KisOrderResult canceled = await client.CancelOverseasOrderAsync("NYSE", "IBM", placed.OrderNumber!, CancellationToken.None);
        KisOrderResult again = await client.CancelOverseasOrderAsync("NYSE", "IBM", placed.OrderNumber!, CancellationToken.None);

        Assert.True(canceled.Accepted);
        Assert.Equal((false, "APBK0918"), (again.Accepted, again.MessageCode));
        IReadOnlyList<KisDailyOrder> day = await client.GetOverseasOrdersAsync(Today, CancellationToken.None);
        KisDailyOrder original = Assert.Single(day, o => o.OrderNumber == placed.OrderNumber);
        Assert.Equal((0L, 0L), (original.FilledQuantity, original.RemainingQuantity));
        KisDailyOrder cancelRow = Assert.Single(day, o => o.OrderNumber == canceled.OrderNumber);
        Assert.Equal((placed.OrderNumber, true, 5L), (cancelRow.OriginalOrderNumber, cancelRow.Canceled, cancelRow.OrderedQuantity));
        Assert.Equal((1, 1), (Simulator.OverseasOrdersBooked("50000000"), Simulator.Cancels));
        Simulator.SetOverseasPrice("IBM", 80.00m);
        Assert.Equal(100_000m, Simulator.OverseasBook("50000000").CashUsd); // nothing filled after the cancel
    }

    [Fact]
    public async Task BuyBeyondDollars_IsRefusedWithAPBK0952_AndSellBeyondHoldingsWithAPBK0986()
    {
        Simulator.StartingCashUsd = 1_000m;
        using var client = NewClient();

        KisOrderResult tooBig = await client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Buy, 11, 100.00m, CancellationToken.None);
        KisOrderResult unheld = await client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Sell, 1, 100.00m, CancellationToken.None);

        Assert.Equal((false, "APBK0952"), (tooBig.Accepted, tooBig.MessageCode));
        Assert.Equal((false, "APBK0986"), (unheld.Accepted, unheld.MessageCode));
        Assert.True((await client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Buy, 10, 100.00m, CancellationToken.None)).Accepted); // exactly the dollars held
        Assert.Equal(1, Simulator.OverseasOrdersBooked("50000000"));
        Assert.Equal(0, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task OverseasOrders_FollowEveryPage_WithThe200CharacterKeys()
    {
        Simulator.DailyPageSize = 2;
        using var client = NewClient();
        var placed = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            placed.Add((await client.PlaceOverseasOrderAsync("NASD", "MSFT", Side.Buy, 1 + i, 50.00m, CancellationToken.None)).OrderNumber!);
        }

        int before = Simulator.RestRequests;
        IReadOnlyList<KisDailyOrder> day = await client.GetOverseasOrdersAsync(Today, CancellationToken.None);

        Assert.Equal(placed, day.Select(o => o.OrderNumber));
        Assert.Equal([1L, 2, 3, 4, 5], day.Select(o => o.OrderedQuantity));
        Assert.Equal(3, Simulator.RestRequests - before); // pages of 2, 2 and 1
    }

    [Fact]
    public async Task LostAnswer_IsVenueTransient_AndTheListShowsTheOrder()
    {
        Simulator.LoseAnswersAfterBooking(every: 1);
        using var client = NewClient();

        await Assert.ThrowsAsync<VenueTransientException>(() => client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Buy, 3, 120.00m, CancellationToken.None));

        Simulator.Fault = HttpFault.None;
        KisDailyOrder order = Assert.Single(await client.GetOverseasOrdersAsync(Today, CancellationToken.None));
        Assert.Equal(("AAPL", 3L, 3L), (order.Symbol, order.OrderedQuantity, order.FilledQuantity));
        Assert.Equal(1, client.MalformedAnswers);
    }

    [Fact]
    public async Task PricesOffTheCent_AndUnknownExchanges_AreCallerErrors_NotSent()
    {
        using var client = NewClient();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.PlaceOverseasOrderAsync("NASD", "AAPL", Side.Buy, 1, 100.005m, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.PlaceOverseasOrderAsync("LSE", "AAPL", Side.Buy, 1, 100m, CancellationToken.None));

        Assert.Equal(0, Simulator.OrderRequests);
        Assert.Equal(("TTTT1002U", "TTTT1006U", "VTTT1002U", "VTTT1001U"), (
            KisRestClient.OverseasOrderTrId(Side.Buy, true), KisRestClient.OverseasOrderTrId(Side.Sell, true),
            KisRestClient.OverseasOrderTrId(Side.Buy, false), KisRestClient.OverseasOrderTrId(Side.Sell, false)));
    }

    [Fact]
    public async Task UsdDeposit_IsThePresentBalancesFrcrDnclAmt2_AndMovesWithMoneyOutsideAnyTrade()
    {
        Simulator.StartingCashUsd = 1_000m;
        Simulator.UsdKrwRate = 1_402.10m;
        using KisRestClient client = NewClient();

        KisDeposit before = await client.GetOverseasPresentBalanceAsync("USD", CancellationToken.None);
        Simulator.TransferCash("50000000", "USD", -12.34m); // a fee the fill reports never carried
        KisDeposit after = await client.GetOverseasPresentBalanceAsync("USD", CancellationToken.None);
        KisDeposit yen = await client.GetOverseasPresentBalanceAsync("JPY", CancellationToken.None);

        Assert.Equal(new KisDeposit("USD", 1_000m, 1_402.10m), before);
        Assert.Equal(new KisDeposit("USD", 987.66m, 1_402.10m), after);
        Assert.Equal((987.66m, 987.66m), ((await client.GetOverseasBalanceAsync(CancellationToken.None)).Cash, Simulator.OverseasBook("50000000").CashUsd));
        Assert.Equal(new KisDeposit("JPY", 0m, null), yen); // no row for the currency: nothing deposited
        Assert.Equal(100_000_000m, (await client.GetBalanceAsync(CancellationToken.None)).Cash); // KRW untouched
    }
}
