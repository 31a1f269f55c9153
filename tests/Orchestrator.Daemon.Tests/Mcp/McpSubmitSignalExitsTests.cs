using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Mcp;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Tests.Mcp;

/// <summary>
/// submit_signal's protective exits and amend/cancel actions (issue 19) reach the ring slot through the
/// real signal publisher (the engine is not started, so the slot stays as written).
/// </summary>
public sealed class McpSubmitSignalExitsTests
{
    private readonly TradingEngine _engine = new(new EngineOptions { Symbols = ["AAPL", "MSFT"] }, NullAuditWriter.Instance);

    private McpTool SubmitSignal() =>
        OrchestratorMcpTools.All(new McpToolContext(null!, null, new RecentSignals(), new EngineSignalPublisher(_engine, () => 1))).Single(t => t.Name == "submit_signal");

    private async Task<long> SubmitAsync(string argumentsJson)
    {
        Dictionary<string, JsonElement> values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!;
        JsonNode? answer = await SubmitSignal().Invoke(new McpArguments(values), CancellationToken.None);
        Assert.True(answer!["accepted"]!.GetValue<bool>());
        return answer["sequence"]!.GetValue<long>();
    }

    [Fact]
    public async Task Bracket_IsCarriedIntoTheSlot()
    {
        long seq = await SubmitAsync("""{"symbol":"AAPL","side":"BUY","confidence":0.8,"limit_price":100,"take_profit":112,"stop_loss_pct":3,"trail_percent":1.5,"tif":"gtc"}""");

        ref EngineEvent e = ref _engine.Inbound[seq];
        Assert.Equal(SignalAction.New, e.Action);
        Assert.Equal(112_000_000, e.Exits.TakeProfitRaw);
        Assert.Equal(30_000, e.Exits.StopLossPpm);
        Assert.Equal(15_000, e.Exits.TrailPpm);
        Assert.Equal(TimeInForce.Gtc, e.SignalTif);
    }

    [Theory]
    [InlineData("""{"symbol":"AAPL","action":"amend","order_id":"21","limit_price":99.5,"quantity":3}""", SignalAction.Amend, 99_500_000L, 3L)]
    [InlineData("""{"symbol":"AAPL","action":"cancel","order_id":21}""", SignalAction.Cancel, 0L, 0L)]
    public async Task AmendAndCancel_NeedNoSide_AndNameTheOrder(string argumentsJson, SignalAction action, long limitRaw, long quantity)
    {
        long seq = await SubmitAsync(argumentsJson);

        ref EngineEvent e = ref _engine.Inbound[seq];
        Assert.Equal(action, e.Action);
        Assert.Equal(21, e.TargetOrderId);
        Assert.Equal(limitRaw, e.SignalPriceRaw);
        Assert.Equal(quantity, e.SignalQuantity);
        Assert.Equal(Side.None, e.SignalSide);
    }

    [Theory]
    [InlineData("""{"symbol":"AAPL","side":"BUY","confidence":0.5,"take_profit":110,"take_profit_pct":4}""", "take_profit: give take_profit or take_profit_pct, not both")]
    [InlineData("""{"symbol":"AAPL","side":"SELL","confidence":0.5,"limit_price":100,"take_profit":101}""", "take_profit: must be above the entry's limit (or stop) price for a buy, below it for a sell")]
    [InlineData("""{"symbol":"AAPL","side":"SELL","confidence":0.5,"order_type":"trailing_stop"}""", "trail_price: order_type trailing_stop needs trail_price or trail_percent")]
    [InlineData("""{"symbol":"AAPL","side":"BUY","confidence":0.5,"stop_loss_pct":100}""", "stop_loss_pct: must be a percent from 0 to below 100")]
    [InlineData("""{"symbol":"AAPL","action":"amend","order_id":"21"}""", "action: amend needs a new limit_price, stop_price or quantity")]
    [InlineData("""{"symbol":"AAPL","action":"cancel","order_id":"abc"}""", "order_id: must be the order_id an answer gave")]
    [InlineData("""{"symbol":"AAPL","confidence":0.5}""", "side: required")]
    public async Task BadExitsAndActions_AreRefused_NamingTheField(string argumentsJson, string expected)
    {
        long cursor = _engine.Inbound.Cursor;
        Dictionary<string, JsonElement> values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!;

        McpToolException refused = await Assert.ThrowsAsync<McpToolException>(() => SubmitSignal().Invoke(new McpArguments(values), CancellationToken.None));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.Equal(cursor, _engine.Inbound.Cursor);
    }
}
