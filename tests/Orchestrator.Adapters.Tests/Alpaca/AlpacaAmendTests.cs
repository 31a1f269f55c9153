using Orchestrator.Adapters.Tests.Venues;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>Amend and cancel through the venue gateway to the Alpaca simulator (issue 19): PATCH and DELETE /v2/orders/{id}.</summary>
public sealed class AlpacaAmendTests : AlpacaSimulatorFixture
{
    private static readonly SymbolTable Symbols = new(["AAPL"]);
    private static readonly long P95 = FixedPoint.FromDecimal(95m);
    private static readonly long P96 = FixedPoint.FromDecimal(96m);

    [Fact]
    public async Task Amend_ReplacesTheOrder_TheNewIdCarriesIt_AndItsFillsAreTheEngineOrders()
    {
        await using var rig = new VenueAmendRig(NewClient(), Symbols);
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, P95);
        await rig.WaitFor(1, ExecutionType.Accepted);
        Assert.True(rig.Log.TryGet(1, out string original));

        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 12, P96);
        await rig.WaitFor(1, ExecutionType.Replaced);
        ExecutionReport replaced = rig.Last(1, ExecutionType.Replaced);
        Assert.Equal((12L, P96, 12L), (replaced.Quantity, replaced.LimitRaw, replaced.LeavesQuantity));
        Assert.True(rig.Log.TryGet(1, out string replacement));
        Assert.NotEqual(original, replacement);
        Assert.Equal(1, Simulator.ReplaceRequests);

        await Simulator.SetPrice("AAPL", 95.5m); // through the new limit: the replacement fills
        await rig.WaitFor(1, ExecutionType.Fill);
        Assert.Equal(12, rig.Reports.For(1).Where(r => r.ExecType is ExecutionType.Fill or ExecutionType.PartialFill).Sum(r => r.FillQuantity));
        Assert.DoesNotContain(rig.Reports.For(1), r => r.ExecType == ExecutionType.Canceled); // "replaced" is not the engine order's end
        Assert.Equal(0, rig.Gateway.UnexplainedVenueOrders);
    }

    [Fact]
    public async Task Amend_WhoseAnswerWasLost_FollowsReplacedBy_AndIsReplacedOnce()
    {
        await using var rig = new VenueAmendRig(NewClient(), Symbols);
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, P95);
        await rig.WaitFor(1, ExecutionType.Accepted);
        Assert.True(rig.Log.TryGet(1, out string original));
        Simulator.LoseReplaceAnswers = 1; // Alpaca replaces the order, the answer never arrives

        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 12, P96);
        await rig.WaitFor(1, ExecutionType.Replaced);
        Assert.DoesNotContain(rig.Reports.For(1), r => r.ExecType == ExecutionType.AmendRejected); // the re-send found the amend done
        Assert.True(Simulator.ReplaceRequests >= 2); // the lost one and the re-send
        Assert.True(rig.Log.TryGet(1, out string replacement));
        Assert.NotEqual(original, replacement);
        Assert.Equal(2, Simulator.OrderCount); // the original (replaced) and one replacement: never replaced twice

        await Simulator.SetPrice("AAPL", 95.5m); // through the new limit: the replacement fills as the engine's order
        await rig.WaitFor(1, ExecutionType.Fill);
        Assert.Equal(12, rig.Reports.For(1).Where(r => r.ExecType is ExecutionType.Fill or ExecutionType.PartialFill).Sum(r => r.FillQuantity));
    }

    [Fact]
    public async Task Amend_AlpacaRefuses_IsAmendRejected_AndTheOrderStands()
    {
        await using var rig = new VenueAmendRig(NewClient(), Symbols);
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, P95);
        await rig.WaitFor(1, ExecutionType.Accepted);

        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 10_000_000, P95); // 403 insufficient buying power
        await rig.WaitFor(1, ExecutionType.AmendRejected);

        rig.Send(OrderCommandKind.CancelOrder, 1, Side.Buy, OrderType.Limit, 10, P95);
        await rig.WaitFor(1, ExecutionType.Canceled);
        Assert.DoesNotContain(rig.Reports.For(1), r => r.ExecType == ExecutionType.Replaced);
    }

    [Fact]
    public async Task CancelInFlightAtACrash_IsSentAgainAfterRecovery()
    {
        var client = NewClient();
        await using var rig = new VenueAmendRig(client, Symbols);
        var order = new VenueOrderRequest(1, "AAPL", 0, Side.Buy, OrderType.Limit, TimeInForce.Day, 10, P95, 0);
        VenuePlaceResult placed = await client.PlaceAsync(order, CancellationToken.None); // placed by the run that crashed
        rig.Log.Append(1, placed.VenueOrderId!);

        rig.Gateway.Recover([new RecoveredOrder(order, OrderStatus.Accepted, 0, 0) { CancelPending = true }]);
        rig.Gateway.Start();
        await rig.WaitFor(1, ExecutionType.Canceled);

        VenueOrderState? state = await client.FindAsync(order, new HashSet<string>(), CancellationToken.None);
        Assert.Equal(VenueOrderStatus.Canceled, state?.Status);
    }
}
