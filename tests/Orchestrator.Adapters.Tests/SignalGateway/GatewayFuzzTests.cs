using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Random and mutated lines over a real loopback socket: every non-blank line gets exactly one
/// answer, in order, whatever its bytes, and the connection keeps serving (issue 15 item 15).
/// </summary>
public sealed class GatewayFuzzTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task LoneSurrogateEscape_IsAnswered_TheNextLineToo_ConnectionStaysUsable()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync("{\"id\":\"bad\",\"symbol\":\"\\ud800\",\"side\":\"BUY\",\"confidence\":0.5}\n{\"id\":\"ok\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 3, guard.Token);

        Assert.Equal("rejected", answers[0].Status());
        Assert.Equal("bad", answers[0].Id());
        Assert.Equal(GatewayErrorText.Get(GatewayError.InvalidText), answers[0].GetProperty("error").GetString());
        Assert.Equal("accepted", answers[1].Status());
        Assert.Equal("ok", answers[1].Id());
        Assert.True(answers[2].IsOutcome());
        Assert.Equal(0, rig.Gateway.Counters.InternalErrors);
    }

    [Fact]
    public async Task FuzzedLines_EachGetsExactlyOneAnswerInOrder_ThenTheConnectionClosesCleanly()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, MaxLineBytes = 4096 });
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        var payload = new MemoryStream();
        int expected = 0;
        foreach (byte[] line in FuzzLines.Generate(seed: 1515, count: 6_000, maxBytes: 5_000))
        {
            payload.Write(line);
            payload.WriteByte((byte)'\n');
            expected += line.AsSpan().Trim(" \t\r"u8).IsEmpty ? 0 : 1; // blank lines get no answer
        }

        payload.Write("{\"id\":\"end\",\"symbol\":\"AAPL\",\"side\":\"SELL\",\"confidence\":0.5}\n"u8);
        Task send = client.SendAsync(payload.ToArray(), guard.Token);
        await send;
        client.ShutdownSend();
        List<JsonElement> answers = await client.ReadUntilAsync(_ => false, guard.Token); // to the server's close: nothing more comes

        // With auth off, an auth line is answered "authenticated" (agent protocol: an agent may send its token anyway).
        var immediate = answers.Where(a => a.IsImmediate() || a.Status() == "authenticated").ToList();
        int authenticated = immediate.Count(a => a.Status() == "authenticated");
        Assert.Equal(expected + 1, immediate.Count);
        Assert.Equal("end", immediate[^1].Id());
        Assert.Equal("accepted", immediate[^1].Status());
        Assert.Equal(immediate.Count(a => a.Status() == "accepted"), answers.Count(a => a.IsOutcome()));
        Assert.Equal(0, rig.Gateway.Counters.InternalErrors);
        Assert.True(rig.Gateway.Counters.RejectedBy(GatewayError.InvalidText) > 0);
        Assert.Equal(expected + 1, rig.Gateway.Counters.Accepted + rig.Gateway.Counters.Rejected + authenticated);
    }

    [Fact]
    public async Task BeforeAuth_FuzzedFirstLines_EachGetsOneAnswerAndACleanClose()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, AuthToken = "fuzz-token" });
        IEnumerable<byte[]> lines = new[] { "{\"auth\":\"\\ud800\"}"u8.ToArray(), "{\"\\ud800\":\"x\"}"u8.ToArray(), "auth \\ud800"u8.ToArray() }
            .Concat(FuzzLines.Generate(seed: 16, count: 60, maxBytes: 1_000).Where(l => !l.AsSpan().Trim(" \t\r"u8).IsEmpty));
        foreach (byte[] line in lines)
        {
            await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
            await client.SendAsync([.. line, (byte)'\n'], guard.Token);
            List<JsonElement> answers = await client.ReadUntilAsync(_ => false, guard.Token); // the server closes

            JsonElement answer = Assert.Single(answers);
            Assert.Equal("rejected", answer.Status());
            Assert.Contains(answer.GetProperty("error").GetString(), new[] { GatewayErrorText.Get(GatewayError.AuthRequired), GatewayErrorText.Get(GatewayError.AuthFailed) });
        }

        Assert.Equal(0, rig.Gateway.Counters.InternalErrors);
        Assert.Equal(0, rig.Gateway.Counters.Accepted);
    }
}
