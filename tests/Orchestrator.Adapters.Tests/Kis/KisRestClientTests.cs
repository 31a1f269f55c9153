using Microsoft.Extensions.Time.Testing;
using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>The real KIS REST client against the local simulator over HTTP on loopback.</summary>
public sealed class KisRestClientTests : KisSimulatorFixture
{
    private KisRestClient Client(string appKey = KisSimulator.AppKey, bool real = false) => NewClient(appKey, real);

    [Fact]
    public async Task Orders_RoundTrip_WithOneTokenForManyOrders()
    {
        using KisRestClient client = Client();
        KisOrderResult first = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 73_100, CancellationToken.None);
        KisOrderResult second = await client.PlaceCashOrderAsync("005930", Side.Sell, 3, 0, CancellationToken.None);
        KisOrderResult third = await client.PlaceCashOrderAsync("000660", Side.Buy, 1, 180_500, CancellationToken.None);

        Assert.True(first.Accepted);
        Assert.True(second.Accepted);
        Assert.True(third.Accepted);
        Assert.NotEqual(first.OrderNumber, second.OrderNumber);
        Assert.Equal(1, Simulator.TokensIssued); // reused, not reissued per call
        Assert.Equal(3, Simulator.Orders.Count);

        System.Text.Json.Nodes.JsonObject sent = Simulator.Orders.First();
        Assert.Equal("VTTC0012U", sent["tr_id"]!.GetValue<string>());
        Assert.Equal("00", sent["ORD_DVSN"]!.GetValue<string>());
        Assert.Equal("10", sent["ORD_QTY"]!.GetValue<string>());
        Assert.Equal("73100", sent["ORD_UNPR"]!.GetValue<string>());
        Assert.Equal("01", Simulator.Orders.ElementAt(1)["ORD_DVSN"]!.GetValue<string>()); // market
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneTokenIssuance()
    {
        using KisRestClient client = Client();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAccessTokenAsync(CancellationToken.None)));
        Assert.Equal(1, Simulator.TokensIssued);
    }

    [Fact]
    public async Task ExpiringToken_IsRefreshedBeforeItsEnd()
    {
        Simulator.TokenLifetime = TimeSpan.FromMinutes(30); // inside the one-hour refresh margin
        using KisRestClient client = Client();
        string a = await client.GetAccessTokenAsync(CancellationToken.None);
        string b = await client.GetAccessTokenAsync(CancellationToken.None);
        Assert.NotEqual(a, b);
        Assert.Equal(2, Simulator.TokensIssued);
    }

    [Fact]
    public async Task TokenExpiredAgainAfterARefresh_IsAResultWithTheVenuesCode_NotALoop()
    {
        Simulator.TokenLifetime = TimeSpan.FromMinutes(-1); // the venue considers every token expired at once
        using KisRestClient client = Client();
        KisOrderResult result = await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal("EGW00123", result.MessageCode);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.Equal(2, Simulator.TokensIssued); // the first token, and exactly one refresh
        Assert.Empty(Simulator.Orders); // refused orders never reach the book
    }

    [Fact]
    public async Task ExpiredToken_IsDroppedAndTheCallRetriedOnce_WithAFreshToken()
    {
        using KisRestClient client = Client();
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None)).Accepted);
        Simulator.ExpireTokens();

        KisOrderResult again = await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None);

        Assert.True(again.Accepted);
        Assert.Equal(2, Simulator.TokensIssued);
        Assert.Equal(2, Simulator.OrdersBooked("50000000"));
        Assert.Equal(3, Simulator.OrderRequests); // the refused attempt and its one retry
    }

    [Fact]
    public async Task WrongKeys_AreAnAuthenticationError_NotARetryLoop()
    {
        using KisRestClient client = Client(appKey: "WRONG");
        await Assert.ThrowsAsync<KisAuthenticationException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None));
        Assert.Equal(0, Simulator.TokensIssued);
        Assert.Empty(Simulator.Orders);
    }

    [Fact]
    public void TrIds_FollowSideAndMode()
    {
        Assert.Equal("TTTC0012U", KisRestClient.CashOrderTrId(Side.Buy, realAccount: true));
        Assert.Equal("TTTC0011U", KisRestClient.CashOrderTrId(Side.Sell, realAccount: true));
        Assert.Equal("VTTC0012U", KisRestClient.CashOrderTrId(Side.Buy, realAccount: false));
        Assert.Equal("VTTC0011U", KisRestClient.CashOrderTrId(Side.Sell, realAccount: false));
        Assert.DoesNotContain(KisSimulator.AppSecret, new KisCredentials("k", KisSimulator.AppSecret, "1", "01", true).ToString(), StringComparison.Ordinal);
    }
}

public sealed class KisCancelTests : KisSimulatorFixture
{
    [Fact]
    public async Task Cancel_RemovesTheOpenOrder_AndASecondCancelIsABusinessFailure()
    {
        using var client = NewClient();
        KisOrderResult placed = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 69_000, CancellationToken.None); // below the price: rests
        Assert.True(Simulator.IsOpen(placed.OrderNumber!));

        KisOrderResult canceled = await client.CancelOrderAsync(placed.OrderNumber!, placed.BranchNumber!, CancellationToken.None);
        Assert.True(canceled.Accepted);
        Assert.False(Simulator.IsOpen(placed.OrderNumber!));

        KisOrderResult again = await client.CancelOrderAsync(placed.OrderNumber!, placed.BranchNumber!, CancellationToken.None);
        Assert.False(again.Accepted);
        Assert.Equal("APBK0918", again.MessageCode);
        Assert.Equal(1, Simulator.Cancels);
    }
}

public sealed class KisFaultTests : KisSimulatorFixture
{
    [Theory]
    [InlineData(HttpFault.ServerError, "500", false, 1)] // an HTML error page is not a KIS answer
    [InlineData(HttpFault.RateLimited, "EGW00201", true, 0)] // once the waits for it are spent
    [InlineData(HttpFault.TooManyRequests, "429", true, 0)]
    [InlineData(HttpFault.Malformed, "200", false, 1)]
    public async Task BadAnswers_ThrowVenueTransient_NeverAResult_AndTheNextOrderStillWorks(HttpFault fault, string code, bool rateLimited, int unreadable)
    {
        Simulator.Fault = fault;
        Simulator.FaultEvery = 2; // the 2nd order request is hit
        using var client = NewClient(limits: SimulatorLimits with { RateLimitedRetries = 0 });

        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None)).Accepted);
        VenueTransientException hit = await Assert.ThrowsAsync<VenueTransientException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None));
        Assert.Equal(code, hit.Code);
        Assert.Equal(rateLimited, hit.RateLimited);
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None)).Accepted);

        Assert.Equal(3, Simulator.OrderRequests);
        Assert.Equal(2, Simulator.Orders.Count); // the faulted request never reached the book
        Assert.Equal(2, Simulator.OrdersBooked("50000000"));
        Assert.Equal(unreadable, client.MalformedAnswers);
    }

    [Theory]
    [InlineData("/oauth2/tokenP")]
    [InlineData("/uapi/domestic-stock/v1/trading/order-cash")]
    [InlineData("/uapi/domestic-stock/v1/trading/inquire-daily-ccld")]
    public async Task HtmlErrorPage_OnAnyEndpoint_IsACountedTransientFailure_AndTheNextCallWorks(string path)
    {
        Simulator.AnswerHtml(path, 1);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = NewClient(time: clock);

        VenueTransientException hit = await Assert.ThrowsAsync<VenueTransientException>(async () =>
        {
            await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None);
            await client.GetDailyOrdersAsync(DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        });
        Assert.Equal(path == "/oauth2/tokenP", hit.NotSent); // no token: the order request never went out
        Assert.Equal(1, client.MalformedAnswers);
        clock.Advance(TimeSpan.FromSeconds(2)); // past the token endpoint's window, in which a failed token request is the answer to every caller
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None)).Accepted);
        Assert.Equal(path == "/uapi/domestic-stock/v1/trading/inquire-daily-ccld" ? 2 : 1, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task InvalidAppKey_EGW00103_OnAnOrderCall_IsAnAuthenticationError_NotARefusal()
    {
        using var client = NewClient();
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None)).Accepted);
        Simulator.OrderRefusalCode = KisRestClient.InvalidAppKeyCode;

        KisAuthenticationException ex = await Assert.ThrowsAsync<KisAuthenticationException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 70_000, CancellationToken.None));
        Assert.Contains("EGW00103", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task FaultAfterAccept_BooksTheOrderButLosesTheAnswer_AndTheDailyQueryFindsIt()
    {
        Simulator.LoseAnswersAfterBooking(every: 1);
        using var client = NewClient();

        VenueTransientException lost = await Assert.ThrowsAsync<VenueTransientException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 7, 69_000, CancellationToken.None));
        Assert.False(lost.RateLimited);
        Assert.Equal(1, client.MalformedAnswers);

        Assert.Equal(1, Simulator.OrdersBooked("50000000")); // exactly one: the client did not resend
        KisDailyOrder found = Assert.Single(await client.GetDailyOrdersAsync(DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None));
        Assert.Equal(("005930", Side.Buy, 7L, 7L), (found.Symbol, found.Side, found.OrderedQuantity, found.RemainingQuantity));
    }

    [Fact]
    public async Task Timeout_HangsUntilTheClientGivesUp_AndBooksNothing()
    {
        Simulator.Fault = HttpFault.Timeout;
        Simulator.FaultEvery = 1;
        using var client = NewClient();
        await client.GetAccessTokenAsync(CancellationToken.None);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, giveUp.Token));

        Assert.Equal(1, Simulator.OrderRequests);
        Assert.Equal(0, Simulator.OrdersBooked("50000000"));
    }

    [Fact]
    public async Task PerSecondLimit_IsEGW00201_SurfacedAsRateLimitedOnceTheWaitsAreSpent_AndNothingIsBooked()
    {
        Simulator.RequestsPerSecondLimit = 2;
        Simulator.RateLimitWindow = TimeSpan.FromHours(1); // the window cannot pass during the test
        using var client = NewClient(limits: SimulatorLimits with { RateLimitedRetries = 1, RateLimitedBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None)).Accepted);
        Assert.True((await client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None)).Accepted);
        VenueTransientException limited = await Assert.ThrowsAsync<VenueTransientException>(() => client.PlaceCashOrderAsync("005930", Side.Buy, 1, 0, CancellationToken.None));

        Assert.True(limited.RateLimited);
        Assert.Equal("EGW00201", limited.Code);
        Assert.Equal(2, Simulator.OrdersBooked("50000000"));
        Assert.Equal(0, client.MalformedAnswers);
    }
}

public sealed class KisDailyOrdersTests : KisSimulatorFixture
{
    [Fact]
    public async Task DailyOrders_ShowWhatTheVenueHolds_IncludingCancels()
    {
        using var client = NewClient();
        KisOrderResult buy = await client.PlaceCashOrderAsync("005930", Side.Buy, 10, 69_000, CancellationToken.None); // rests below the price
        Assert.True((await client.PlaceCashOrderAsync("000660", Side.Buy, 4, 0, CancellationToken.None)).Accepted); // market: held at once
        KisOrderResult sell = await client.PlaceCashOrderAsync("000660", Side.Sell, 4, 180_000, CancellationToken.None); // rests above the price
        await client.CancelOrderAsync(sell.OrderNumber!, sell.BranchNumber!, CancellationToken.None);

        IReadOnlyList<KisDailyOrder> day = await client.GetDailyOrdersAsync(DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);

        Assert.Equal(3, day.Count);
        KisDailyOrder first = Assert.Single(day, o => o.OrderNumber == buy.OrderNumber);
        Assert.Equal(("005930", Side.Buy, 10L, 10L, false), (first.Symbol, first.Side, first.OrderedQuantity, first.RemainingQuantity, first.Canceled));
        KisDailyOrder second = Assert.Single(day, o => o.OrderNumber == sell.OrderNumber);
        Assert.Equal((Side.Sell, 0L, true), (second.Side, second.RemainingQuantity, second.Canceled));
    }
}
