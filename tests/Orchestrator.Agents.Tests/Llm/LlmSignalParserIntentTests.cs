using Orchestrator.Agents.Strategy;
using Orchestrator.Core;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>The order intent an answer may carry (issue 18), read as strictly as the rest of the answer.</summary>
public sealed class LlmSignalParserIntentTests
{
    private static readonly HashSet<string> s_symbols = ["AAPL"];

    [Fact]
    public void AFullIntent_IsRead()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","side":"SELL","confidence":0.5,"reason":"r","order_type":"stop","stop_price":99.25,"time_in_force":"ioc","quantity":12}]}""", s_symbols, 10);

        ProposedSignal signal = Assert.Single(answer.Signals);
        Assert.Equal((OrderType.Stop, (decimal?)null, (decimal?)99.25m, TimeInForce.Ioc, 12L), (signal.OrderType, signal.LimitPrice, signal.StopPrice, signal.Tif, signal.Quantity));
        Assert.Equal((OrderType.Stop, 0m, 99.25m), signal.Order(100m));
    }

    [Fact]
    public void NoIntent_IsALimitAtTheLastClose()
    {
        LlmAnswer answer = LlmSignalParser.Parse("""{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r"}]}""", s_symbols, 10);

        Assert.Equal((OrderType.Limit, 100.5m, 0m), Assert.Single(answer.Signals).Order(100.5m));
    }

    [Theory]
    [InlineData("\"order_type\":\"LIMIT\",\"limit_price\":1", "order_type: must be market, limit, stop, stop_limit or trailing_stop (lower case), was \"LIMIT\"")]
    [InlineData("\"order_type\":\"iceberg\"", "order_type: must be market, limit, stop, stop_limit or trailing_stop")]
    [InlineData("\"order_type\":\"limit\"", "limit_price: required for order_type limit and stop_limit")]
    [InlineData("\"order_type\":\"market\",\"limit_price\":100", "limit_price: not allowed")]
    [InlineData("\"order_type\":\"limit\",\"limit_price\":100,\"stop_price\":99", "stop_price: not allowed")]
    [InlineData("\"order_type\":\"limit\",\"limit_price\":\"100\"", "limit_price: must be a number above 0")]
    [InlineData("\"limit_price\":0", "limit_price: must be a number above 0")]
    [InlineData("\"limit_price\":100.0000001", "limit_price: must be a number above 0 and at most 1000000000 with at most 6 decimals")]
    [InlineData("\"stop_price\":-1", "stop_price: must be a number above 0")]
    [InlineData("\"time_in_force\":\"GTC\"", "time_in_force: must be day, gtc, ioc, fok, opg or cls (lower case)")]
    [InlineData("\"quantity\":1.5", "quantity: must be an integer from 1 to 1000000000")]
    [InlineData("\"quantity\":0", "quantity: must be an integer")]
    [InlineData("\"quantity\":1e10", "quantity: must be an integer")]
    [InlineData("\"size\":1", "unknown member \"size\"")]
    public void ABadIntent_RefusesThatItemAlone_NamingTheField(string members, string problem)
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            "{\"signals\":[{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"r\"," + members + "},{\"symbol\":\"MSFT\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"r\"}]}",
            new HashSet<string> { "AAPL", "MSFT" }, 10);

        Assert.Null(answer.DocumentError);
        Assert.Equal("MSFT", Assert.Single(answer.Signals).Symbol); // the good item is kept
        Assert.StartsWith("signals[0]: " + problem, Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }
}
