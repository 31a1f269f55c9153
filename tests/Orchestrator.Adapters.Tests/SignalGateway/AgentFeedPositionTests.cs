using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// Issue 19: the agent feed's order, fill and position lines in shares for a fractional symbol, and an agent's
/// group exits tracked so their fills move its position line. A real engine, the paper venue and real sockets.
/// </summary>
public sealed class AgentFeedPositionTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(120);

    private static readonly Dictionary<string, InstrumentInfo> s_fractionalAapl = new() { ["AAPL"] = InstrumentInfo.Default("AAPL") with { QuantityDecimals = 2 } };

    [Fact]
    public async Task FractionalSymbol_OrderFillAndPositionLines_AreInShares_AndThePnlIsOfShares()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig(instruments: s_fractionalAapl);
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"fractions\",\"symbols\":[\"AAPL\"],\"ticks\":false,\"last_fill_seq\":0}", guard.Token);
        rig.PublishTick(0, 100m);

        await client.SendAsync("{\"id\":\"b1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"quantity\":0.5}\n", guard.Token);
        await client.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        rig.PublishTick(0, 101m); // fills the buy
        List<JsonElement> bought = await client.ReadUntilTypeAsync("position", guard.Token);
        JsonElement buyFill = bought.Single(l => l.Type() == "fill");

        rig.PublishTick(0, 110m);
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        await client.SendAsync("{\"id\":\"s1\",\"symbol\":\"AAPL\",\"side\":\"SELL\",\"confidence\":0.9,\"quantity\":0.5}\n", guard.Token);
        await client.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        rig.PublishTick(0, 111m); // fills the sell
        List<JsonElement> sold = await client.ReadUntilTypeAsync("position", guard.Token);
        JsonElement sellFill = sold.Single(l => l.Type() == "fill");

        Assert.Equal(0.5m, buyFill.Num("quantity"));
        Assert.Contains(bought, l => l.Type() == "order" && l.Str("status") == "filled" && l.Num("quantity") == 0.5m && l.Num("filled") == 0.5m);
        JsonElement open = bought[^1];
        Assert.Equal(0.5m, open.Num("quantity"));
        Assert.Equal(buyFill.Num("price"), open.Num("avg_price"));
        Assert.Equal(0.5m, sellFill.Num("quantity"));
        JsonElement closed = sold[^1];
        Assert.Equal(0m, closed.Num("quantity"));
        decimal expected = ((sellFill.Num("price") - buyFill.Num("price")) * 0.5m) - buyFill.Num("commission") - sellFill.Num("commission");
        Assert.Equal(expected, closed.Num("realized_pnl")); // half a share's gain, not fifty shares'
    }

    [Fact]
    public async Task GroupStopLoss_TheAgentSeesItsOrderAndFill_AndItsPositionLineGoesFlat()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await using var rig = new GatewayRig();
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);
        await client.HelloAsync("{\"type\":\"hello\",\"name\":\"bracketed\",\"symbols\":[\"AAPL\"],\"ticks\":false,\"last_fill_seq\":0}", guard.Token);
        rig.PublishTick(0, 100m);

        await client.SendAsync("{\"id\":\"e1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"stop_loss\":95}\n", guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(l => l.Any(x => x.TryGetProperty("status", out _) && x.IsOutcome()), guard.Token);
        string entryId = answers.Single(x => x.TryGetProperty("status", out _) && x.IsOutcome()).Str("order_id");
        Assert.True(rig.Engine.WaitUntilQuiet(TimeSpan.FromSeconds(10)));
        rig.PublishTick(0, 101m); // fills the entry; the engine places the stop-loss
        List<JsonElement> entered = await client.ReadUntilAsync(
            l => l.Any(x => x.Type() == "order" && x.TryGetProperty("group_role", out JsonElement r) && r.GetString() == "stop_loss" && x.Str("status") == "accepted"), guard.Token);
        rig.PublishTick(0, 94m); // the stop triggers and fills
        List<JsonElement> exited = await client.ReadUntilAsync(l => l.Any(x => x.Type() == "position" && x.Num("quantity") == 0), guard.Token);

        Assert.Equal(1, entered.Last(l => l.Type() == "position").Num("quantity"));
        JsonElement stop = entered.Last(l => l.Type() == "order");
        Assert.Equal(entryId, stop.Str("group_id"));
        Assert.Equal("SELL", stop.Str("side"));
        Assert.Equal("stop", stop.Str("order_type"));
        Assert.Equal(95m, stop.Num("stop_price"));
        Assert.Equal(1, stop.Num("quantity"));
        JsonElement fill = exited.Single(l => l.Type() == "fill");
        Assert.Equal(stop.Str("order_id"), fill.Str("order_id"));
        Assert.Equal("SELL", fill.Str("side"));
        Assert.Equal(2, fill.Num("fill_seq"));
        Assert.Contains(exited, l => l.Type() == "order" && l.Str("order_id") == stop.Str("order_id") && l.Str("status") == "filled");
        rig.Gateway.TryGetAgent("bracketed", out GatewayAgent? agent);
        Assert.Equal(2, agent!.Counters.Fills);
    }
}
