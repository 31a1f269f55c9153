using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

public sealed class ProtectiveExitTests
{
    private const int Aapl = 0;
    private const long T0 = EngineHarness.T0;

    private static EngineHarness WithExits(decimal stopLoss, decimal takeProfit, decimal trailing) => WithExits(stopLoss, takeProfit, trailing, 100m);

    private static EngineHarness WithExits(decimal stopLoss, decimal takeProfit, decimal trailing, decimal entry)
    {
        EngineOptions options = EngineHarness.DefaultOptions() with
        {
            Exits = new ExitOptions { StopLossFraction = stopLoss, TakeProfitFraction = takeProfit, TrailingStopFraction = trailing },
        };
        var h = new EngineHarness(options);
        h.Trade(Aapl, entry);
        h.Open(Aapl, Side.Buy, entry); // long (10 @ 100 by default)
        h.TakeOrders();
        return h;
    }

    [Fact]
    public void StopLoss_TriggersAtTheThreshold_NotBefore()
    {
        var h = WithExits(0.02m, 0m, 0m);
        Assert.False(h.Trade(Aapl, 98.01m, T0 + 1).HasIntent);
        EngineEvent e = h.Trade(Aapl, 98m, T0 + 2);
        Assert.Equal(IntentOrigin.StopLoss, e.Origin);
        Assert.Equal(Side.Sell, e.IntentSide);
        Assert.True(e.ReduceOnly);
        OrderCommand exit = Assert.Single(h.TakeOrders());
        Assert.Equal(10, exit.Quantity);
        Assert.Equal(Side.Sell, exit.Side);
        Assert.Equal(IntentOrigin.StopLoss, exit.Origin);
    }

    /// <summary>
    /// The thresholds compare exact integer products: in 64-bit arithmetic while prices are below 2^31 raw (2,147.483648),
    /// in 128-bit above (a 5,000 stock). Both fire exactly at the threshold and not a micro-unit before.
    /// </summary>
    [Theory]
    [InlineData(100)]
    [InlineData(2147)]
    [InlineData(5000)]
    public void EveryExit_TriggersExactlyAtItsThreshold_BelowAndAbove2To31Raw(int level)
    {
        decimal entry = level;
        var h = WithExits(0.02m, 0m, 0m, entry);
        Assert.False(h.Trade(Aapl, (entry * 0.98m) + 0.000001m, T0 + 1).HasIntent);
        Assert.Equal(IntentOrigin.StopLoss, h.Trade(Aapl, entry * 0.98m, T0 + 2).Origin);

        h = WithExits(0m, 0.04m, 0m, entry);
        Assert.False(h.Trade(Aapl, (entry * 1.04m) - 0.000001m, T0 + 1).HasIntent);
        Assert.Equal(IntentOrigin.TakeProfit, h.Trade(Aapl, entry * 1.04m, T0 + 2).Origin);

        h = WithExits(0m, 0m, 0.03m, entry);
        h.Trade(Aapl, entry * 1.1m, T0 + 1); // the peak
        Assert.False(h.Trade(Aapl, (entry * 1.1m * 0.97m) + 0.000001m, T0 + 2).HasIntent);
        Assert.Equal(IntentOrigin.TrailingStop, h.Trade(Aapl, entry * 1.1m * 0.97m, T0 + 3).Origin);
    }

    [Fact]
    public void TakeProfit_TriggersAtTheThreshold()
    {
        var h = WithExits(0m, 0.04m, 0m);
        Assert.False(h.Trade(Aapl, 103.99m, T0 + 1).HasIntent);
        Assert.Equal(IntentOrigin.TakeProfit, h.Trade(Aapl, 104m, T0 + 2).Origin);
    }

    [Fact]
    public void TrailingStop_FollowsTheBestPriceSinceEntry()
    {
        var h = WithExits(0m, 0m, 0.03m);
        h.Trade(Aapl, 110m, T0 + 1); // peak 110, trigger at 106.70
        Assert.False(h.Trade(Aapl, 106.71m, T0 + 2).HasIntent);
        Assert.Equal(IntentOrigin.TrailingStop, h.Trade(Aapl, 106.70m, T0 + 3).Origin);
    }

    [Fact]
    public void Exit_IsNotRepeatedWhileOneIsWorking()
    {
        var h = WithExits(0.02m, 0m, 0m);
        Assert.Equal(IntentOrigin.StopLoss, h.Trade(Aapl, 97m, T0 + 1).Origin);
        Assert.False(h.Trade(Aapl, 96m, T0 + 2).HasIntent);
        Assert.Single(h.TakeOrders());
    }

    [Fact]
    public void Exit_PassesEvenWhenTheKillSwitchBlocksNewRisk()
    {
        var h = WithExits(0.02m, 0m, 0m);
        h.Command(CommandKind.EngageKillSwitch, T0 + 1);
        h.TakeOrders(); // the kill switch's cancels (none open)
        EngineEvent e = h.Trade(Aapl, 97m, T0 + 2);
        Assert.Equal(RejectReason.None, e.Reject);
        Assert.Single(h.TakeOrders());
    }
}

public sealed class KillSwitchTests
{
    private const long T0 = EngineHarness.T0;

    [Fact]
    public void KillSwitch_CancelsOpenOrders_BlocksNewOnes_AndWithFlattenClosesPositions()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Trade(1, 50m);
        h.Open(0, Side.Buy, 100m);                         // long 10 AAPL
        long working = h.Signal(1, Side.Buy, tsNs: T0 + 1).ClientOrderId; // open, unfilled
        h.TakeOrders();

        h.Command(CommandKind.EngageKillSwitch, T0 + 2, arg: Handlers.OrderManagerHandler.KillSwitchFlatten);
        List<OrderCommand> sent = h.TakeOrders();
        Assert.Equal(2, sent.Count);
        Assert.Equal(OrderCommandKind.CancelOrder, sent[0].Kind);
        Assert.Equal(working, sent[0].ClientOrderId);
        Assert.Equal(OrderCommandKind.SubmitOrder, sent[1].Kind);
        Assert.Equal(Side.Sell, sent[1].Side);
        Assert.Equal(10, sent[1].Quantity);
        Assert.Equal(IntentOrigin.Operator, sent[1].Origin);

        Assert.Equal(RejectReason.KillSwitch, h.Signal(1, Side.Buy, tsNs: T0 + 3).Reject);
        h.Command(CommandKind.ReleaseKillSwitch, T0 + 4);
        Assert.Equal(RejectReason.None, h.Signal(1, Side.Buy, tsNs: T0 + 5).Reject);
    }

    [Fact]
    public void KillSwitch_WithoutFlatten_LeavesPositions()
    {
        var h = new EngineHarness();
        h.Trade(0, 100m);
        h.Open(0, Side.Buy, 100m);
        h.TakeOrders();
        h.Command(CommandKind.EngageKillSwitch, T0 + 1);
        Assert.Empty(h.TakeOrders());
        Assert.Equal(10, h.Engine.Portfolio.Quantity(0));
    }
}

