using Orchestrator.Adapters.Kis;
using Orchestrator.Adapters.Tests.Venues;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>Amend and cancel through the venue gateway to the KIS simulator (issue 19): order-rvsecncl 01 and 02.</summary>
public sealed class KisAmendTests : KisSimulatorFixture
{
    private static readonly SymbolTable Symbols = new(["005930"]);
    private static readonly long P69000 = FixedPoint.FromDecimal(69_000m);
    private static readonly long P69500 = FixedPoint.FromDecimal(69_500m);

    [Fact]
    public async Task Amend_RevisesWithCode01_TheNewOrderNumberCarriesTheOrder_AndIsKept()
    {
        await using var rig = new VenueAmendRig(new KisVenueClient(NewClient()), Symbols);
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, P69000);
        await rig.WaitFor(1, ExecutionType.Accepted);
        Assert.True(rig.Log.TryGet(1, out string original));

        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 10, P69500);
        await rig.WaitFor(1, ExecutionType.Replaced);

        ExecutionReport replaced = rig.Last(1, ExecutionType.Replaced);
        Assert.Equal((10L, P69500, 10L), (replaced.Quantity, replaced.LimitRaw, replaced.LeavesQuantity));
        Assert.True(rig.Log.TryGet(1, out string revised));
        Assert.NotEqual(original, revised); // KIS books the revision under a new order number
        Assert.False(Simulator.IsOpen(original));
        Assert.True(Simulator.IsOpen(revised));

        rig.Send(OrderCommandKind.CancelOrder, 1, Side.Buy, OrderType.Limit, 10, P69500);
        await rig.WaitFor(1, ExecutionType.Canceled); // the cancel goes to the revised order, and its end is the engine order's
        Assert.False(Simulator.IsOpen(revised));
        Assert.Equal(0, rig.Gateway.UnexplainedVenueOrders); // the replaced order is not taken for a foreign one
    }

    [Fact]
    public async Task Amend_BeyondTheOpenQuantity_IsRefusedByKis_AndTheOrderStands()
    {
        await using var rig = new VenueAmendRig(new KisVenueClient(NewClient()), Symbols);
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, P69000);
        await rig.WaitFor(1, ExecutionType.Accepted);
        Assert.True(rig.Log.TryGet(1, out string original));

        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 20, P69000); // KIS revises the open remainder, never more
        await rig.WaitFor(1, ExecutionType.AmendRejected);

        Assert.Equal(RejectReason.BrokerRejected, rig.Last(1, ExecutionType.AmendRejected).Reject);
        Assert.True(Simulator.IsOpen(original));
        Assert.DoesNotContain(rig.Reports.For(1), r => r.ExecType is ExecutionType.Canceled or ExecutionType.Replaced);
    }

    [Fact]
    public async Task CancelAndAmendInFlightAtACrash_AreSentAgainAfterRecovery()
    {
        var client = new KisVenueClient(NewClient());
        await using var rig = new VenueAmendRig(client, Symbols);
        var first = new VenueOrderRequest(1, "005930", 0, Side.Buy, OrderType.Limit, TimeInForce.Day, 10, P69000, 0);
        var second = new VenueOrderRequest(2, "005930", 0, Side.Buy, OrderType.Limit, TimeInForce.Day, 5, P69000, 0);
        VenuePlaceResult a = await client.PlaceAsync(first, CancellationToken.None); // placed by the run that crashed
        VenuePlaceResult b = await client.PlaceAsync(second, CancellationToken.None);
        rig.Log.Append(1, a.VenueOrderId!);
        rig.Log.Append(2, b.VenueOrderId!);

        rig.Gateway.Recover(
        [
            new RecoveredOrder(first, OrderStatus.Accepted, 0, 0) { CancelPending = true },
            new RecoveredOrder(second, OrderStatus.Accepted, 0, 0) { AmendQuantity = 5, AmendLimitRaw = P69500 },
        ]);
        rig.Gateway.Start();
        await rig.WaitFor(1, ExecutionType.Canceled);
        await rig.WaitFor(2, ExecutionType.Replaced);

        Assert.False(Simulator.IsOpen(a.VenueOrderId!));
        Assert.Equal(P69500, rig.Last(2, ExecutionType.Replaced).LimitRaw);
    }

    [Fact]
    public async Task RevisionFromTheRunBefore_CanceledAfterARestart_EndsTheEngineOrder()
    {
        var before = new KisVenueClient(NewClient()); // the run that revised, then stopped
        var order = new VenueOrderRequest(1, "005930", 0, Side.Buy, OrderType.Limit, TimeInForce.Day, 10, P69000, 0);
        VenuePlaceResult placed = await before.PlaceAsync(order, CancellationToken.None);
        VenueOrderRequest revised = order with { LimitPriceRaw = P69500 };
        VenuePlaceResult revision = await before.AmendAsync(revised, placed.VenueOrderId!, 0, CancellationToken.None);
        Assert.True(revision.Accepted);
        before.Dispose();

        var after = new KisVenueClient(NewClient()); // the next run: a new client, the order log kept
        await after.InitializeAsync(CancellationToken.None); // as the daemon does at start-up: the day's list read once
        await using var rig = new VenueAmendRig(after, Symbols);
        rig.Log.Append(1, placed.VenueOrderId!);
        rig.Log.Append(1, revision.VenueOrderId!);
        rig.Gateway.Recover([new RecoveredOrder(revised, OrderStatus.Accepted, 0, 0)]);
        rig.Gateway.Start();

        rig.Send(OrderCommandKind.CancelOrder, 1, Side.Buy, OrderType.Limit, 10, P69500);
        await rig.WaitFor(1, ExecutionType.Canceled); // the canceled revision is still found in the day's list

        Assert.False(Simulator.IsOpen(revision.VenueOrderId!));
        Assert.Equal(0, rig.Gateway.UnexplainedVenueOrders);
    }

    [Fact]
    public async Task AmendOfAUsOrder_RevisesThroughTheOverseasEndpoint_AndTheRevisionCarriesIt()
    {
        Simulator.SetOverseasPrice("AAPL", 100m);
        var client = new KisVenueClient(NewClient(), overseas: new KisOverseasOptions { Symbols = ["AAPL"] });
        await using var rig = new VenueAmendRig(client, new SymbolTable(["AAPL"]));
        rig.Gateway.Start();
        rig.Send(OrderCommandKind.SubmitOrder, 1, Side.Buy, OrderType.Limit, 10, FixedPoint.FromDecimal(95m));
        await rig.WaitFor(1, ExecutionType.Accepted);
        Assert.True(rig.Log.TryGet(1, out string original));

        long p96 = FixedPoint.FromDecimal(96.125m); // a buy's limit goes in cents, rounded down: 96.12
        rig.Send(OrderCommandKind.AmendOrder, 1, Side.Buy, OrderType.Limit, 8, p96);
        await rig.WaitFor(1, ExecutionType.Replaced);

        Assert.Equal((8L, p96, 8L), (rig.Last(1, ExecutionType.Replaced).Quantity, rig.Last(1, ExecutionType.Replaced).LimitRaw, rig.Last(1, ExecutionType.Replaced).LeavesQuantity));
        Assert.True(rig.Log.TryGet(1, out string revised));
        Assert.NotEqual(original, revised);
        Assert.False(Simulator.IsOpen(original));
        Assert.True(Simulator.IsOpen(revised));

        Simulator.SetOverseasPrice("AAPL", 96.12m); // at the revised limit: the revision fills as the engine's order
        await rig.WaitFor(1, ExecutionType.Fill);
        Assert.Equal(8, rig.Reports.For(1).Where(r => r.ExecType is ExecutionType.Fill or ExecutionType.PartialFill).Sum(r => r.FillQuantity));
        Assert.Equal(0, rig.Gateway.UnexplainedVenueOrders);
    }
}
