using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Adapters.SignalGateway;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Issue 15 item 16: auth deadline, idle timeout and eviction — no client can lock the others out.
/// The gateway's clock is a manual one: time moves only when the test advances it (no sleeps).
/// </summary>
public sealed class GatewayConnectionLimitsTests
{
    private const string Token = "limits-token";
    private const string Signal = "{\"id\":\"s\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task IdleConnectionsBeyondTheLimit_NeverLockOutAClientThatAuthenticates()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(Options(maxConnections: 2, auth: true));
        var idle = new List<GatewayTestClient>();
        for (int i = 0; i < 6; i++)
        {
            idle.Add(await GatewayTestClient.ConnectAsync(rig.Port, guard.Token)); // connect and say nothing
            await SignalGatewayTests.WaitUntilAsync(() => rig.Gateway.Counters.ConnectionsOpened == idle.Count, guard.Token);
        }

        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.SendAsync("auth " + Token + "\n" + Signal, guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count == 3, guard.Token);

        Assert.Equal("authenticated", answers[0].Status());
        Assert.Equal("accepted", answers[1].Status());
        Assert.Equal(0, rig.Gateway.Counters.ConnectionsRefused);
        Assert.True(rig.Gateway.Counters.ConnectionsEvicted >= 5); // each newcomer closed the one waiting longest
        foreach (GatewayTestClient old in idle.Take(5))
        {
            JsonElement why = Assert.Single(await old.ReadUntilAsync(_ => false, guard.Token)); // then the server closed it
            Assert.Equal(GatewayErrorText.Get(GatewayError.Evicted), why.GetProperty("error").GetString());
            await old.DisposeAsync();
        }

        await idle[5].DisposeAsync();
    }

    [Fact]
    public async Task NoAuthWithinTheDeadline_GetsOneLineAndIsClosed_AnAuthenticatedOneStays()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(Options(maxConnections: 4, auth: true));
        await using GatewayTestClient silent = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await using GatewayTestClient good = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await good.SendAsync("auth " + Token + "\n", guard.Token);
        Assert.Equal("authenticated", (await good.ReadAsync(guard.Token))!.Value.Status());

        _time.Advance(TimeSpan.FromSeconds(10));
        List<JsonElement> closed = await silent.ReadUntilAsync(_ => false, guard.Token);

        Assert.Equal(GatewayErrorText.Get(GatewayError.AuthTimeout), Assert.Single(closed).GetProperty("error").GetString());
        await good.SendAsync(Signal, guard.Token);
        Assert.Equal("accepted", (await good.ReadAsync(guard.Token))!.Value.Status());
    }

    [Fact]
    public async Task NoLineForTheIdleTimeout_IsClosed_ActivityKeepsItOpen()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(Options(maxConnections: 4, auth: false));
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.SendAsync(Signal, guard.Token);
        await client.ReadUntilAsync(a => a.Count == 2, guard.Token);

        _time.Advance(TimeSpan.FromSeconds(50)); // short of the timeout: still served
        await client.SendAsync(Signal, guard.Token);
        Assert.Equal("accepted", (await client.ReadAsync(guard.Token))!.Value.Status());
        Assert.True((await client.ReadAsync(guard.Token))!.Value.IsOutcome());

        _time.Advance(TimeSpan.FromSeconds(60));
        List<JsonElement> closed = await client.ReadUntilAsync(_ => false, guard.Token);

        Assert.Equal(GatewayErrorText.Get(GatewayError.IdleTimeout), Assert.Single(closed).GetProperty("error").GetString());
        Assert.Equal(1, rig.Gateway.Counters.RejectedBy(GatewayError.IdleTimeout));
    }

    [Fact]
    public async Task OneMoreThanMaxConnections_ClosesTheIdlestNotTheNewcomer()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(Options(maxConnections: 2, auth: false));
        await using GatewayTestClient busy = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await SignalGatewayTests.WaitUntilAsync(() => rig.Gateway.Counters.ActiveConnections == 1, guard.Token);
        _time.Advance(TimeSpan.FromSeconds(1));
        await using GatewayTestClient quiet = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await SignalGatewayTests.WaitUntilAsync(() => rig.Gateway.Counters.ActiveConnections == 2, guard.Token);
        _time.Advance(TimeSpan.FromSeconds(1));
        await busy.SendAsync(Signal, guard.Token); // busy spoke last: quiet is now the idlest
        await busy.ReadUntilAsync(a => a.Count == 2, guard.Token);

        await using GatewayTestClient newcomer = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        List<JsonElement> evicted = await quiet.ReadUntilAsync(_ => false, guard.Token);
        await newcomer.SendAsync(Signal, guard.Token);
        await busy.SendAsync(Signal, guard.Token);

        Assert.Equal(GatewayErrorText.Get(GatewayError.Evicted), Assert.Single(evicted).GetProperty("error").GetString());
        Assert.Equal("accepted", (await newcomer.ReadAsync(guard.Token))!.Value.Status());
        Assert.Equal("accepted", (await busy.ReadAsync(guard.Token))!.Value.Status());
        Assert.Equal(0, rig.Gateway.Counters.ConnectionsRefused);
        Assert.Equal(1, rig.Gateway.Counters.ConnectionsEvicted);
    }

    [Theory]
    [InlineData(0, 10, "auth_timeout")]
    [InlineData(10, 0, "idle_timeout")]
    public void Timeouts_AreValidated(int authSeconds, int idleSeconds, string key)
    {
        var options = new GatewayOptions { AuthTimeout = TimeSpan.FromSeconds(authSeconds), IdleTimeout = TimeSpan.FromSeconds(idleSeconds) };

        Assert.Contains(options.Validate(), e => e.StartsWith(key + ":", StringComparison.Ordinal));
    }

    private GatewayOptions Options(int maxConnections, bool auth) => new()
    {
        Port = 0,
        MaxConnections = maxConnections,
        AuthToken = auth ? Token : null,
        AuthTimeout = TimeSpan.FromSeconds(10),
        IdleTimeout = TimeSpan.FromSeconds(60),
        Time = _time,
    };
}
