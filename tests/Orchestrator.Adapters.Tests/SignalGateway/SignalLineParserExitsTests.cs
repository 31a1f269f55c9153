using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.SignalGateway;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.SignalGateway;

/// <summary>
/// A request line's protective exits, trailing stops, auction tifs and amend/cancel actions (issue 19):
/// parsed into the intent, refused with field-named errors, and carried into the ring slot over loopback TCP.
/// </summary>
public sealed class SignalLineParserExitsTests
{
    private const string Head = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.5,";

    [Fact]
    public void BracketFields_AreParsed_PercentsAsMillionths()
    {
        Assert.Equal(GatewayError.None, Parse(Head + "\"limit_price\":100,\"take_profit\":110.5,\"stop_loss_pct\":2.5,\"trail_percent\":1.25,\"tif\":\"opg\"}", out ParsedSignal signal));

        Assert.Equal(110_500_000, signal.Intent.Exits.TakeProfitRaw);
        Assert.Equal(25_000, signal.Intent.Exits.StopLossPpm);
        Assert.Equal(12_500, signal.Intent.Exits.TrailPpm);
        Assert.Equal(0, signal.Intent.Exits.StopLossRaw);
        Assert.Equal(TimeInForce.Opg, signal.Intent.Tif);
        Assert.Equal(SignalAction.New, signal.Intent.Action);
    }

    [Fact]
    public void TrailingStop_WithATrailPrice_AndClsTif_IsParsed()
    {
        Assert.Equal(GatewayError.None, Parse("{\"symbol\":\"AAPL\",\"side\":\"SELL\",\"confidence\":1,\"order_type\":\"trailing_stop\",\"trail_price\":1.5,\"tif\":\"cls\"}", out ParsedSignal signal));

        Assert.Equal(OrderType.TrailingStop, signal.Intent.OrderType);
        Assert.Equal(1_500_000, signal.Intent.Exits.TrailRaw);
        Assert.Equal(TimeInForce.Cls, signal.Intent.Tif);
    }

    [Theory]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"amend\",\"order_id\":\"17\",\"limit_price\":101.5,\"quantity\":4}", SignalAction.Amend, 17L, 101_500_000L, 4L)]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"AMEND\",\"order_id\":42,\"stop_price\":99}", SignalAction.Amend, 42L, 0L, 0L)]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":\"9\"}", SignalAction.Cancel, 9L, 0L, 0L)]
    public void AmendAndCancel_NeedNoSideOrConfidence(string line, SignalAction action, long target, long limitRaw, long quantity)
    {
        Assert.Equal(GatewayError.None, Parse(line, out ParsedSignal signal));

        Assert.Equal(action, signal.Intent.Action);
        Assert.Equal(target, signal.Intent.TargetOrderId);
        Assert.Equal(limitRaw, signal.Intent.LimitRaw);
        Assert.Equal(quantity, signal.Intent.Quantity);
        Assert.Equal(Side.None, signal.Side);
    }

    [Theory]
    [InlineData(Head + "\"take_profit\":110,\"take_profit_pct\":5}", GatewayError.TakeProfitBoth, "take_profit:")]
    [InlineData(Head + "\"stop_loss\":90,\"stop_loss_pct\":5}", GatewayError.StopLossBoth, "stop_loss:")]
    [InlineData(Head + "\"trail_price\":1,\"trail_percent\":5}", GatewayError.TrailBoth, "trail_price:")]
    [InlineData(Head + "\"take_profit\":\"110\"}", GatewayError.TakeProfitInvalid, "take_profit:")]
    [InlineData(Head + "\"take_profit\":-1}", GatewayError.TakeProfitInvalid, "take_profit:")]
    [InlineData(Head + "\"take_profit_pct\":1000.5}", GatewayError.TakeProfitPctInvalid, "take_profit_pct:")]
    [InlineData(Head + "\"stop_loss_pct\":100}", GatewayError.StopLossPctInvalid, "stop_loss_pct:")]
    [InlineData(Head + "\"trail_percent\":true}", GatewayError.TrailPercentInvalid, "trail_percent:")]
    [InlineData(Head + "\"trail_price\":1000000001}", GatewayError.TrailPriceInvalid, "trail_price:")]
    [InlineData(Head + "\"limit_price\":100,\"take_profit\":99}", GatewayError.TakeProfitWrongSide, "take_profit:")]
    [InlineData(Head + "\"limit_price\":100,\"stop_loss\":101}", GatewayError.StopLossWrongSide, "stop_loss:")]
    [InlineData(Head + "\"take_profit\":90,\"stop_loss\":95}", GatewayError.TakeProfitNotAboveStopLoss, "take_profit:")]
    [InlineData(Head + "\"order_type\":\"trailing_stop\"}", GatewayError.TrailRequired, "trail_price:")]
    [InlineData(Head + "\"order_type\":\"trailing_stop\",\"trail_percent\":2,\"stop_loss\":90}", GatewayError.ExitsWithTrailingStop, "take_profit, stop_loss:")]
    [InlineData(Head + "\"order_id\":\"17\"}", GatewayError.OrderIdNotAllowed, "order_id:")]
    [InlineData(Head + "\"action\":\"replace\"}", GatewayError.ActionInvalid, "action:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"amend\",\"limit_price\":100}", GatewayError.OrderIdRequired, "order_id:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"amend\",\"order_id\":\"17\"}", GatewayError.AmendNothing, "action:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"amend\",\"order_id\":\"17\",\"quantity\":3,\"stop_loss_pct\":2}", GatewayError.AmendFieldNotAllowed, "action:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":\"17\",\"limit_price\":100}", GatewayError.CancelFieldNotAllowed, "action:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":\"x17\"}", GatewayError.OrderIdInvalid, "order_id:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":-3}", GatewayError.OrderIdInvalid, "order_id:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":1.5}", GatewayError.OrderIdInvalid, "order_id:")]
    [InlineData("{\"symbol\":\"AAPL\",\"action\":\"new\",\"confidence\":0.5}", GatewayError.SideMissing, "side:")]
    [InlineData(Head + "\"stop_loss\":90,\"stop_loss\":91}", GatewayError.DuplicateProperty, "json:")]
    public void BadExitsOrActions_AreRefused_WithAFieldNamedError(string line, GatewayError expected, string field)
    {
        Assert.Equal(expected, Parse(line, out _));
        Assert.StartsWith(field, GatewayErrorText.Get(expected), StringComparison.Ordinal);
    }

    /// <summary>The gateway's exit and action errors and the rules' problems are appended in one order: each error shows its problem's message.</summary>
    [Fact]
    public void EveryIntentProblem_HasTheGatewayErrorWithItsMessage()
    {
        for (SignalIntentProblem p = SignalIntentProblem.TakeProfitInvalid; Enum.IsDefined(p); p++)
        {
            GatewayError error = GatewayError.TakeProfitInvalid + (p - SignalIntentProblem.TakeProfitInvalid);
            Assert.True(Enum.IsDefined(error), p.ToString());
            Assert.Equal(p.ToString(), error.ToString());
            Assert.Equal(SignalIntentRules.Message(p), GatewayErrorText.Get(error));
        }
    }

    [Fact]
    public async Task ExitsAndActions_ReachTheRingSlot_OverLoopback()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var rig = new GatewayRig(start: false); // the engine does not consume: the slots stay as the gateway wrote them
        await using GatewayTestClient client = await GatewayTestClient.ConnectAsync(rig.Port, guard.Token);

        await client.SendAsync(
            "{\"id\":\"b1\",\"symbol\":\"AAPL\",\"side\":\"BUY\",\"confidence\":0.9,\"limit_price\":100,\"take_profit_pct\":4,\"stop_loss\":97.5,\"trail_price\":0.75}\n"
            + "{\"id\":\"a1\",\"symbol\":\"AAPL\",\"action\":\"amend\",\"order_id\":\"17\",\"limit_price\":100.5}\n"
            + "{\"id\":\"c1\",\"symbol\":\"AAPL\",\"action\":\"cancel\",\"order_id\":\"18\"}\n",
            guard.Token);
        List<JsonElement> answers = await client.ReadUntilAsync(a => a.Count >= 3, guard.Token);

        ref EngineEvent bracket = ref rig.Engine.Inbound[Seq(answers[0], "b1")];
        Assert.Equal(SignalAction.New, bracket.Action);
        Assert.Equal(40_000, bracket.Exits.TakeProfitPpm);
        Assert.Equal(97_500_000, bracket.Exits.StopLossRaw);
        Assert.Equal(750_000, bracket.Exits.TrailRaw);
        Assert.Equal(100_000_000, bracket.SignalPriceRaw);

        ref EngineEvent amend = ref rig.Engine.Inbound[Seq(answers[1], "a1")];
        Assert.Equal(SignalAction.Amend, amend.Action);
        Assert.Equal(17, amend.TargetOrderId);
        Assert.Equal(100_500_000, amend.SignalPriceRaw);
        Assert.False(amend.Exits.Any);

        ref EngineEvent cancel = ref rig.Engine.Inbound[Seq(answers[2], "c1")];
        Assert.Equal(SignalAction.Cancel, cancel.Action);
        Assert.Equal(18, cancel.TargetOrderId);
    }

    private static long Seq(JsonElement answer, string id)
    {
        Assert.Equal(id, answer.GetProperty("id").GetString());
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
        return answer.GetProperty("seq").GetInt64();
    }

    private static GatewayError Parse(string line, out ParsedSignal signal) =>
        new SignalLineParser(new SymbolTable(["AAPL", "MSFT"]), new TextInterner(), new TextInterner(), 4096).Parse(Encoding.UTF8.GetBytes(line), out signal);
}
