using System.Text;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>Field rules of one request line, without sockets.</summary>
public sealed class SignalLineParserTests
{
    private readonly TextInterner _sources = new();
    private readonly TextInterner _reasons = new();

    [Theory]
    [InlineData("{\"symbol\":\"aapl\",\"side\":\"buy\",\"confidence\":0.85}", 0, Side.Buy, 850_000, 0L)]
    [InlineData("{\"symbol\":\" \\u004DSFT \",\"side\":\"Sell\",\"confidence\":1,\"price\":175.123456}", 1, Side.Sell, 1_000_000, 175_123_456L)]
    [InlineData("{\"confidence\":0,\"side\":\"SELL\",\"symbol\":\"AAPL\",\"price\":null,\"reason\":null,\"id\":null}", 0, Side.Sell, 0, 0L)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":1000000000,\"future\":{\"a\":[1,{\"b\":2}]}}", 0, Side.Buy, 500_000, 1_000_000_000_000_000L)]
    public void ValidLine_IsParsedExactly(string line, int symbolId, Side side, int confidencePpm, long priceRaw)
    {
        GatewayError error = Parser().Parse(Encoding.UTF8.GetBytes(line), out ParsedSignal signal);

        Assert.Equal(GatewayError.None, error);
        Assert.Equal(symbolId, signal.SymbolId);
        Assert.Equal(side, signal.Side);
        Assert.Equal(confidencePpm, signal.ConfidencePpm);
        Assert.Equal(priceRaw, signal.Intent.LimitRaw);
        Assert.Equal(-1, signal.IdOffset);
        Assert.Equal(SignalLineParser.DefaultSource, _sources.Get(signal.SourceId));
    }

    [Fact]
    public void SourceReasonAndId_AreInternedAndLocated()
    {
        byte[] line = Encoding.UTF8.GetBytes("{\"id\":\"a\\\"1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"source\":\"strategy_agent\",\"reason\":\"caf\u00e9 \\u2192 up\"}");

        Assert.Equal(GatewayError.None, Parser().Parse(line, out ParsedSignal signal));

        Assert.Equal("strategy_agent", _sources.Get(signal.SourceId));
        Assert.Equal("caf\u00e9 \u2192 up", _reasons.Get(signal.ReasonId));
        Assert.Equal("a\\\"1", Encoding.UTF8.GetString(line, signal.IdOffset, signal.IdLength)); // echoed as written: still valid JSON
    }

    [Theory]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":-0.1}", GatewayError.ConfidenceOutOfRange)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":1000000000.000001}", GatewayError.PriceOutOfRange)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":Infinity}", GatewayError.MalformedJson)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"price\":true}", GatewayError.PriceNotNumber)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"source\":\"  \"}", GatewayError.SourceInvalid)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"id\":7}", GatewayError.IdNotString)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5} {\"x\":1}", GatewayError.MalformedJson)]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\"}", GatewayError.ConfidenceMissing)]
    [InlineData("{\"side\":\"BUY\",\"confidence\":0.5}", GatewayError.SymbolMissing)]
    [InlineData("\"just a string\"", GatewayError.NotAnObject)]
    [InlineData("{\"symbol\":\"AAPL\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5}", GatewayError.DuplicateProperty)]
    public void BadLine_GetsItsError(string line, GatewayError expected)
    {
        Assert.Equal(expected, Parser().Parse(Encoding.UTF8.GetBytes(line), out _));
    }

    /// <summary>Escapes that decode to no valid text (lone surrogates) are refused, never thrown, wherever they stand.</summary>
    [Theory]
    [InlineData("{\"symbol\":\"\\ud800\",\"side\":\"BUY\",\"confidence\":0.5}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"\\udc00\",\"confidence\":0.5}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"a\\ud800b\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"source\":\"\\ud800\\ud800\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"\\ud800\":1}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"id\":\"\\udfff\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"\\udc00\\ud800\"}")]
    public void LoneSurrogateEscape_IsRefusedAsInvalidText(string line)
    {
        Assert.Equal(GatewayError.InvalidText, Parser().Parse(Encoding.UTF8.GetBytes(line), out _));
    }

    /// <summary>Issue 15 item 22: line separators, bidi and control characters in reason or source would forge log lines.</summary>
    [Theory]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"dip\\u2028Order filled: AAPL\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"dip\u2029x\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"a\\nOrder filled\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"a\\u202Eb\"}")]
    [InlineData("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"source\":\"x\\u2067y\"}")]
    public void LineForgingText_IsRefused(string line)
    {
        Assert.Equal(GatewayError.UnsafeText, Parser().Parse(Encoding.UTF8.GetBytes(line), out _));
    }

    [Fact]
    public void PairedSurrogateEscape_IsValidText()
    {
        Assert.Equal(GatewayError.None, Parser().Parse("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,\"reason\":\"\\ud83d\\ude00\"}"u8, out ParsedSignal signal));
        Assert.Equal("\ud83d\ude00", _reasons.Get(signal.ReasonId));
    }

    /// <summary>Random and mutated lines: the parser returns an answer for every one and never throws.</summary>
    [Fact]
    public void FuzzedLines_NeverThrow()
    {
        SignalLineParser parser = Parser();
        foreach (byte[] line in FuzzLines.Generate(seed: 15, count: 20_000, maxBytes: 4096))
        {
            parser.Parse(line, out _); // an exception fails the test
        }
    }

    [Fact]
    public void RefusedLine_InternsNothing()
    {
        Parser().Parse("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":2,\"source\":\"never-seen\",\"reason\":\"never-seen\"}"u8, out _);

        Assert.NotEqual("never-seen", _sources.Get(2));
        Assert.Equal(string.Empty, _reasons.Get(1));
    }

    private SignalLineParser Parser() => new(new SymbolTable(["AAPL", "MSFT"]), _sources, _reasons, 4096);
}
