using System.Collections.Concurrent;
using Orchestrator.Daemon;
using Orchestrator.Daemon.Hosting;

namespace Orchestrator.AgentClient.Tests;

/// <summary>The C# client's protective exits, trailing stops, auction tifs and amend/cancel (issue 19) against a real gateway and engine.</summary>
public sealed class AgentClientExitsTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ExitsAmendAndCancel_AreAcceptedByTheGateway_AndBadExitsComeBackFieldNamed()
    {
        SessionOptions options = DaemonCli.BuildOptions(7, 1_000, Engine.Ring.WaitStrategyKind.Blocking) with { Gateway = new Adapters.SignalGateway.GatewayOptions { Port = 0 } };
        using var session = new TradingSession(options);
        session.Start("agent-client-exits-test");
        var log = new ConcurrentQueue<string>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new AgentClient(new AgentClientOptions
        {
            Name = "exits_agent", Port = session.SignalGateway!.Port, Symbols = ["AAPL"], Bars = ["1m"], InitialBackoff = TimeSpan.FromMilliseconds(50), Log = log.Enqueue,
        });
        client.OnBar = _ => { connected.TrySetResult(); return ValueTask.CompletedTask; };
        using var stop = new CancellationTokenSource();
        Task run = client.RunAsync(stop.Token);
        await connected.Task.WaitAsync(s_hang);

        SignalAck bracket = await (await client.SubmitSignalAsync(new AgentSignal
        {
            Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, Quantity = 2, TakeProfitPct = 4m, StopLossPct = 2m, TrailPercent = 1.5m, Tif = SignalTimeInForce.Gtc, Id = "bracket-1",
        })).Ack.WaitAsync(s_hang);
        Assert.True(bracket.Accepted, bracket.Error);

        SignalAck trailing = await (await client.SubmitSignalAsync(new AgentSignal
        {
            Symbol = "AAPL", Side = SignalSide.Sell, Confidence = 0.9, Quantity = 1, OrderType = SignalOrderType.TrailingStop, TrailPrice = 0.5m, Tif = SignalTimeInForce.Opg,
        })).Ack.WaitAsync(s_hang);
        Assert.True(trailing.Accepted, trailing.Error);

        SignalAck amend = await (await client.SubmitSignalAsync(AgentSignal.Amend("AAPL", "12", limitPrice: 99.5m))).Ack.WaitAsync(s_hang);
        Assert.True(amend.Accepted, amend.Error);
        SignalAck cancel = await (await client.SubmitSignalAsync(AgentSignal.Cancel("AAPL", "12"))).Ack.WaitAsync(s_hang);
        Assert.True(cancel.Accepted, cancel.Error);

        SignalTicket wrongSide = await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, LimitPrice = 100m, StopLoss = 101m });
        SignalAck refused = await wrongSide.Ack.WaitAsync(s_hang);
        Assert.False(refused.Accepted);
        Assert.StartsWith("stop_loss: must be below", refused.Error, StringComparison.Ordinal);

        SignalAck both = await (await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0.9, TrailPrice = 1m, TrailPercent = 1m })).Ack.WaitAsync(s_hang);
        Assert.False(both.Accepted);
        Assert.StartsWith("trail_price: give trail_price or trail_percent, not both", both.Error, StringComparison.Ordinal);

        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SubmitSignalAsync(new AgentSignal { Symbol = "AAPL", Side = SignalSide.Buy, Confidence = 0, Action = SignalAction.Cancel }));

        await stop.CancelAsync();
        await run.WaitAsync(s_hang);
        session.Stop();
    }
}
