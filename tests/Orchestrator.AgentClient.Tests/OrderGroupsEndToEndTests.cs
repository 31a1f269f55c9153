using System.Globalization;
using Orchestrator.Core;
using Orchestrator.Daemon;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Daemon.Tests;
using Orchestrator.Engine.State;

namespace Orchestrator.AgentClient.Tests;

/// <summary>
/// Issue 19 end to end: an agent's signals over the real gateway into the real engine and paper venue —
/// a bracket entry whose stop-loss the order manager places at the venue once it fills, and an agent
/// amending and canceling its own resting order (another agent may not).
/// </summary>
public sealed class OrderGroupsEndToEndTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ABracketEntryFills_ItsStopLossRestsAtTheVenue_AndTheAgentAmendsThenCancelsItsOwnOrder_NotAnothers()
    {
        SessionOptions options = DaemonCli.BuildOptions(7, 1_000, Engine.Ring.WaitStrategyKind.Blocking);
        options = options with
        {
            Gateway = new Adapters.SignalGateway.GatewayOptions { Port = 0 },
            Engine = options.Engine with { Rules = new Engine.Options.RuleOptions { MomentumEnabled = false, RsiReversionEnabled = false } }, // only the agents trade
        };
        using var session = new TradingSession(options);
        session.Start("order-groups-end-to-end-test");
        int aapl = session.Engine.Symbols.GetId("AAPL");
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AgentClient(new AgentClientOptions { Name = "bracket_agent", Port = session.SignalGateway!.Port, Symbols = ["AAPL"], Bars = ["1m"], InitialBackoff = TimeSpan.FromMilliseconds(50) });
        client.OnBar = _ => { connected.TrySetResult(); return ValueTask.CompletedTask; };
        using var stop = new CancellationTokenSource();
        Task run = client.RunAsync(stop.Token);
        await connected.Task.WaitAsync(s_hang);
        var copy = new SnapshotCopy();

        // A market entry of 2 with a take-profit 4 % above and a stop-loss 2 % below its average fill.
        SignalTicket entry = await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, Quantity = 2, TakeProfitPct = 4m, StopLossPct = 2m });
        SignalOutcome entered = await entry.Outcome.WaitAsync(s_hang);
        Assert.True(entered.Ordered, entered.Reason ?? entered.Error);
        // The stop-loss rests at the venue for the whole entry: the position is protected at the venue itself,
        // also while the daemon is down. (The paper venue, like KIS and Alpaca, refuses a second sell of shares
        // an order already holds, so the engine holds the take-profit until the market reaches it — README
        // "Order groups".)
        await Waits.UntilAsync(() => Read(session, copy) && Exits(copy, aapl).Any(o => o.Origin == IntentOrigin.StopLoss), "the entry's stop-loss resting at the venue", s_hang);
        SnapshotOrder stopLoss = Assert.Single(Exits(copy, aapl), o => o.Origin == IntentOrigin.StopLoss);
        Assert.Equal(2, copy.Quantity[aapl]);
        Assert.Equal((Side.Sell, 2L, 0L), (stopLoss.Side, stopLoss.Quantity, stopLoss.LimitRaw)); // a stop for the whole position, no limit

        // A buy limit 8 % below the market rests; the agent moves it to 7 % below, then cancels it.
        long last = copy.LastRaw[aapl];
        decimal low = FixedPoint.ToDecimal(last * 92 / 100), higher = FixedPoint.ToDecimal(last * 93 / 100);
        low = decimal.Round(low, 2);
        higher = decimal.Round(higher, 2);
        SignalOutcome rested = await (await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, Quantity = 1, LimitPrice = low, Tif = SignalTimeInForce.Gtc })).Outcome.WaitAsync(s_hang);
        Assert.True(rested.Ordered, rested.Reason ?? rested.Error);
        long orderId = long.Parse(rested.OrderId!, CultureInfo.InvariantCulture);

        SignalOutcome amended = await (await client.SubmitSignalAsync(AgentSignal.Amend("AAPL", rested.OrderId!, limitPrice: higher))).Outcome.WaitAsync(s_hang);
        Assert.NotEqual("risk_rejected", amended.Status);
        await Waits.UntilAsync(() => Read(session, copy) && Open(copy, orderId) is { } o && o.LimitRaw == FixedPoint.FromDecimal(higher), "the venue's Replaced moving the order's limit", s_hang);

        // Someone else's order cannot be touched: another agent's cancel of it is refused, the order stays.
        await using (var other = new AgentClient(new AgentClientOptions { Name = "other_agent", Port = session.SignalGateway.Port, Symbols = ["AAPL"], Bars = ["1m"], InitialBackoff = TimeSpan.FromMilliseconds(50) }))
        {
            var otherConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            other.OnBar = _ => { otherConnected.TrySetResult(); return ValueTask.CompletedTask; };
            using var otherStop = new CancellationTokenSource();
            Task otherRun = other.RunAsync(otherStop.Token);
            await otherConnected.Task.WaitAsync(s_hang);
            SignalOutcome foreign = await (await other.SubmitSignalAsync(AgentSignal.Cancel("AAPL", rested.OrderId!))).Outcome.WaitAsync(s_hang);
            Assert.Equal(("risk_rejected", "NoSuchOrder"), (foreign.Status, foreign.Reason));
            await otherStop.CancelAsync();
            await otherRun.WaitAsync(s_hang);
        }

        SignalOutcome canceled = await (await client.SubmitSignalAsync(AgentSignal.Cancel("AAPL", rested.OrderId!))).Outcome.WaitAsync(s_hang);
        Assert.NotEqual("risk_rejected", canceled.Status);
        await Waits.UntilAsync(() => Read(session, copy) && Open(copy, orderId) is null, "the venue's Canceled closing the order", s_hang);
        Assert.Contains(Exits(copy, aapl), o => o.ClientOrderId == stopLoss.ClientOrderId); // the bracket's stop is untouched

        await stop.CancelAsync();
        await run.WaitAsync(s_hang);
        session.Stop();
    }

    /// <summary>Asks the engine for a fresh snapshot and reads the one published so far (true: something was read).</summary>
    private static bool Read(TradingSession session, SnapshotCopy copy)
    {
        session.Engine.RequestSnapshot(session.LastEventTimeNs);
        return session.Engine.Snapshot.Read(copy) > 0;
    }

    private static SnapshotOrder[] Exits(SnapshotCopy copy, int symbolId) =>
        [.. copy.Orders.Take(copy.OrderCount).Where(o => o.SymbolId == symbolId && o.Origin is IntentOrigin.TakeProfit or IntentOrigin.StopLoss && o.Status is OrderStatus.Accepted or OrderStatus.PendingNew or OrderStatus.New)];

    private static SnapshotOrder? Open(SnapshotCopy copy, long orderId)
    {
        foreach (SnapshotOrder o in copy.Orders.AsSpan(0, copy.OrderCount))
        {
            if (o.ClientOrderId == orderId && o.Status is OrderStatus.New or OrderStatus.PendingNew or OrderStatus.Accepted or OrderStatus.PartiallyFilled)
            {
                return o;
            }
        }

        return null;
    }
}
