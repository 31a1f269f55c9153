using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The agent feed's back-pressure, replay and request routing over real sockets into a real engine with the paper venue.</summary>
public sealed class AgentFeedTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task NonReadingAgent_LosesMarketDataCountedAndTold_WhileAnotherAgentKeepsReceiving()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MarketDataRingSize = 1024, AgentQueueSize = 16, AgentLogSize = 64, AuthTimeout = TimeSpan.FromMilliseconds(400) });
        rig.PublishTick(0, 100m); // the paper venue's reference price
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        await using GatewayTestClient slow = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient fast = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await slow.HelloAsync("{\"type\":\"hello\",\"name\":\"slow\",\"symbols\":[\"AAPL\"]}", guard.Token);
        await fast.HelloAsync("{\"type\":\"hello\",\"name\":\"fast\",\"symbols\":[\"AAPL\"]}", guard.Token);
        rig.Gateway.TryGetAgent("slow", out GatewayAgent? slowAgent);
        rig.Gateway.TryGetAgent("fast", out GatewayAgent? fastAgent);
        const int Ticks = 100_000;

        // Phase 1: a flood the slow agent does not read; the fast one reads to the last tick.
        (int fastTicks, long fastDropped) = await FloodAsync(rig, fast, Ticks, 100.25m, guard.Token);
        Assert.Equal(Ticks, fastTicks + fastDropped); // every tick delivered or told as dropped
        Assert.Equal(fastDropped, fastAgent!.Counters.MarketDataDropped);
        Assert.True(slowAgent!.Counters.MarketDataSent < Ticks); // its writer is stuck on its full socket

        // The slow agent reads again: its writer finds itself lapped and says how much it lost.
        List<JsonElement> caughtUp = await slow.ReadUntilTypeAsync("dropped", guard.Token);
        Assert.True(caughtUp[^1].GetProperty("market_data").GetInt64() > 0);
        Assert.True(slowAgent.Counters.MarketDataDropped > 0);

        Assert.True(fastAgent.Connected);
    }

    [Fact]
    public async Task Reconnect_WithLastFillSeq_ReplaysTheFillsItMissed_MarkedReplay()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        rig.PublishTick(0, 100m);
        GatewayAgent agent;
        await using (GatewayTestClient first = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token))
        {
            await first.HelloAsync("{\"type\":\"hello\",\"name\":\"replayer\",\"ticks\":false,\"last_fill_seq\":0}", guard.Token);
            await first.SendAsync("{\"id\":\"s1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
            await first.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
            Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
            rig.PublishTick(0, 101m);
            JsonElement live = (await first.ReadUntilTypeAsync("fill", guard.Token))[^1];
            Assert.Equal(1, live.Num("fill_seq"));

            await first.SendAsync("{\"id\":\"s2\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
            await first.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
            Assert.True(rig.Gateway.TryGetAgent("replayer", out GatewayAgent? known));
            agent = known!;
        }

        while (agent.Connected)
        {
            await Task.Delay(10, guard.Token); // the gateway notices the close (bounded by the guard)
        }

        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        rig.PublishTick(0, 102m); // fills s2 while the agent is away
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, agent.Counters.Fills);

        await using GatewayTestClient second = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await second.HelloAsync("{\"type\":\"hello\",\"name\":\"replayer\",\"ticks\":false,\"last_fill_seq\":1}", guard.Token);
        List<JsonElement> replayed = await second.ReadUntilTypeAsync("fill", guard.Token);
        replayed.AddRange(await second.ReadUntilTypeAsync("position", guard.Token));

        JsonElement fill = replayed.Single(l => l.Type() == "fill");
        Assert.Equal(2, fill.Num("fill_seq"));
        Assert.Equal("s2", fill.Str("signal_id"));
        Assert.All(replayed, l => Assert.True(l.GetProperty("replay").GetBoolean()));
        Assert.Contains(replayed, l => l.Type() == "order" && l.Str("signal_id") == "s2" && l.Str("status") == "filled");
        Assert.Equal(2, replayed[^1].Num("quantity")); // its position after both fills
    }

    [Fact]
    public async Task Request_ReachesTheAgentAsARequestLine_AndItsResponseComesBack_ATimeoutAndADisconnectFailCleanly()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"answerer\",\"methods\":[\"get_state\"]}", guard.Token);
        rig.Gateway.TryGetAgent("answerer", out GatewayAgent? agent);
        using JsonDocument parameters = JsonDocument.Parse("{\"depth\":2}");

        Task<GatewayAgentResponse> call = agent!.RequestAsync("get_state", parameters.RootElement, guard.Token);
        JsonElement request = (await client.ReadUntilTypeAsync("request", guard.Token))[^1];
        await client.SendAsync("{\"type\":\"response\",\"request_id\":\"" + request.Str("request_id") + "\",\"result\":{\"position\":3}}\n", guard.Token);
        GatewayAgentResponse answer = await call;

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.RequestAsync("get_state", default, shortWait.Token));
        Task<GatewayAgentResponse> orphan = agent.RequestAsync("get_state", default, guard.Token);
        await client.ReadUntilAsync(l => l.Count(x => x.Type() == "request") == 2, guard.Token);
        await client.DisposeAsync();
        GatewayAgentResponse gone = await orphan;
        while (agent.Connected)
        {
            await Task.Delay(10, guard.Token);
        }

        GatewayAgentResponse notConnected = await agent.RequestAsync("get_state", default, guard.Token);

        Assert.Equal("get_state", request.Str("method"));
        Assert.Equal(2, request.GetProperty("params").GetProperty("depth").GetInt32());
        Assert.True(answer.Ok);
        Assert.Equal(3, answer.Result.GetProperty("position").GetInt32());
        Assert.False(gone.Ok);
        Assert.Contains("disconnected", gone.Error, StringComparison.Ordinal);
        Assert.False(notConnected.Ok);
        Assert.Contains("not connected", notConnected.Error, StringComparison.Ordinal);
        Assert.Equal(3, agent.Counters.Requests);
    }

    [Fact(Skip = "Open (issue 17, H5): the queue-full disconnect fires (seen once), but this test still hangs in one of its reads or the wait; not yet diagnosed")]
    public async Task NonReadingAgent_IsDisconnectedWhenItsReliableQueueFills_NothingDropped_WhileAnotherAgentKeepsReceiving()
    {
        // A ring large enough that the non-reading agent's writer really fills its socket (with a small
        // ring it is lapped, writes little, and its orders would still get through).
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MarketDataRingSize = 1 << 17, AgentQueueSize = 16, AgentLogSize = 64, AuthTimeout = TimeSpan.FromMilliseconds(400) });
        rig.PublishTick(0, 100m); // the paper venue's reference price
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        await using GatewayTestClient slow = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient fast = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await slow.HelloAsync("{\"type\":\"hello\",\"name\":\"slow\",\"symbols\":[\"AAPL\"]}", guard.Token);
        await fast.HelloAsync("{\"type\":\"hello\",\"name\":\"fast\",\"symbols\":[\"AAPL\"]}", guard.Token);
        rig.Gateway.TryGetAgent("slow", out GatewayAgent? slowAgent);
        rig.Gateway.TryGetAgent("fast", out GatewayAgent? fastAgent);
        const int Ticks = 200_000;

        // Flooded without reading, it sends signals: their orders and fills cannot
        // reach it, so it is disconnected rather than any of them dropped.
        (int fastTicks, long fastDropped) = await FloodAsync(rig, fast, Ticks, 100.5m, guard.Token);
        Assert.Equal(Ticks, fastTicks + fastDropped);
        var signals = new System.Text.StringBuilder();
        for (int i = 0; i < 12; i++)
        {
            signals.Append("{\"id\":\"s").Append(i).Append("\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n");
        }

        await slow.SendAsync(signals.ToString(), guard.Token);
        while (slowAgent!.Counters.QueueFullDisconnects == 0 || slowAgent.Connected)
        {
            await Task.Delay(10, guard.Token); // waits for the gateway's sweep to act on the feed's request (bounded by the guard)
        }

        // Its stream ends (the last line may be cut: its writer gave up a flush the client never read).
        await slow.Stream.CopyToAsync(Stream.Null, guard.Token);
        rig.PublishTick(0, 100.75m);
        JsonElement after = (await fast.ReadUntilAsync(l => l.Count > 0 && l[^1].Type() == "tick" && l[^1].Num("price") == 100.75m, guard.Token))[^1];

        Assert.Equal(1, slowAgent.Counters.QueueFullDisconnects);
        Assert.False(slowAgent.Connected);
        Assert.True(fastAgent!.Connected);
        Assert.Equal(100.75m, after.Num("price"));
        Assert.Equal(0, fastAgent.Counters.QueueFullDisconnects);
        Assert.True(slowAgent.Log.Count > 16); // the events it did not read are kept for its replay
    }


    /// <summary>Publishes <paramref name="count"/> AAPL ticks, the last at <paramref name="lastPrice"/>, and reads <paramref name="reader"/> to that one: (ticks read, drops told).</summary>
    private static async Task<(int Ticks, long Dropped)> FloodAsync(GatewayRig rig, GatewayTestClient reader, int count, decimal lastPrice, CancellationToken cancellationToken)
    {
        Task publish = Task.Run(() =>
        {
            for (int i = 0; i < count - 1; i++)
            {
                rig.Engine.PublishMarketData(new Core.MarketTick { Kind = Core.EventKind.TradeTick, SymbolId = 0, PriceRaw = Core.FixedPoint.FromDecimal(100m), Size = 1, TsEventNs = GatewayRig.T0 });
            }

            rig.Engine.PublishMarketData(new Core.MarketTick { Kind = Core.EventKind.TradeTick, SymbolId = 0, PriceRaw = Core.FixedPoint.FromDecimal(lastPrice), Size = 1, TsEventNs = GatewayRig.T0 });
        }, cancellationToken);
        int ticks = 0;
        long dropped = 0;
        while (await reader.ReadAsync(cancellationToken) is { } line)
        {
            if (line.Type() == "dropped")
            {
                dropped += line.GetProperty("market_data").GetInt64();
            }
            else if (line.Type() == "tick")
            {
                ticks++;
                if (line.Num("price") == lastPrice)
                {
                    break;
                }
            }
        }

        await publish;
        if (ticks + dropped < count)
        {
            JsonElement notice = (await reader.ReadUntilTypeAsync("dropped", cancellationToken))[^1]; // the drop notice follows the batch
            dropped += notice.GetProperty("market_data").GetInt64();
        }

        return (ticks, dropped);
    }
}
