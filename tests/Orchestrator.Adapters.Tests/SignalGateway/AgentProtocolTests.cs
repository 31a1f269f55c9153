using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The agent protocol (hello, feed, signals, heartbeats, tokens) over real loopback sockets into a real engine with the paper venue.</summary>
public sealed class AgentProtocolTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("{\"type\":\"hello\",\"name\":\"a\",\"symbols\":[\"XYZ\"]}", "hello.symbols: 'XYZ' is not traded here")]
    [InlineData("{\"type\":\"hello\",\"symbols\":[\"AAPL\"]}", "hello.name: required, a string")]
    [InlineData("{\"type\":\"hello\",\"name\":\"a\",\"bars\":[\"7m\"]}", "hello.bars: '7m' is not a timeframe")]
    [InlineData("{\"type\":\"hello\",\"name\":\"a\",\"last_fill_seq\":-1}", "hello.last_fill_seq: must be an integer")]
    [InlineData("{\"type\":\"hello\",\"name\":\"a\",\"ticks\":\"yes\"}", "hello.ticks: must be true or false")]
    [InlineData("{\"type\":\"hello\",\"name\":\"a\",\"methods\":[1]}", "hello.methods: each a method name")]
    public async Task Hello_WithABadField_IsRefusedNamingTheField_AndTheConnectionMayRetry(string hello, string error)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        JsonElement refused = await client.HelloAsync(hello, guard.Token);
        JsonElement welcome = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"sma_agent\",\"version\":\"1.0\",\"symbols\":[\"aapl\"],\"bars\":[\"1m\",\"5m\"],\"methods\":[\"get_state\"],\"last_fill_seq\":0}", guard.Token);

        Assert.Equal("error", refused.Type());
        Assert.StartsWith(error, refused.Str("error"), StringComparison.Ordinal);
        Assert.Equal("welcome", welcome.Type());
        Assert.Equal("sma_agent", welcome.Str("name"));
        Assert.Equal(5000, welcome.Num("heartbeat_interval_ms"));
        Assert.Equal(["AAPL"], welcome.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["1m", "5m"], welcome.GetProperty("bars").EnumerateArray().Select(s => s.GetString()));
        Assert.True(welcome.GetProperty("ticks").GetBoolean());
        Assert.True(rig.Gateway.TryGetAgent("sma_agent", out GatewayAgent? agent));
        Assert.True(agent!.Connected);
        Assert.Equal(["get_state"], agent.Methods);
    }

    [Fact]
    public async Task Ticks_GoToAnAgentForItsSymbolsOnly()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"aapl_only\",\"symbols\":[\"AAPL\"]}", guard.Token);

        for (int i = 0; i < 5; i++)
        {
            rig.PublishTick(1, 50m + i); // MSFT: not subscribed
            rig.PublishTick(0, 100m + i);
        }

        List<JsonElement> lines = await client.ReadUntilAsync(l => l.Count(x => x.Type() == "tick") == 5, guard.Token);

        List<JsonElement> ticks = [.. lines.Where(l => l.Type() == "tick")];
        Assert.All(ticks, t => Assert.Equal("AAPL", t.Str("symbol")));
        Assert.Equal([100m, 101m, 102m, 103m, 104m], ticks.Select(t => t.Num("price")));
        Assert.All(ticks, t => Assert.Equal(GatewayRig.T0, t.GetProperty("ts").GetInt64()));
        Assert.Equal(100, ticks[0].Num("size"));
        rig.Gateway.TryGetAgent("aapl_only", out GatewayAgent? agent);
        Assert.Equal(5, agent!.Counters.MarketDataSent);
    }

    [Fact]
    public async Task AgentSignal_ItsSourceIsForcedToTheHelloName_AndItsOrderAndFillComeBack()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"sma_agent\",\"symbols\":[\"AAPL\"],\"ticks\":false,\"last_fill_seq\":0}", guard.Token);
        rig.PublishTick(0, 100m); // the paper venue's reference price

        await client.SendAsync("{\"type\":\"signal\",\"id\":\"a1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"source\":\"someone_else\"}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
        JsonElement outcome = answers.Single(x => x.TryGetProperty("status", out _) && x.IsOutcome());
        Assert.Equal("ordered", outcome.Status());
        string orderId = outcome.Str("order_id");
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        rig.PublishTick(0, 101m); // the paper venue fills the market order at this price

        List<JsonElement> lines = await client.ReadUntilTypeAsync("position", guard.Token);
        JsonElement fill = lines.Single(l => l.Type() == "fill");
        Assert.Equal(1, fill.Num("fill_seq"));
        Assert.Equal(orderId, fill.Str("order_id"));
        Assert.Equal("a1", fill.Str("signal_id"));
        Assert.Equal("AAPL", fill.Str("symbol"));
        Assert.Equal("BUY", fill.Str("side"));
        Assert.Equal(1, fill.Num("quantity"));
        decimal price = fill.Num("price");
        Assert.InRange(price, 101m, 102m); // the venue's price with its slippage
        Assert.Equal(0, fill.Num("leaves"));
        Assert.Contains(lines.Concat(answers), l => l.Type() == "order" && l.Str("status") == "pending_new" && l.Str("signal_id") == "a1");
        Assert.Contains(lines, l => l.Type() == "order" && l.Str("status") == "filled" && l.Num("filled") == 1);
        JsonElement position = lines[^1];
        Assert.Equal(1, position.Num("quantity"));
        Assert.Equal(price, position.Num("avg_price"));
        Assert.All(lines.Concat(answers), l => Assert.False(l.TryGetProperty("replay", out _)));

        Assert.True(rig.Gateway.TryGetAgent("sma_agent", out GatewayAgent? agent));
        Assert.Equal(1, agent!.Counters.Signals);
        Assert.Equal(1, agent.Counters.Fills);
        (Dictionary<long, int> byId, _) = rig.Tally.Snapshot();
        Assert.Single(byId, kv => kv.Key >= Core.SignalLimits.GatewaySignalIdBase);
        Assert.Equal("sma_agent", rig.Tally.LastSource(rig.Engine));
    }

    [Fact]
    public async Task Heartbeats_TheGatewaySendsThemAndAnAgentsHeartbeatIsRecordedWithoutAnAnswer()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, HeartbeatInterval = TimeSpan.FromMilliseconds(100), AuthTimeout = TimeSpan.FromMilliseconds(400) });
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        JsonElement welcome = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"beater\"}", guard.Token);
        rig.Gateway.TryGetAgent("beater", out GatewayAgent? agent);
        DateTimeOffset first = agent!.LastHeartbeat!.Value;

        List<JsonElement> beats = await client.ReadUntilAsync(l => l.Count(x => x.Type() == "heartbeat") == 2, guard.Token);
        await client.SendAsync("{\"type\":\"heartbeat\"}\n{\"id\":\"after\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        // The feed's lines (heartbeats, the agent's order/fill/position and account lines) share the socket with the
        // answers but come from another writer, so one may come first; none of them answers a line.
        JsonElement next = (await client.ReadUntilAsync(l => l.Count > 0 && l[^1].Type() is not ("heartbeat" or "order" or "fill" or "position" or "account" or "tick" or "bar"), guard.Token))[^1];

        Assert.Equal(100, welcome.Num("heartbeat_interval_ms"));
        Assert.All(beats, b => Assert.Equal(GatewayRig.T0, b.GetProperty("ts").GetInt64()));
        Assert.True(next.TryGetProperty("id", out _), "the first answer has no id: " + next);
        Assert.Equal("after", next.Id()); // the heartbeat got no answer: the next answer is the signal's
        Assert.True(agent.LastHeartbeat >= first);
        Assert.Equal(0, rig.Gateway.Counters.Rejected);
    }

    [Fact]
    public async Task AgentToken_BindsTheConnectionToItsName_EvenWithGatewayAuthOn()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, AuthToken = "gateway-secret" });
        rig.Gateway.RegisterAgentToken("bound_agent", "agent-secret");
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient stranger = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync("auth agent-secret\n", guard.Token);
        JsonElement authenticated = (await client.ReadAsync(guard.Token))!.Value;
        JsonElement other = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"impostor\"}", guard.Token);
        JsonElement own = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"bound_agent\"}", guard.Token);
        rig.Gateway.UnregisterAgentToken("bound_agent");
        await stranger.SendAsync("auth agent-secret\n", guard.Token);
        JsonElement refused = (await stranger.ReadAsync(guard.Token))!.Value;

        Assert.Equal("authenticated", authenticated.Status());
        Assert.Equal("error", other.Type());
        Assert.Contains("hello.name", other.Str("error"), StringComparison.Ordinal);
        Assert.Equal("welcome", own.Type());
        Assert.Equal("rejected", refused.Status());
        Assert.Equal(GatewayErrorText.Get(GatewayError.AuthFailed), refused.Str("error"));
    }

    [Fact]
    public async Task AuthLine_WithGatewayAuthOff_IsAnsweredAuthenticated_AndAnAgentTokenStillBindsItsName()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        rig.Gateway.RegisterAgentToken("bound_agent", "agent-secret");
        await using GatewayTestClient any = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient bound = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await any.SendAsync("{\"auth\":\"whatever\"}\n", guard.Token);
        JsonElement anyAnswer = (await any.ReadAsync(guard.Token))!.Value;
        JsonElement anyWelcome = await any.HelloAsync("{\"type\":\"hello\",\"name\":\"free_agent\"}", guard.Token);
        await bound.SendAsync("auth agent-secret\n", guard.Token);
        JsonElement boundAnswer = (await bound.ReadAsync(guard.Token))!.Value;
        JsonElement boundRefused = await bound.HelloAsync("{\"type\":\"hello\",\"name\":\"free_agent2\"}", guard.Token);

        Assert.Equal("authenticated", anyAnswer.Status());
        Assert.Equal("welcome", anyWelcome.Type());
        Assert.Equal("authenticated", boundAnswer.Status());
        Assert.Equal("error", boundRefused.Type());
    }

    [Fact]
    public async Task SecondHelloWithTheSameName_ClosesTheOlderConnection()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient older = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient newer = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await older.HelloAsync("{\"type\":\"hello\",\"name\":\"twin\"}", guard.Token);

        JsonElement welcome = await newer.HelloAsync("{\"type\":\"hello\",\"name\":\"twin\"}", guard.Token);
        List<JsonElement> rest = await older.ReadUntilAsync(_ => false, guard.Token); // to the end of its stream

        Assert.Equal("welcome", welcome.Type());
        Assert.Equal("error", rest[^1].Type());
        Assert.Equal(GatewayErrorText.Get(GatewayError.AgentReplaced), rest[^1].Str("error"));
        rig.Gateway.TryGetAgent("twin", out GatewayAgent? agent);
        Assert.True(agent!.Connected);
        Assert.Equal(2, agent.Counters.Connections);
    }

    [Fact]
    public async Task UnknownType_AndHeartbeatBeforeHello_AreRefusedWithAnErrorLine_AndPlainSignalsStillWork()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync("{\"type\":\"bogus\"}\n{\"type\":\"heartbeat\"}\n{\"id\":\"p1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        List<JsonElement> lines = await client.ReadUntilAsync(l => l.Count == 4, guard.Token);

        Assert.Equal(GatewayErrorText.Get(GatewayError.UnknownMessageType), lines[0].Str("error"));
        Assert.Equal(GatewayErrorText.Get(GatewayError.HelloRequired), lines[1].Str("error"));
        Assert.Equal("accepted", lines[2].Status());
        Assert.True(lines[3].IsOutcome());
        Assert.Empty(rig.Gateway.Agents);
    }
}
