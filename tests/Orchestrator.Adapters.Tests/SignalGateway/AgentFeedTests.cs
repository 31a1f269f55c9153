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

    [Fact]
    public async Task NonReadingAgent_IsDisconnectedWhenItsReliableQueueFills_NothingDropped_WhileAnotherAgentKeepsReceiving()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MarketDataRingSize = 1 << 17, AgentQueueSize = 16, AgentLogSize = 64, AuthTimeout = TimeSpan.FromMilliseconds(400) });
        rig.PublishTick(0, 100m); // the paper venue's reference price
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));

        // A small fixed receive buffer: the gateway's writes to the non-reader block soon, whatever the
        // kernel's autotuning (with large buffers its orders could still get through: no disconnect).
        await using GatewayTestClient slow = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token, receiveBufferSize: 16 * 1024);
        await using GatewayTestClient fast = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await slow.HelloAsync("{\"type\":\"hello\",\"name\":\"slow\",\"symbols\":[\"AAPL\"]}", guard.Token);
        await fast.HelloAsync("{\"type\":\"hello\",\"name\":\"fast\",\"symbols\":[\"AAPL\"]}", guard.Token);
        rig.Gateway.TryGetAgent("slow", out GatewayAgent? slowAgent);
        rig.Gateway.TryGetAgent("fast", out GatewayAgent? fastAgent);
        const int Batch = 20_000;

        // Until it is disconnected: a flood it does not read, then a signal whose order and fill cannot
        // reach it. The fast agent reads every flood to its last tick meanwhile, the disconnect included.
        int rounds = 0;
        long fastSeen = 0;
        while (slowAgent!.Counters.QueueFullDisconnects == 0)
        {
            rounds++;
            (int ticks, long dropped) = await FloodAsync(rig, fast, Batch, 100m + (rounds * 0.01m), guard.Token);
            fastSeen += ticks + dropped;
            await slow.SendAsync("{\"id\":\"s" + rounds + "\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        }

        // The close completes while the client still reads nothing: its session ends and its
        // connection (and slot) is released — a write blocked on its full socket is given up.
        while (slowAgent.Connected || rig.Gateway.Counters.ActiveConnections != 1)
        {
            await Task.Delay(10, guard.Token); // polls the gateway's state (bounded by the guard)
        }

        // The engine and the other agent go on: a whole flood after the disconnect reaches it.
        long fastSentBefore = fastAgent!.Counters.MarketDataSent;
        (int afterTicks, long afterDropped) = await FloodAsync(rig, fast, Batch, 99.5m, guard.Token);

        // Its stream ends (its last line may be cut and the error line missing: the gateway gave up a
        // write this client never read).
        try
        {
            await slow.Stream.CopyToAsync(Stream.Null, guard.Token);
        }
        catch (IOException)
        {
            // reset instead of FIN: ended all the same
        }

        Assert.Equal((long)rounds * Batch, fastSeen); // every tick of every round delivered to it or told as dropped
        Assert.Equal(Batch, afterTicks + afterDropped);
        Assert.True(fastAgent.Counters.MarketDataSent > fastSentBefore);
        Assert.Equal(1, slowAgent.Counters.QueueFullDisconnects);
        Assert.False(slowAgent.Connected);
        Assert.True(fastAgent.Connected);
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
