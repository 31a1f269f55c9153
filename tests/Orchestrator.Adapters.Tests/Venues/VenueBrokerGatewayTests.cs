using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>The gateway's decisions: retry only what is transient, look before resending, doubt, cumulative fills.</summary>
public sealed class VenueBrokerGatewayTests : IAsyncLifetime
{
    private static readonly SymbolTable Symbols = new(["005930", "000660"]);
    private readonly ScriptedVenue _venue = new();
    private readonly ReportCollector _reports = new();
    private VenueBrokerGateway _gateway = null!;

    private static VenueGatewayOptions FastOptions => new()
    {
        Backoff = TimeSpan.FromMilliseconds(1),
        RateLimitedBackoff = TimeSpan.FromMilliseconds(2),
        PollInterval = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromMilliseconds(300),
        RequestsPerSecond = 1_000,
        UnknownGrace = TimeSpan.FromMilliseconds(200),
        BreakerMinimumThroughput = 1_000, // the breaker has its own test
    };

    public Task InitializeAsync()
    {
        Start(FastOptions);
        return Task.CompletedTask;
    }

    private void Start(VenueGatewayOptions options, TimeProvider? time = null)
    {
        _gateway = new VenueBrokerGateway(_venue, Symbols, _reports, options, time: time);
        _gateway.Start();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private void Submit(long clientOrderId, long quantity = 100, int symbolId = 0, Side side = Side.Buy)
    {
        var command = new OrderCommand { Kind = OrderCommandKind.SubmitOrder, ClientOrderId = clientOrderId, SymbolId = symbolId, Side = side, Quantity = quantity };
        _gateway.OnEvent(ref command, 0, true);
    }

    private void Cancel(long clientOrderId)
    {
        var command = new OrderCommand { Kind = OrderCommandKind.CancelOrder, ClientOrderId = clientOrderId };
        _gateway.OnEvent(ref command, 0, true);
    }

    private Task WaitFor(long id, ExecutionType type) => _reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == id && x.ExecType == type));

    [Fact]
    public async Task TakenOrder_IsAccepted_ThenItsFillsArriveOnceEach_AtTheirOwnPrices()
    {
        Submit(1);
        await WaitFor(1, ExecutionType.Accepted);
        string venueId = _venue.OrderFor(1).VenueOrderId;

        _venue.Fill(venueId, 30, 70_000m);
        await _reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == 1 && x.ExecType == ExecutionType.PartialFill));
        _venue.Fill(venueId, 70, 70_100m);
        await WaitFor(1, ExecutionType.Fill);

        // The same cumulative state again (a push after the poll) changes nothing.
        _gateway.OnVenueOrderUpdate(_venue.Order(venueId));
        _gateway.RequestRefresh();
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10));

        ExecutionReport[] fills = [.. _reports.For(1).Where(r => r.FillQuantity > 0)];
        Assert.Equal(2, fills.Length);
        Assert.Equal((30, FixedPoint.FromDecimal(70_000m), 70L), (fills[0].FillQuantity, fills[0].FillPriceRaw, fills[0].LeavesQuantity));
        Assert.Equal((70, FixedPoint.FromDecimal(70_100m), 0L), (fills[1].FillQuantity, fills[1].FillPriceRaw, fills[1].LeavesQuantity));
        Assert.Equal(ExecutionType.Fill, fills[1].ExecType);
        Assert.Equal(1, _venue.PlaceCalls);
    }

    [Fact]
    public async Task OrderBookedButAnswerLost_IsFoundBeforeAnyRetry_AndNeverSentTwice()
    {
        _venue.Script(PlaceBehaviour.BookThenFail);
        Submit(2);
        await WaitFor(2, ExecutionType.Accepted);

        Assert.Equal(1, _venue.BookedOrders);
        Assert.Equal(1, _venue.PlaceCalls);
        Assert.Equal(1, _gateway.FoundBeforeRetry);
    }

    [Fact]
    public async Task AnswerLostInATimeout_IsFoundBeforeAnyRetry()
    {
        _venue.Script(PlaceBehaviour.BookThenHang);
        Submit(3);
        await WaitFor(3, ExecutionType.Accepted); // the poll may see it at the venue before the attempt times out
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10)); // the timed-out attempt is followed by a lookup, not a resend

        Assert.Equal(1, _venue.BookedOrders);
        Assert.Equal(1, _venue.PlaceCalls);
        Assert.Equal(1, _gateway.FoundBeforeRetry);
        Assert.Single(_reports.For(3), r => r.ExecType == ExecutionType.Accepted);
    }

    [Fact]
    public async Task RefusedForLoadBeforeTheBook_IsRetried_AndPlacedExactlyOnce()
    {
        _venue.Script(PlaceBehaviour.RateLimited, PlaceBehaviour.RateLimited); // 429 / EGW00201: the venue did not take it
        Submit(4);
        await WaitFor(4, ExecutionType.Accepted);

        Assert.Equal(3, _venue.PlaceCalls);
        Assert.Equal(1, _venue.BookedOrders);
        Assert.Equal(2, _gateway.Retries);
    }

    [Fact]
    public async Task BusinessReject_IsReportedOnce_AndNeverRetried()
    {
        _venue.Script(PlaceBehaviour.Refuse);
        Submit(5);
        await WaitFor(5, ExecutionType.Rejected);

        Assert.Equal(1, _venue.PlaceCalls);
        Assert.Equal(0, _gateway.Retries);
        Assert.Equal(RejectReason.BrokerRejected, _reports.For(5).Single().Reject);
    }

    [Fact]
    public async Task RetriesSpentAfterSending_PutTheOrderInDoubt_ThenTheVenueRecordSettlesIt()
    {
        // Booked on the first try, but the venue cannot be asked (lookups fail) and answers fail:
        // the gateway must not resend; the order goes Unknown until the venue shows it.
        _venue.FindFails = true;
        _venue.ListFails = true;
        _venue.Script(PlaceBehaviour.BookThenFail);
        Submit(6);
        await WaitFor(6, ExecutionType.Unknown);
        Assert.Equal(1, _venue.PlaceCalls);
        Assert.Equal(1, _gateway.UnknownOrders);

        _venue.Fill(_venue.OrderFor(6).VenueOrderId, 100, 71_000m);
        _venue.FindFails = false;
        _venue.ListFails = false;
        await WaitFor(6, ExecutionType.Fill);

        ExecutionType[] sequence = [.. _reports.For(6).Select(r => r.ExecType)];
        Assert.Equal([ExecutionType.Unknown, ExecutionType.Accepted, ExecutionType.Fill], sequence);
        Assert.Equal(1, _venue.BookedOrders);
    }

    [Fact]
    public async Task OrderTheVenueShowsWhileRetrying_IsNeverReportedInDoubtAfterItsAcceptance()
    {
        // Lookups by order fail, but the order list works: the poll may adopt the order while the
        // placement is still retrying. Whichever comes first, Unknown must never follow Accepted.
        _venue.FindFails = true;
        _venue.Script(PlaceBehaviour.BookThenFail, PlaceBehaviour.Fail, PlaceBehaviour.Fail, PlaceBehaviour.Fail);
        Submit(12);
        await WaitFor(12, ExecutionType.Accepted);
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10));

        ExecutionType[] sequence = [.. _reports.For(12).Select(r => r.ExecType)];
        int accepted = Array.IndexOf(sequence, ExecutionType.Accepted);
        int unknown = Array.IndexOf(sequence, ExecutionType.Unknown);
        Assert.True(unknown < accepted, string.Join(", ", sequence));
        Assert.Equal(1, _venue.BookedOrders);
    }

    [Fact]
    public async Task OrderInDoubtThatNeverReachedTheVenue_IsDeclaredNeverPlaced_AfterTheGrace()
    {
        _venue.Script(PlaceBehaviour.Fail, PlaceBehaviour.Fail, PlaceBehaviour.Fail, PlaceBehaviour.Fail);
        Submit(7);
        await WaitFor(7, ExecutionType.Rejected);

        Assert.Equal([ExecutionType.Unknown, ExecutionType.Rejected], _reports.For(7).Select(r => r.ExecType));
        Assert.Equal(RejectReason.NeverPlaced, _reports.For(7)[^1].Reject);
        Assert.Equal(0, _venue.BookedOrders);
        Assert.Equal(1, _venue.PlaceCalls); // sent once: the retries only look, the first request may still land (issue 15 item 6)
    }

    [Fact]
    public async Task CancelWhilePlacementResolves_IsSentOnceTheVenueIdIsKnown()
    {
        _venue.Script(PlaceBehaviour.RateLimited); // turned away for load: resent, and the cancel waits for the venue id
        Submit(8);
        Cancel(8);
        await WaitFor(8, ExecutionType.Canceled);

        Assert.Equal(1, _venue.CancelCalls);
        Assert.Equal(VenueOrderStatus.Canceled, _venue.OrderFor(8).Status);
        Assert.Equal([ExecutionType.Accepted, ExecutionType.Canceled], _reports.For(8).Select(r => r.ExecType));
    }

    [Fact]
    public async Task CancelTakenWhileItsOrderIsStillBeingTakenUp_IsNotLost()
    {
        // Two workers: one takes the order and is held (by the clock) before it has done anything with
        // it; another takes the cancel right behind it. The cancel must wait for the order, not be
        // dropped as a cancel of an order the gateway never placed (seen once in CI under load).
        await _gateway.DisposeAsync();
        using var clock = new PlacementHoldingClock();
        Start(FastOptions with { Concurrency = 2 }, clock);
        Submit(13);
        Cancel(13);
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await SignalGateway.SignalGatewayTests.WaitUntilAsync(() => _gateway.CancelRequests == 1, guard.Token);
        }

        clock.Release();
        await WaitFor(13, ExecutionType.Accepted);
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10)); // the placement's worker sends the cancel; the last read sees it

        Assert.Equal(1, _venue.CancelCalls);
        Assert.Equal(VenueOrderStatus.Canceled, _venue.OrderFor(13).Status);
        Assert.Equal([ExecutionType.Accepted, ExecutionType.Canceled], _reports.For(13).Select(r => r.ExecType));
    }

    [Fact]
    public async Task OurOrderListedFilledWhileItsAnswerIsBeingTakenUp_IsNoForeignFill()
    {
        // Seen once in the crash suite under load: the poll listed our order, filled, just after it took
        // its venue id and before the id found it; KIS lists no client id, so the fill was judged foreign
        // and trading paused on our own order. The listing is played into that window here.
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10)); // a complete read first: later fills are the run's
        var incidents = new List<VenueIncident>();
        _gateway.Incident += incidents.Add;
        int listed = 0;
        _gateway.AdoptingHook = venueId =>
        {
            VenueOrderState booked = _venue.OrderFor(14);
            _gateway.OnVenueOrderUpdate(new VenueOrderState(venueId, null, booked.Symbol, booked.Side, booked.Quantity, booked.Quantity, 70_000m, VenueOrderStatus.Filled));
            listed++;
        };
        Submit(14);
        await WaitFor(14, ExecutionType.Accepted);
        _venue.Fill(_venue.OrderFor(14).VenueOrderId, 100, 70_000m);
        await WaitFor(14, ExecutionType.Fill); // the next read applies the fill to the order: nothing lost

        Assert.Equal(1, listed);
        Assert.DoesNotContain(incidents, i => i.Kind == VenueIncidentKind.ForeignFill);
        Assert.Equal(0, _gateway.UnexplainedVenueOrders);
    }

    [Fact]
    public async Task CancelAfterAPartialFill_ReportsTheFillThenTheCancel()
    {
        Submit(9);
        await WaitFor(9, ExecutionType.Accepted);
        _venue.Fill(_venue.OrderFor(9).VenueOrderId, 40, 69_900m);
        await _reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == 9 && x.ExecType == ExecutionType.PartialFill));
        Cancel(9);
        await WaitFor(9, ExecutionType.Canceled);

        Assert.Equal([ExecutionType.Accepted, ExecutionType.PartialFill, ExecutionType.Canceled], _reports.For(9).Select(r => r.ExecType));
    }

    [Fact]
    public async Task VenueOrdersThatBelongToNoOrder_AreFlagged()
    {
        _gateway.OnVenueOrderUpdate(new VenueOrderState("9999999999", null, "005930", Side.Buy, 10, 0, 0m, VenueOrderStatus.Open));
        _gateway.OnVenueOrderUpdate(new VenueOrderState("9999999999", null, "005930", Side.Buy, 10, 0, 0m, VenueOrderStatus.Open));
        await _gateway.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _gateway.UnexplainedVenueOrders);
        Assert.Empty(_reports.Reports);
    }

    [Fact]
    public async Task TooManyRequests_IsBackPressure_RetriedLater_AndNeverOpensTheCircuit()
    {
        await _gateway.DisposeAsync();
        Start(FastOptions with { BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakDuration = TimeSpan.FromMinutes(5), MaxRetries = 3 });
        _venue.Script(PlaceBehaviour.RateLimited, PlaceBehaviour.RateLimited, PlaceBehaviour.RateLimited);
        Submit(12);
        await WaitFor(12, ExecutionType.Accepted);

        Assert.Equal(0, _gateway.CircuitOpenings); // EGW00201 three times in a row: the venue works, it asked us to slow down
        Assert.Equal(1, _venue.BookedOrders);
    }

    [Fact]
    public async Task OpenCircuit_RejectsOrdersThatWereNeverSent()
    {
        await _gateway.DisposeAsync();
        Start(FastOptions with { BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakDuration = TimeSpan.FromMinutes(5), MaxRetries = 1 });
        _venue.FindFails = true; // every call fails: the placement, and the lookup its retry makes instead of resending
        _venue.ListFails = true;
        _venue.Script(PlaceBehaviour.Fail, PlaceBehaviour.Fail);
        Submit(10);
        await _reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == 10 && x.ExecType is ExecutionType.Unknown or ExecutionType.Rejected));
        Assert.True(_gateway.CircuitOpenings >= 1);

        int calls = _venue.PlaceCalls;
        Submit(11);
        await WaitFor(11, ExecutionType.Rejected);
        Assert.Equal(calls, _venue.PlaceCalls); // nothing went out while the circuit was open
        Assert.Equal([ExecutionType.Rejected], _reports.For(11).Select(r => r.ExecType));
    }
}
