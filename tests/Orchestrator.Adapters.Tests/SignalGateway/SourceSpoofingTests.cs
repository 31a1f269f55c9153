using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// No connection is booked as someone it is not (issue 17, source spoofing): the engine's and the
/// host's sources, and names an external agent holds by hello or agent token, are refused from every
/// other connection; a plain connection's source is a label of its own. Real engine, real sockets.
/// </summary>
public sealed class SourceSpoofingTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("rules")]
    [InlineData("exits")]
    [InlineData("operator")]
    public async Task PlainSignal_SigningAsAnEngineSource_IsRefusedNamingSource_CountedAndNeverPublished(string source)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        JsonElement refused = await Immediate(client, Signal("s1", source), guard.Token);
        JsonElement accepted = await Immediate(client, Signal("s2", null), guard.Token);

        AssertReserved(refused, "s1");
        Assert.Equal(1, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
        Assert.Equal("accepted", accepted.Status()); // the connection goes on
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        Assert.Single(rig.Tally.Snapshot().ById); // only the second one reached the engine
        Assert.Equal("gateway", rig.Tally.LastSource(rig.Engine));
    }

    [Theory]
    [InlineData("strategy_agent")]
    [InlineData("mcp")]
    public async Task PlainSignal_SigningAsASourceTheHostReserved_IsRefused(string source)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        rig.Gateway.ReserveSources(["strategy_agent", "mcp"]);
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        AssertReserved(await Immediate(client, Signal("s1", source), guard.Token), "s1");
        JsonElement hello = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"" + source + "\"}", guard.Token);

        Assert.Equal("error", hello.Type());
        Assert.StartsWith($"hello.name: '{source}' is reserved", hello.Str("error"), StringComparison.Ordinal);
        Assert.Equal(2, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
        Assert.Empty(rig.Gateway.Agents);
    }

    [Fact]
    public async Task PlainSignal_SigningAsAnAgentThatSaidHello_IsRefused_WhileItIsConnected_AndAfterItLeft()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient plain = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        GatewayAgent? agent;
        await using (GatewayTestClient real = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token))
        {
            Assert.Equal("welcome", (await real.HelloAsync("{\"type\":\"hello\",\"name\":\"sma_agent\",\"ticks\":false}", guard.Token)).Type());
            AssertReserved(await Immediate(plain, Signal("while", "sma_agent"), guard.Token), "while");
            Assert.True(rig.Gateway.TryGetAgent("sma_agent", out agent));
        }

        await SignalGatewayTests.WaitUntilAsync(() => !agent!.Connected, guard.Token);
        AssertReserved(await Immediate(plain, Signal("after", "sma_agent"), guard.Token), "after");

        Assert.Equal(2, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
        Assert.Equal(0, agent!.Counters.Signals);
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        Assert.Empty(rig.Tally.Snapshot().ById);
    }

    [Fact]
    public async Task NameWithAnAgentToken_IsTheAgents_BeforeAnyHello_PlainSignalsAndOtherConnectionsHellosAreRefused()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, AuthToken = "gateway-secret" });
        rig.Gateway.RegisterAgentToken("supervised", "agent-secret");
        await using GatewayTestClient other = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient owner = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await other.SendAsync("auth gateway-secret\n", guard.Token);
        Assert.Equal("authenticated", (await other.ReadAsync(guard.Token))!.Value.Status());
        JsonElement plain = await Immediate(other, Signal("p1", "supervised"), guard.Token);
        JsonElement impostor = await other.HelloAsync("{\"type\":\"hello\",\"name\":\"supervised\"}", guard.Token);
        await owner.SendAsync("auth agent-secret\n", guard.Token);
        Assert.Equal("authenticated", (await owner.ReadAsync(guard.Token))!.Value.Status());
        JsonElement own = await owner.HelloAsync("{\"type\":\"hello\",\"name\":\"supervised\"}", guard.Token);

        AssertReserved(plain, "p1");
        Assert.Equal("error", impostor.Type());
        Assert.StartsWith("hello.name: 'supervised' has its own agent token", impostor.Str("error"), StringComparison.Ordinal);
        Assert.Equal("welcome", own.Type());
        Assert.Equal(2, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
        rig.Gateway.TryGetAgent("supervised", out GatewayAgent? agent);
        Assert.Equal(1, agent!.Counters.Connections); // the impostor never held it
    }

    [Theory]
    [InlineData("rules")]
    [InlineData("exits")]
    [InlineData("operator")]
    [InlineData("gateway")]
    public async Task Hello_NamedAsAnEngineSourceOrThePlainDefault_IsRefused(string name)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        JsonElement hello = await client.HelloAsync("{\"type\":\"hello\",\"name\":\"" + name + "\"}", guard.Token);

        Assert.Equal("error", hello.Type());
        Assert.StartsWith($"hello.name: '{name}' ", hello.Str("error"), StringComparison.Ordinal);
        Assert.Equal(1, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
        Assert.Empty(rig.Gateway.Agents);
    }

    [Fact]
    public async Task Hello_WithANamePlainSignalsAlreadyCarry_IsRefused_UnlessTheConnectionHoldsTheNamesAgentToken()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient plain = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient squatter = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient owner = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        Assert.Equal("accepted", (await Immediate(plain, Signal("l1", "desk_label"), guard.Token)).Status());
        JsonElement taken = await squatter.HelloAsync("{\"type\":\"hello\",\"name\":\"desk_label\"}", guard.Token);
        rig.Gateway.RegisterAgentToken("desk_label", "desk-secret"); // the operator gives the name to an agent: the token is proof
        await owner.SendAsync("auth desk-secret\n", guard.Token);
        Assert.Equal("authenticated", (await owner.ReadAsync(guard.Token))!.Value.Status());
        JsonElement own = await owner.HelloAsync("{\"type\":\"hello\",\"name\":\"desk_label\"}", guard.Token);
        JsonElement plainAfter = await Immediate(plain, Signal("l2", "desk_label"), guard.Token);

        Assert.Equal("error", taken.Type());
        Assert.StartsWith("hello.name: 'desk_label' is already the source of plain signals", taken.Str("error"), StringComparison.Ordinal);
        Assert.Equal("welcome", own.Type());
        AssertReserved(plainAfter, "l2");
    }

    [Fact]
    public async Task ConnectionWithAnAgentToken_SignsAsItsAgent_WithoutAHello_WhateverItsSourceSays()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        rig.Gateway.RegisterAgentToken("bound_agent", "agent-secret");
        await using GatewayTestClient bound = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await bound.SendAsync("auth agent-secret\n", guard.Token);
        Assert.Equal("authenticated", (await bound.ReadAsync(guard.Token))!.Value.Status());
        JsonElement accepted = await Immediate(bound, Signal("b1", "someone_else"), guard.Token);

        Assert.Equal("accepted", accepted.Status());
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        Assert.Equal("bound_agent", rig.Tally.LastSource(rig.Engine));
    }

    /// <summary>The decision for plain connections (no hello, no agent token): their source is a free label, "gateway" when they name none.</summary>
    [Fact]
    public async Task PlainSignal_WithAFreeLabel_IsAcceptedAndCarriesIt_AndAnotherPlainConnectionMayShareIt()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient first = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient second = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        Assert.Equal("accepted", (await Immediate(first, Signal("f1", "desk_1"), guard.Token)).Status());
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        string firstSource = rig.Tally.LastSource(rig.Engine);
        Assert.Equal("accepted", (await Immediate(second, Signal("f2", "desk_1"), guard.Token)).Status());
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));

        Assert.Equal("desk_1", firstSource);
        Assert.Equal("desk_1", rig.Tally.LastSource(rig.Engine));
        Assert.Equal(0, rig.Gateway.Counters.RejectedBy(GatewayError.SourceReserved));
    }

    /// <summary>An in-process strategy's name is reserved like the engine's own sources (its signals and P&amp;L are its own).</summary>
    [Fact]
    public void InProcessStrategyName_IsReserved_ForPlainSignalsAndHellos()
    {
        var options = new Engine.Options.EngineOptions
        {
            Symbols = ["AAPL"],
            Strategies = [new Orchestrator.Strategies.StrategyRegistration("dip_buyer", new QuietStrategy(), ["AAPL"])],
        };
        var engine = new Engine.TradingEngine(options, Engine.Audit.NullAuditWriter.Instance); // never started: nothing to stop
        var claims = new SourceClaims(engine);

        Assert.False(claims.TryUseAsLabel(engine.Sources.Intern("dip_buyer")));
        Assert.StartsWith("hello.name: 'dip_buyer' is reserved", claims.ClaimForAgent("dip_buyer", engine.Sources.Intern("dip_buyer"), proven: true), StringComparison.Ordinal);
        Assert.True(claims.TryUseAsLabel(engine.Sources.Intern("desk_2")));
    }

    private static string Signal(string id, string? source) =>
        "{\"id\":\"" + id + "\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9" + (source is null ? string.Empty : ",\"source\":\"" + source + "\"") + "}\n";

    /// <summary>Sends one signal line and returns its immediate answer (accepted or rejected), skipping outcome lines of earlier ones.</summary>
    private static async Task<JsonElement> Immediate(GatewayTestClient client, string line, CancellationToken cancellationToken)
    {
        await client.SendAsync(line, cancellationToken);
        return (await client.ReadUntilAsync(lines => lines.Count > 0 && lines[^1].TryGetProperty("status", out _) && lines[^1].IsImmediate(), cancellationToken))[^1];
    }

    private static void AssertReserved(JsonElement answer, string id)
    {
        Assert.Equal("rejected", answer.Status());
        Assert.Equal(id, answer.Id());
        Assert.Equal(GatewayErrorText.Get(GatewayError.SourceReserved), answer.Str("error"));
        Assert.StartsWith("source: reserved", answer.Str("error"), StringComparison.Ordinal);
    }

    public sealed class QuietOptions
    {
    }

    private sealed class QuietStrategy : Orchestrator.Strategies.Strategy<QuietOptions>
    {
    }
}
