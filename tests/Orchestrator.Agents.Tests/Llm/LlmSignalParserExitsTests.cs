using Orchestrator.Agents.Strategy;
using Orchestrator.Core;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Protective exits, trailing stops and auction tifs in a model's answer (issue 19), read as strictly as the rest.</summary>
public sealed class LlmSignalParserExitsTests
{
    private static readonly HashSet<string> s_symbols = ["AAPL"];

    [Fact]
    public void Exits_AreRead_AndBecomeTheEnginesUnits()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r","order_type":"limit","limit_price":100,"take_profit":108,"stop_loss_pct":2.5,"trail_percent":1,"time_in_force":"opg"}]}""", s_symbols, 10);

        ProposedSignal signal = Assert.Single(answer.Signals);
        Assert.Equal(new ProposedExits(108m, 0m, 0m, 2.5m, 0m, 1m), signal.Exits);
        Assert.Equal(TimeInForce.Opg, signal.Tif);
        ProtectiveExits exits = signal.Exits.ToExits();
        Assert.Equal((108_000_000L, 25_000, 10_000), (exits.TakeProfitRaw, exits.StopLossPpm, exits.TrailPpm));
    }

    [Fact]
    public void ATrailingStop_WithItsTrail_IsRead()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","side":"SELL","confidence":0.9,"reason":"r","order_type":"trailing_stop","trail_price":1.5,"time_in_force":"cls"}]}""", s_symbols, 10);

        ProposedSignal signal = Assert.Single(answer.Signals);
        Assert.Equal((OrderType.TrailingStop, 1.5m, TimeInForce.Cls), (signal.OrderType, signal.Exits.TrailPrice, signal.Tif));
    }

    [Theory]
    [InlineData("\"take_profit\":\"108\"", "take_profit: must be a number, was \"108\"")]
    [InlineData("\"take_profit\":108,\"take_profit_pct\":3", "take_profit: give take_profit or take_profit_pct, not both")]
    [InlineData("\"order_type\":\"limit\",\"limit_price\":100,\"stop_loss\":101", "stop_loss: must be below the entry's limit (or stop) price for a buy")]
    [InlineData("\"stop_loss_pct\":120", "stop_loss_pct: must be a percent from 0 to below 100")]
    [InlineData("\"trail_percent\":-1", "trail_percent: must be a percent")]
    [InlineData("\"order_type\":\"trailing_stop\"", "trail_price: order_type trailing_stop needs trail_price or trail_percent")]
    [InlineData("\"stop_loss\":90,\"stop_loss\":91", "member \"stop_loss\" appears twice")]
    [InlineData("\"order_id\":\"5\"", "unknown member \"order_id\"")]
    public void BadExits_RefuseThatItemAlone_NamingTheField(string members, string problem)
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            "{\"signals\":[{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"r\"," + members + "},{\"symbol\":\"MSFT\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"r\"}]}",
            new HashSet<string> { "AAPL", "MSFT" }, 10);

        Assert.Null(answer.DocumentError);
        Assert.Equal("MSFT", Assert.Single(answer.Signals).Symbol);
        Assert.StartsWith("signals[0]: " + problem, Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }
}
