using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// The agent protocol's <c>bar</c> and <c>account</c> lines over a raw loopback socket, from a real
/// engine with the paper venue: exact fields and values against what was fed.
/// </summary>
public sealed class AgentBarAndAccountTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);
    private const long Minute = 60_000_000_000L;

    /// <summary>The start of the 5-minute bar <see cref="GatewayRig.T0"/> (the rig's opening trade) falls in.</summary>
    private static readonly long B = GatewayRig.T0 - (GatewayRig.T0 % (5 * Minute));

    [Fact]
    public async Task Bars_OneMinuteFromTheTrades_AndFiveMinutesFromThem_EachSentWhenTheFirstTradePastItsEndArrives()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(); // its opening trade: AAPL 100 x 100 at T0 = B + 3m20s
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"bars\",\"symbols\":[\"AAPL\"],\"ticks\":false,\"bars\":[\"1m\",\"5m\"]}", guard.Token);

        Trade(rig, 5, 10, 101m, 10);    // closes 1m B+3m, and 5m B (the first trade past its end)
        Trade(rig, 5, 30, 103m, 20);
        Trade(rig, 5, 50, 99.5m, 5);
        rig.PublishTick(1, 50m, B + (5 * Minute) + 55_000_000_000L, 1_000); // MSFT: not subscribed
        Trade(rig, 6, 0, 102m, 7);      // closes 1m B+5m
        Trade(rig, 9, 59, 104.25m, 1);  // closes 1m B+6m (minutes 7 and 8 had no trades: no bars)
        Trade(rig, 10, 0, 98m, 3);      // closes 1m B+9m, and 5m B+5m
        Trade(rig, 11, 0, 97m, 1);      // closes 1m B+10m
        List<JsonElement> lines = await client.ReadUntilAsync(l => l.Count(x => x.Type() == "bar") == 7, guard.Token);

        List<JsonElement> bars = [.. lines.Where(l => l.Type() == "bar")];
        Assert.All(bars, b => Assert.Equal(["type", "symbol", "timeframe", "start", "open", "high", "low", "close", "volume"], b.EnumerateObject().Select(p => p.Name)));
        Assert.All(bars, b => Assert.Equal("AAPL", b.Str("symbol")));
        Assert.Equal(
            [
                "1m +3m 100 100 100 100 100",
                "5m +0m 100 100 100 100 100",
                "1m +5m 101 103 99.5 99.5 35",
                "1m +6m 102 102 102 102 7",
                "1m +9m 104.25 104.25 104.25 104.25 1",
                "5m +5m 101 104.25 99.5 104.25 43",
                "1m +10m 98 98 98 98 3",
            ],
            bars.Select(Describe));
        Assert.DoesNotContain(lines, l => l.Type() == "tick");
    }

    [Fact]
    public async Task Account_AtMostOnceASecond_OnlyWhenItChanged_WithTheEnginesValues_WithoutAnyoneElseAskingForSnapshots()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        var clock = new FakeTimeProvider(); // the gateway's clock: its sweep runs when the test advances it (every 100 ms)
        await using var rig = new GatewayRig(new GatewayOptions { Port = 0, Time = clock, AuthTimeout = TimeSpan.FromMilliseconds(400), HeartbeatInterval = TimeSpan.FromSeconds(1) });
        rig.PublishTick(0, 100m); // the paper venue's reference price
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"accountant\",\"symbols\":[\"AAPL\"],\"ticks\":false}", guard.Token);
        await client.SendAsync("{\"id\":\"b1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9}\n", guard.Token);
        await client.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
        Quiet(rig);
        rig.PublishTick(0, 101m); // fills the market order: one share held, equity moves with the price
        Quiet(rig);
        Assert.Equal(1, rig.Engine.Portfolio.Quantity(0));

        // Seven seconds in 100 ms sweeps; the price (so the equity) changes every step of the first
        // four, then not at all. What the engine holds as each second is reached is what it is asked
        // for. Each second's heartbeat is read before the clock moves on (heartbeats due before the
        // writer ran would go out as one).
        var asked = new List<(long Cash, long Equity)>();
        var lines = new List<JsonElement>();
        for (int step = 1; step <= 70; step++)
        {
            if (step < 40)
            {
                rig.PublishTick(0, 101m + (step * 0.01m));
                Quiet(rig);
            }

            if (step % 10 == 0)
            {
                asked.Add((rig.Engine.Portfolio.CashRaw, rig.Engine.Portfolio.EquityRaw));
            }

            clock.Advance(TimeSpan.FromMilliseconds(100));
            Quiet(rig); // the snapshot the sweep asked for is written
            if (step % 10 == 0)
            {
                lines.AddRange(await client.ReadUntilTypeAsync("heartbeat", guard.Token));
            }
        }

        // Heartbeats mark the gateway's seconds (a heartbeat and a due account go out in one pass, in that order).
        List<JsonElement> marked = [.. lines.Where(l => l.Type() is "heartbeat" or "account")];
        Assert.Equal(["heartbeat", "heartbeat", "account", "heartbeat", "account", "heartbeat", "account", "heartbeat", "account", "heartbeat", "heartbeat"], marked.Select(l => l.Type()));
        List<JsonElement> accounts = [.. marked.Where(l => l.Type() == "account")];
        Assert.All(accounts, a => Assert.Equal(["type", "cash", "equity", "buying_power", "ts"], a.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(asked.Take(4).Select(v => (FixedPoint.ToDecimal(v.Cash), FixedPoint.ToDecimal(v.Equity))), accounts.Select(a => (a.Num("cash"), a.Num("equity"))));
        Assert.All(accounts, a => Assert.Equal(a.Num("cash"), a.Num("buying_power")));
        Assert.All(accounts, a => Assert.Equal(GatewayRig.T0, a.GetProperty("ts").GetInt64()));
        Assert.Equal(asked[3], asked[6]); // nothing changed after the fourth second: no more account lines
    }

    /// <summary>An AAPL trade at <see cref="B"/> + <paramref name="minutes"/>m <paramref name="seconds"/>s.</summary>
    private static void Trade(GatewayRig rig, int minutes, int seconds, decimal price, long size) =>
        rig.PublishTick(0, price, B + (minutes * Minute) + (seconds * 1_000_000_000L), size);

    private static string Describe(JsonElement bar) =>
        string.Join(' ', bar.Str("timeframe"), "+" + ((bar.GetProperty("start").GetInt64() - B) / Minute) + "m", bar.Num("open"), bar.Num("high"), bar.Num("low"), bar.Num("close"), bar.Num("volume"));

    private static void Quiet(GatewayRig rig) => Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
}
