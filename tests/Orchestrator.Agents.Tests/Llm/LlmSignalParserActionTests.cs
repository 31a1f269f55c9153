using Orchestrator.Agents.Strategy;
using Orchestrator.Core;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Amend and cancel items in a model's answer (issue 19): read where the caller allows them, checked by SignalIntentRules.</summary>
public sealed class LlmSignalParserActionTests
{
    private static readonly HashSet<string> s_symbols = ["AAPL", "MSFT"];

    [Fact]
    public void AmendAndCancel_AreRead_WithTheirOrderIds_NextToANewOrderOfTheSameSymbol()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","action":"amend","order_id":1765000000000000123,"limit_price":101.5,"quantity":8,"reason":"chase"},{"symbol":"AAPL","action":"cancel","order_id":1765000000000000124,"reason":"stale"},{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"new"}]}""",
            s_symbols, 10, allowActions: true);

        Assert.Empty(answer.RefusedItems);
        Assert.Equal(3, answer.Signals.Count);
        ProposedSignal amend = answer.Signals[0];
        Assert.Equal((SignalAction.Amend, 1765000000000000123L, 101.5m, 8L, Side.None), (amend.Action, amend.OrderId, amend.LimitPrice, amend.Quantity, amend.Side));
        ProposedSignal cancel = answer.Signals[1];
        Assert.Equal((SignalAction.Cancel, 1765000000000000124L, (decimal?)null), (cancel.Action, cancel.OrderId, cancel.LimitPrice));
        Assert.Equal(SignalAction.New, answer.Signals[2].Action);
    }

    [Fact]
    public void WithoutActions_ActionAndOrderIdAreUnknownMembers()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","action":"cancel","order_id":5,"reason":"stale"}]}""", s_symbols, 10);

        Assert.Empty(answer.Signals);
        Assert.StartsWith("signals[0]: unknown member \"action\"", Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"action\":\"cancel\",\"order_id\":5,\"limit_price\":100", "action: cancel takes only order_id")]
    [InlineData("\"action\":\"amend\",\"order_id\":5", "action: amend needs a new limit_price, stop_price or quantity")]
    [InlineData("\"action\":\"amend\",\"order_id\":\"5\",\"limit_price\":100", "order_id: must be the order_id an answer gave")]
    [InlineData("\"action\":\"amend\",\"order_id\":0,\"limit_price\":100", "order_id: must be the order_id an answer gave")]
    [InlineData("\"action\":\"amend\",\"order_id\":5.5,\"limit_price\":100", "order_id: must be the order_id an answer gave")]
    [InlineData("\"action\":\"cancel\"", "symbol, order_id and reason are all required for action cancel")]
    [InlineData("\"action\":\"Cancel\",\"order_id\":5", "action: must be new, amend or cancel")]
    [InlineData("\"action\":\"amend\",\"order_id\":5,\"limit_price\":100,\"side\":\"BUY\"", "action amend takes only symbol, action, order_id, reason")]
    [InlineData("\"action\":\"amend\",\"order_id\":5,\"limit_price\":100,\"take_profit\":120", "action amend takes only symbol, action, order_id, reason")]
    [InlineData("\"action\":\"amend\",\"order_id\":5,\"limit_price\":-1", "limit_price: must be a number above 0")]
    public void BadActions_RefuseThatItemAlone_NamingTheField(string members, string problem)
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            "{\"signals\":[{\"symbol\":\"AAPL\",\"reason\":\"r\"," + members + "},{\"symbol\":\"MSFT\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"r\"}]}",
            s_symbols, 10, allowActions: true);

        Assert.Null(answer.DocumentError);
        Assert.Equal("MSFT", Assert.Single(answer.Signals).Symbol);
        Assert.StartsWith("signals[0]: " + problem, Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }

    [Fact]
    public void ANewOrderWithAnOrderId_IsRefused()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.5,"reason":"r","order_id":5}]}""", s_symbols, 10, allowActions: true);

        Assert.StartsWith("signals[0]: order_id: only with action amend or cancel", Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameOrderTwice_TheSecondIsRefused()
    {
        LlmAnswer answer = LlmSignalParser.Parse(
            """{"signals":[{"symbol":"AAPL","action":"cancel","order_id":5,"reason":"a"},{"symbol":"AAPL","action":"amend","order_id":5,"limit_price":1,"reason":"b"}]}""", s_symbols, 10, allowActions: true);

        Assert.Single(answer.Signals);
        Assert.StartsWith("signals[1]: order_id: 5 was already named", Assert.Single(answer.RefusedItems), StringComparison.Ordinal);
    }
}
