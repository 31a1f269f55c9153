using Orchestrator.Adapters.Kis;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>The simulator as a venue that trades, read back through the client's queries.</summary>
public sealed class KisTradingTests : KisSimulatorFixture
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task MarketOrder_FillsAtOnce_AtTheCurrentPrice_AndTheBalanceFollows()
    {
        Simulator.SetPrice("005930", 71_000);
        using var client = NewClient();
        KisOrderResult placed = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 0, CancellationToken.None);

        KisDailyOrder order = Assert.Single(await client.GetDailyOrdersAsync(Today, CancellationToken.None));
        Assert.Equal(placed.OrderNumber, order.OrderNumber);
        Assert.Equal((10L, 10L, 0L, 710_000m, 71_000m), (order.OrderedQuantity, order.FilledQuantity, order.RemainingQuantity, order.FilledAmount, order.AveragePrice));
        Assert.Equal(string.Empty, order.OriginalOrderNumber);

        KisBalance balance = await client.GetBalanceAsync(CancellationToken.None);
        Assert.Equal(100_000_000m - 710_000m, balance.Cash); // D+2: the buy counts at once
        Assert.Equal((100_000_000m, 100_000_000m), (balance.Deposit, balance.NextDay)); // the deposit pays it in two days
        Assert.Equal(100_000_000m, balance.TotalEvaluation);
        KisPosition position = Assert.Single(balance.Positions);
        Assert.Equal(("005930", 10L, 71_000m, 71_000m), (position.Symbol, position.Quantity, position.AveragePrice, position.CurrentPrice));
    }

    [Fact]
    public async Task LimitOrder_FillsOnlyWhenThePriceCrosses_AtTheLimitOrBetter_WithExactAverages()
    {
        Simulator.MaxFillPerMatch = 4;
        using var client = NewClient();
        KisOrderResult placed = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 69_900, CancellationToken.None);
        Assert.True(Simulator.IsOpen(placed.OrderNumber!)); // 70,000 is above the limit: rests

        Simulator.SetPrice("005930", 69_900); // 4 at the limit
        Simulator.SetPrice("005930", 69_800); // 4 better than the limit
        Simulator.SetPrice("005930", 70_500); // above: nothing
        Simulator.SetPrice("005930", 69_850); // the last 2

        KisDailyOrder order = Assert.Single(await client.GetDailyOrdersAsync(Today, CancellationToken.None));
        Assert.Equal((10L, 0L, 698_500m, 69_850m), (order.FilledQuantity, order.RemainingQuantity, order.FilledAmount, order.AveragePrice));

        KisOrderResult sell = await client.PlaceCashOrderAsync("005930", Side.Sell, 4, 70_100, CancellationToken.None);
        Simulator.SetPrice("005930", 70_000); // below a sell limit: nothing
        Simulator.SetPrice("005930", 70_300); // 4 better than the limit
        KisDailyOrder sold = Assert.Single(await client.GetDailyOrdersAsync(Today, CancellationToken.None), o => o.OrderNumber == sell.OrderNumber);
        Assert.Equal((Side.Sell, 4L, 281_200m, 70_300m), (sold.Side, sold.FilledQuantity, sold.FilledAmount, sold.AveragePrice));

        KisBalance balance = await client.GetBalanceAsync(CancellationToken.None);
        Assert.Equal(100_000_000m - 698_500m + 281_200m, balance.Cash);
        KisPosition position = Assert.Single(balance.Positions);
        Assert.Equal((6L, 69_850m, 70_300m), (position.Quantity, position.AveragePrice, position.CurrentPrice));
        Assert.Equal(balance.Cash + (6 * 70_300m), balance.TotalEvaluation);
    }

    [Fact]
    public async Task BuyBeyondCash_IsRefusedWithAPBK0952_CountingCashReservedByOpenBuys()
    {
        Simulator.StartingCashKrw = 1_000_000;
        using var client = NewClient();

        KisOrderResult tooBig = await client.PlaceCashOrderAsync("005930", Side.Buy, 20, 0, CancellationToken.None);
        Assert.Equal((false, "APBK0952"), (tooBig.Accepted, tooBig.MessageCode));

        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 60_000, CancellationToken.None)).Accepted); // reserves 600,000
        KisOrderResult beyondReserve = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 50_000, CancellationToken.None);
        Assert.Equal((false, "APBK0952"), (beyondReserve.Accepted, beyondReserve.MessageCode));
        Assert.Equal(1, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task SellBeyondHoldings_IsRefusedWithAPBK0986()
    {
        using var client = NewClient();
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 3, 0, CancellationToken.None)).Accepted);

        KisOrderResult refused = await client.PlaceCashOrderAsync("005930", Side.Sell, 4, 0, CancellationToken.None);

        Assert.Equal((false, "APBK0986"), (refused.Accepted, refused.MessageCode));
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Sell, 3, 0, CancellationToken.None)).Accepted);
        Assert.Empty((await client.GetBalanceAsync(CancellationToken.None)).Positions);
    }

    [Fact]
    public async Task Revise_MovesTheOpenRemainderToANewOrder_ThatFillsAtItsNewPrice_AndFilledOrdersCannotBeChanged()
    {
        using var client = NewClient();
        KisOrderResult placed = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 69_000, CancellationToken.None);

        KisOrderResult revised = await client.ReviseOrderAsync(placed.OrderNumber!, placed.BranchNumber!, 6, 69_500, CancellationToken.None);
        Assert.True(revised.Accepted);
        Assert.NotEqual(placed.OrderNumber, revised.OrderNumber);
        Simulator.SetPrice("005930", 69_500);

        IReadOnlyList<KisDailyOrder> day = await client.GetDailyOrdersAsync(Today, CancellationToken.None);
        KisDailyOrder original = Assert.Single(day, o => o.OrderNumber == placed.OrderNumber);
        Assert.Equal((0L, 0L, false), (original.FilledQuantity, original.RemainingQuantity, original.Canceled));
        KisDailyOrder replacement = Assert.Single(day, o => o.OrderNumber == revised.OrderNumber);
        Assert.Equal((placed.OrderNumber, 6L, 6L, 69_500m), (replacement.OriginalOrderNumber, replacement.OrderedQuantity, replacement.FilledQuantity, replacement.AveragePrice));

        KisOrderResult reviseFilled = await client.ReviseOrderAsync(revised.OrderNumber!, revised.BranchNumber!, 6, 69_000, CancellationToken.None);
        KisOrderResult cancelFilled = await client.CancelOrderAsync(revised.OrderNumber!, revised.BranchNumber!, CancellationToken.None);
        Assert.Equal((false, "APBK0918"), (reviseFilled.Accepted, reviseFilled.MessageCode));
        Assert.Equal((false, "APBK0918"), (cancelFilled.Accepted, cancelFilled.MessageCode));
        Assert.Equal(0, Simulator.Cancels);
    }

    [Fact]
    public async Task DailyOrders_FollowEveryPage_InOrder()
    {
        Simulator.DailyPageSize = 2;
        using var client = NewClient();
        var placed = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            placed.Add((await client.PlaceCashOrderAsync("005930", Side.Buy, 1 + i, 60_000, CancellationToken.None)).OrderNumber!);
        }

        int before = Simulator.RestRequests;
        IReadOnlyList<KisDailyOrder> day = await client.GetDailyOrdersAsync(Today, CancellationToken.None);

        Assert.Equal(placed, day.Select(o => o.OrderNumber));
        Assert.Equal([1L, 2, 3, 4, 5], day.Select(o => o.OrderedQuantity));
        Assert.Equal(3, Simulator.RestRequests - before); // pages of 2, 2 and 1
    }

    [Fact]
    public async Task OrderRequestHook_SeesEachOrderBeforeBookingAndBeforeAnswering_AndCanLoseEitherPart()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(OrderRequestStage Stage, int Booked)>();
        OrderRequestOutcome atReceived = OrderRequestOutcome.Proceed, atBooked = OrderRequestOutcome.Proceed;
        Simulator.OrderRequestHook = moment =>
        {
            seen.Enqueue((moment.Stage, Simulator.OrdersBooked("50000000")));
            Assert.Equal(("5000000001", "005930", true, 3L), (moment.Account, moment.Symbol, moment.Buy, moment.Quantity));
            Assert.Equal(moment.Stage == OrderRequestStage.Booked, moment.OrderNumber is not null);
            return Task.FromResult(moment.Stage == OrderRequestStage.Received ? atReceived : atBooked);
        };
        using var client = NewClient();

        KisOrderResult placed = await client.PlaceCashOrderAsync("005930", Side.Buy, 3, 0, CancellationToken.None);
        Assert.True(placed.Accepted);
        Assert.Equal([(OrderRequestStage.Received, 0), (OrderRequestStage.Booked, 1)], seen);

        atReceived = OrderRequestOutcome.Drop; // the request is lost before the venue takes it
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 3, 0, CancellationToken.None));
        Assert.Equal(1, Simulator.OrdersBooked("50000000"));

        (atReceived, atBooked) = (OrderRequestOutcome.Proceed, OrderRequestOutcome.Drop); // booked, the answer is lost
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 3, 0, CancellationToken.None));
        Assert.Equal(2, Simulator.OrdersBooked("50000000"));
        Assert.Equal([placed.OrderNumber, Simulator.BookedOrders("50000000")[1].OrderNumber], Simulator.BookedOrders("50000000").Select(o => o.OrderNumber));
        Assert.All(Simulator.BookedOrders("50000000"), o => Assert.Equal((3L, 3L), (o.Quantity, o.Filled))); // market orders fill at once
    }
}
