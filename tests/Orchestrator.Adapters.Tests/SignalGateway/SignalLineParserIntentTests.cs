using System.Text;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>The order intent fields of a request line (issue 17): order_type, limit_price, stop_price, tif, quantity.</summary>
public sealed class SignalLineParserIntentTests
{
    private const string Head = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,";

    [Theory]
    [InlineData("\"order_type\":\"STOP\",\"stop_price\":105.5,\"tif\":\"GTC\",\"quantity\":7}", OrderType.Stop, 0L, 105_500_000L, TimeInForce.Gtc, 7L, true)]
    [InlineData("\"order_type\":\" stop_limit \",\"limit_price\":106,\"stop_price\":105,\"tif\":\"ioc\"}", OrderType.StopLimit, 106_000_000L, 105_000_000L, TimeInForce.Ioc, 0L, true)]
    [InlineData("\"order_type\":\"limit\",\"price\":99.25,\"tif\":\"fok\",\"quantity\":1}", OrderType.Limit, 99_250_000L, 0L, TimeInForce.Fok, 1L, true)]
    [InlineData("\"order_type\":\"Market\",\"tif\":\"Day\",\"quantity\":1000000000}", OrderType.Market, 0L, 0L, TimeInForce.Day, 1_000_000_000L, true)]
    [InlineData("\"limit_price\":99.5}", OrderType.Market, 99_500_000L, 0L, TimeInForce.Day, 0L, false)]
    [InlineData("\"stop_price\":101,\"order_type\":null,\"tif\":null,\"quantity\":null}", OrderType.Market, 0L, 101_000_000L, TimeInForce.Day, 0L, false)]
    public void IntentFields_AreParsed(string tail, OrderType type, long limitRaw, long stopRaw, TimeInForce tif, long quantity, bool typeGiven)
    {
        Assert.Equal(GatewayError.None, Parse(Head + tail, out ParsedSignal signal));

        Assert.Equal(type, signal.Intent.OrderType);
        Assert.Equal(typeGiven, signal.OrderTypeGiven);
        Assert.Equal(limitRaw, signal.Intent.LimitRaw);
        Assert.Equal(stopRaw, signal.Intent.StopRaw);
        Assert.Equal(tif, signal.Intent.Tif);
        Assert.Equal(quantity, signal.Intent.Quantity);
    }

    [Theory]
    [InlineData("\"order_type\":\"trailing\"}", GatewayError.OrderTypeInvalid, "order_type:")]
    [InlineData("\"order_type\":3}", GatewayError.OrderTypeInvalid, "order_type:")]
    [InlineData("\"order_type\":\"limit\"}", GatewayError.LimitPriceRequired, "limit_price:")]
    [InlineData("\"order_type\":\"stop_limit\",\"limit_price\":100}", GatewayError.StopPriceRequired, "stop_price:")]
    [InlineData("\"order_type\":\"stop\",\"stop_price\":100,\"price\":99}", GatewayError.LimitPriceNotAllowed, "limit_price:")]
    [InlineData("\"order_type\":\"market\",\"stop_price\":100}", GatewayError.StopPriceNotAllowed, "stop_price:")]
    [InlineData("\"order_type\":\"market\",\"price\":100}", GatewayError.LimitPriceNotAllowed, "limit_price:")]
    [InlineData("\"price\":100,\"limit_price\":100}", GatewayError.PriceAndLimitPrice, "limit_price:")]
    [InlineData("\"limit_price\":\"100\"}", GatewayError.LimitPriceNotNumber, "limit_price:")]
    [InlineData("\"limit_price\":-1}", GatewayError.LimitPriceOutOfRange, "limit_price:")]
    [InlineData("\"stop_price\":true}", GatewayError.StopPriceNotNumber, "stop_price:")]
    [InlineData("\"stop_price\":1000000001}", GatewayError.StopPriceOutOfRange, "stop_price:")]
    [InlineData("\"tif\":\"week\"}", GatewayError.TifInvalid, "tif:")]
    [InlineData("\"quantity\":0}", GatewayError.QuantityInvalid, "quantity:")]
    [InlineData("\"quantity\":2.5}", GatewayError.QuantityInvalid, "quantity:")]
    [InlineData("\"quantity\":-3}", GatewayError.QuantityInvalid, "quantity:")]
    [InlineData("\"quantity\":\"5\"}", GatewayError.QuantityInvalid, "quantity:")]
    [InlineData("\"quantity\":1000000001}", GatewayError.QuantityInvalid, "quantity:")]
    [InlineData("\"tif\":\"day\",\"tif\":\"gtc\"}", GatewayError.DuplicateProperty, "json:")]
    public void BadIntent_IsRefused_WithAFieldNamedError(string tail, GatewayError expected, string field)
    {
        Assert.Equal(expected, Parse(Head + tail, out _));
        Assert.StartsWith(field, GatewayErrorText.Get(expected), StringComparison.Ordinal);
    }

    private static GatewayError Parse(string line, out ParsedSignal signal) =>
        new SignalLineParser(new SymbolTable(["AAPL", "MSFT"]), new TextInterner(), new TextInterner(), 4096).Parse(Encoding.UTF8.GetBytes(line), out signal);
}

/// <summary>Issue 19: <c>quantity</c> is shares, converted into the symbol's unit: a fraction only where the symbol takes one.</summary>
public sealed class SignalLineParserFractionalTests
{
    [Theory]
    [InlineData("AAPL", "0.5", GatewayError.None, 5_000L)] // AAPL: quantity_decimals 4
    [InlineData("AAPL", "2", GatewayError.None, 20_000L)]
    [InlineData("AAPL", "0.0001", GatewayError.None, 1L)]
    [InlineData("AAPL", "0.00005", GatewayError.QuantityInvalid, 0L)] // finer than its unit: refused, never rounded
    [InlineData("MSFT", "2", GatewayError.None, 2L)] // whole shares
    [InlineData("MSFT", "0.5", GatewayError.QuantityInvalid, 0L)]
    public void Quantity_IsConvertedIntoTheSymbolsUnit(string symbol, string quantity, GatewayError expected, long units)
    {
        var parser = new SignalLineParser(new SymbolTable(["AAPL", "MSFT"]), new TextInterner(), new TextInterner(), 4096, new QuantityUnits([4, 0]));
        string line = "{\"quantity\":" + quantity + ",\"symbol\":\"" + symbol + "\",\"side\":\"BUY\",\"confidence\":0.5}"; // the quantity before the symbol

        Assert.Equal(expected, parser.Parse(Encoding.UTF8.GetBytes(line), out ParsedSignal signal));
        Assert.Equal(units, expected == GatewayError.None ? signal.Intent.Quantity : 0);
    }
}
