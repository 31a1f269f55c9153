using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The gateway over real loopback sockets into a real engine with the paper broker.</summary>
public sealed class SignalGatewayTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>Every kind of bad line, with the error it must get and whether its id can be echoed.</summary>
    private static readonly (string Line, GatewayError Error, bool IdEchoed)[] s_badLines =
    [
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5", GatewayError.MalformedJson, true),
        ("this is not json", GatewayError.MalformedJson, false),
        ("[1,2,3]", GatewayError.NotAnObject, false),
        ("{\"id\":\"ID\",\"symbol\":\"ZZZZ\",\"side\":\"BUY\",\"confidence\":0.5}", GatewayError.SymbolUnknown, true),
        ("{\"id\":\"ID\",\"symbol\":42,\"side\":\"BUY\",\"confidence\":0.5}", GatewayError.SymbolNotString, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"HOLD\",\"confidence\":0.5}", GatewayError.SideInvalid, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"confidence\":0.5}", GatewayError.SideMissing, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":1.5}", GatewayError.ConfidenceOutOfRange, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":\"high\"}", GatewayError.ConfidenceNotNumber, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":-1}", GatewayError.PriceOutOfRange, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":2e9}", GatewayError.PriceOutOfRange, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":1e400}", GatewayError.PriceOutOfRange, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":NaN}", GatewayError.MalformedJson, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":\"NaN\"}", GatewayError.PriceNotNumber, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"side\":\"SELL\",\"confidence\":0.5}", GatewayError.DuplicateProperty, true),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"" + new string('r', 501) + "\"}", GatewayError.ReasonTooLong, true),
        ("{\"id\":\"" + new string('i', 65) + "\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5}", GatewayError.IdTooLong, false),
        ("{\"id\":\"ID\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"pad\":\"" + new string('x', 5000) + "\"}", GatewayError.LineTooLong, false),
    ];

    [Fact]
    public async Task ManyClients_FloodWithInterleavedBadLines_EveryValidSignalReachesTheRingOnce_EveryLineAnsweredInOrder()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MaxInFlight = 256 });
        const int Clients = 8, SignalsPerClient = 3_000, BadEvery = 50;

        var clients = Enumerable.Range(0, Clients).Select(c => RunClientAsync(rig.Port, c, SignalsPerClient, BadEvery, guard.Token)).ToList();
        Task<int> cut = RunCutClientAsync(rig.Port, guard.Token);
        ClientResult[] results = await Task.WhenAll(clients);
        int cutAccepted = await cut;
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(30)));

        (Dictionary<long, int> byId, Dictionary<long, int> bySequence) = rig.Tally.Snapshot();
        var gatewayIds = byId.Where(kv => kv.Key >= Core.SignalLimits.GatewaySignalIdBase).ToList();
        int accepted = results.Sum(r => r.AcceptedSequences.Count) + cutAccepted;
        Assert.Equal(Clients * SignalsPerClient + cutAccepted, accepted);
        Assert.Equal(accepted, gatewayIds.Count); // none missing, none extra (the cut line was not published)
        Assert.All(gatewayIds, kv => Assert.Equal(1, kv.Value)); // none twice
        foreach (long sequence in results.SelectMany(r => r.AcceptedSequences))
        {
            Assert.Equal(1, bySequence.GetValueOrDefault(sequence)); // the acked seq is the ring slot the engine processed
        }

        Assert.Equal(accepted, rig.Gateway.Counters.Accepted);
        Assert.Equal(accepted, rig.Gateway.Counters.Ordered + rig.Gateway.Counters.RiskRejected + rig.Gateway.Counters.NoOrder);
        Assert.Equal(1, rig.Gateway.Counters.PartialLinesDiscarded);
        foreach ((string _, GatewayError error, bool _) in s_badLines)
        {
            Assert.True(rig.Gateway.Counters.RejectedBy(error) > 0, error.ToString());
        }
    }

    [Fact]
    public async Task SignalForASymbolWithoutPrice_GetsAcceptedThenRiskRejectedWithItsReason()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync("{\"id\":\"m1\",\"symbol\":\"msft\",\"side\":\"buy\",\"confidence\":0.9}\n{\"id\":\"a1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"price\":100.5,\"source\":\"strategy_agent\",\"reason\":\"breakout\"}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 4, guard.Token);

        Assert.Equal(["m1", "a1"], answers.Where(a => a.IsImmediate()).Select(a => a.Id()));
        Assert.All(answers.Where(a => a.IsImmediate()), a => Assert.Equal("accepted", a.Status()));
        JsonElement m1 = answers.Single(a => a.IsOutcome() && a.Id() == "m1");
        Assert.Equal("risk_rejected", m1.Status());
        Assert.Equal("NoMarketData", m1.GetProperty("reason").GetString());
        Assert.Equal(answers.First(a => a.Id() == "m1").GetProperty("seq").GetInt64(), m1.GetProperty("seq").GetInt64());
        JsonElement a1 = answers.Single(a => a.IsOutcome() && a.Id() == "a1");
        Assert.Equal("ordered", a1.Status());
        Assert.False(string.IsNullOrEmpty(a1.GetProperty("order_id").GetString()));
        Assert.True(answers.IndexOf(m1) < answers.IndexOf(a1)); // outcomes in the connection's order
    }

    [Fact]
    public async Task RingFull_GatewayStopsReading_NothingDropped_AllPublishedOnceTheEngineRuns()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        const int Ring = 64, Signals = 1_000;
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MaxInFlight = 2048 }, inboundBufferSize: Ring, start: false);
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        var lines = new StringBuilder();
        for (int i = 0; i < Signals; i++)
        {
            lines.Append("{\"id\":\"s").Append(i).Append("\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n");
        }

        Task send = client.SendAsync(lines.ToString(), guard.Token);

        // The engine is stalled: the ring fills and the connection waits instead of dropping or refusing.
        await WaitUntilAsync(() => rig.Gateway.Counters.RingFullWaits > 0, guard.Token);
        Assert.Equal(Ring, rig.Gateway.Counters.Accepted);
        Assert.Equal(0, rig.Gateway.Counters.Rejected);

        rig.StartEngine();
        await send;
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 2 * Signals, guard.Token);

        Assert.Equal(Enumerable.Range(0, Signals).Select(i => "s" + i), answers.Where(a => a.IsImmediate()).Select(a => a.Id()));
        Assert.All(answers.Where(a => a.IsImmediate()), a => Assert.Equal("accepted", a.Status()));
        Assert.Equal(Enumerable.Range(0, Signals).Select(i => "s" + i), answers.Where(a => a.IsOutcome()).Select(a => a.Id()));
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(30)));
        Assert.Equal(Signals, rig.Tally.Snapshot().ById.Count(kv => kv.Key >= Core.SignalLimits.GatewaySignalIdBase && kv.Value == 1));
    }

    [Fact]
    public async Task OverLongLine_IsRefusedAndSkipped_TheNextLineOnTheSameConnectionWorks()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MaxLineBytes = 256 });
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        // 100 KB without a newline, sent in pieces: refused once, never buffered whole.
        await client.SendAsync("{\"id\":\"big\",\"reason\":\"" + new string('x', 100_000), guard.Token);
        await client.SendAsync("\"}\n{\"id\":\"ok\",\"symbol\":\"AAPL\",\"side\":\"SELL\",\"confidence\":0.4}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 3, guard.Token);

        Assert.Equal("rejected", answers[0].Status());
        Assert.Equal(GatewayErrorText.Get(GatewayError.LineTooLong), answers[0].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, answers[0].GetProperty("id").ValueKind);
        Assert.Equal("accepted", answers[1].Status());
        Assert.Equal("ok", answers[1].Id());
        Assert.True(answers[2].IsOutcome());
    }

    [Fact]
    public async Task Auth_On_WrongTokenClosesOnlyThatConnection_RightTokenServes_TokenNeverEchoed()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        const string Token = "s3cret-token-value";
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, AuthToken = Token });
        await using GatewayTestClient good = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient bad = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient none = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await bad.SendAsync("auth wrong-token\n{\"id\":\"x\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        List<JsonElement> badAnswers = await bad.ReadUntilAsync(_ => false, guard.Token); // until the server closes
        await none.SendAsync("{\"id\":\"y\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        List<JsonElement> noneAnswers = await none.ReadUntilAsync(_ => false, guard.Token);
        await good.SendAsync("{\"auth\":\"" + Token + "\"}\n{\"id\":\"z\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        List<JsonElement> goodAnswers = await good.ReadUntilAsync(a => a.Count == 3, guard.Token);

        JsonElement refused = Assert.Single(badAnswers);
        Assert.Equal(GatewayErrorText.Get(GatewayError.AuthFailed), refused.GetProperty("error").GetString());
        Assert.DoesNotContain(Token, refused.GetRawText());
        Assert.Equal(GatewayErrorText.Get(GatewayError.AuthRequired), Assert.Single(noneAnswers).GetProperty("error").GetString());
        Assert.Equal("authenticated", goodAnswers[0].Status());
        Assert.Equal("accepted", goodAnswers[1].Status());
        Assert.True(goodAnswers[2].IsOutcome());
        Assert.Equal(1, rig.Gateway.Counters.Accepted);
    }

    [Fact]
    public async Task Auth_Off_AnAuthLineIsJustABadLine_SignalsNeedNoToken()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync("{\"id\":\"z\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 2, guard.Token);

        Assert.False(rig.Gateway.AuthEnabled);
        Assert.Equal("accepted", answers[0].Status());
    }

    private sealed record ClientResult(List<long> AcceptedSequences);

    private static async Task<ClientResult> RunClientAsync(int port, int clientIndex, int signals, int badEvery, CancellationToken cancellationToken)
    {
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(port, cancellationToken);
        var expected = new List<(string? Id, string Status, GatewayError Error)>();
        var payload = new MemoryStream();
        int bad = 0;
        for (int i = 0; i < signals; i++)
        {
            string id = "c" + clientIndex + "-" + i;
            string side = i % 2 == 0 ? "BUY" : "sell";
            string symbol = i % 3 == 0 ? "MSFT" : "AAPL";
            Write(payload, "{\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"confidence\":0." + (i % 9 + 1) + ",\"price\":" + (100 + i % 7) + ".25,\"source\":\"agent" + clientIndex + "\",\"reason\":\"r" + (i % 4) + "\",\"id\":\"" + id + "\",\"extra\":{\"ignored\":[1,2]}}\n");
            expected.Add((id, "accepted", GatewayError.None));
            if (i % badEvery == 0)
            {
                (string line, GatewayError error, bool echoed) = s_badLines[bad++ % s_badLines.Length];
                string badId = "b" + clientIndex + "-" + i;
                Write(payload, line.Replace("\"ID\"", "\"" + badId + "\"", StringComparison.Ordinal) + "\n");
                expected.Add((echoed ? badId : null, "rejected", error));
                if (bad % 7 == 0)
                {
                    payload.Write([(byte)'{', (byte)'"', (byte)'i', (byte)'d', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}', (byte)'\n']); // invalid UTF-8
                    expected.Add((null, "rejected", GatewayError.InvalidUtf8));
                }
            }
        }

        Task send = client.SendAsync(payload.ToArray(), cancellationToken);
        int acceptedCount = expected.Count(e => e.Status == "accepted");
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == expected.Count + acceptedCount, cancellationToken);
        await send;

        var immediate = answers.Where(a => a.IsImmediate()).ToList();
        var outcomes = answers.Where(a => a.IsOutcome()).ToList();
        Assert.Equal(expected.Count, immediate.Count);
        Assert.Equal(acceptedCount, outcomes.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Status, immediate[i].Status());
            Assert.Equal(expected[i].Id, immediate[i].GetProperty("id").GetString());
            if (expected[i].Status == "rejected")
            {
                Assert.Equal(GatewayErrorText.Get(expected[i].Error), immediate[i].GetProperty("error").GetString());
            }
        }

        var acceptedSequences = immediate.Where(a => a.Status() == "accepted").Select(a => a.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(acceptedSequences, outcomes.Select(o => o.GetProperty("seq").GetInt64())); // one outcome each, in order
        Assert.Equal(acceptedSequences.Order(), acceptedSequences);
        Assert.Equal(expected.Where(e => e.Status == "accepted").Select(e => e.Id), outcomes.Select(o => o.Id()));
        return new ClientResult(acceptedSequences);
    }

    /// <summary>Sends valid lines, then half a line, then disconnects: the whole lines count, the cut one does not.</summary>
    private static async Task<int> RunCutClientAsync(int port, CancellationToken cancellationToken)
    {
        const int Whole = 100;
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(port, cancellationToken);
        var payload = new StringBuilder();
        for (int i = 0; i < Whole; i++)
        {
            payload.Append("{\"id\":\"cut-").Append(i).Append("\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n");
        }

        payload.Append("{\"id\":\"cut-partial\",\"symbol\":\"AAPL\",\"side\":\"BU");
        await client.SendAsync(payload.ToString(), cancellationToken);
        client.ShutdownSend();
        List<JsonElement> answers = await client.ReadUntilAsync(_ => false, cancellationToken); // to the server's close
        Assert.Equal(Whole, answers.Count(a => a.Status() == "accepted"));
        Assert.DoesNotContain(answers, a => a.GetProperty("id").GetString() == "cut-partial");
        return Whole;
    }

    private static void Write(MemoryStream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Polls <paramref name="condition"/> until it holds, under the caller's hang guard (asserts nothing about time).</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(5, cancellationToken); // polling a condition, with the test's hang guard
        }
    }
}
