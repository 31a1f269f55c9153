namespace Orchestrator.Core.Tests;

/// <summary>Protective exits and amend/cancel actions (issue 19): one set of field-named rules for every edge.</summary>
public sealed class SignalIntentRulesOrdersTests
{
    private const long P100 = 100_000_000; // 100.00 raw

    private static SignalIntent Limit(long limitRaw, ProtectiveExits exits) => new() { OrderType = OrderType.Limit, LimitRaw = limitRaw, Exits = exits };

    [Fact]
    public void BracketedBuy_WithExitsOnTheRightSides_IsSound()
    {
        SignalIntent intent = Limit(P100, new ProtectiveExits { TakeProfitRaw = 110_000_000, StopLossRaw = 95_000_000, TrailPpm = 20_000 });
        Assert.Equal(SignalIntentProblem.None, SignalIntentRules.CheckAll(true, Side.Buy, in intent));
    }

    [Theory]
    [InlineData(Side.Buy, 99_000_000, 0, SignalIntentProblem.TakeProfitWrongSide)]
    [InlineData(Side.Buy, 0, 101_000_000, SignalIntentProblem.StopLossWrongSide)]
    [InlineData(Side.Sell, 101_000_000, 0, SignalIntentProblem.TakeProfitWrongSide)]
    [InlineData(Side.Sell, 0, 99_000_000, SignalIntentProblem.StopLossWrongSide)]
    [InlineData(Side.Sell, 90_000_000, 110_000_000, SignalIntentProblem.None)]
    public void ExitPrices_OnTheWrongSideOfTheEntry_AreRefused(Side side, long takeProfitRaw, long stopLossRaw, SignalIntentProblem expected)
    {
        SignalIntent intent = Limit(P100, new ProtectiveExits { TakeProfitRaw = takeProfitRaw, StopLossRaw = stopLossRaw });
        Assert.Equal(expected, SignalIntentRules.CheckAll(true, side, in intent));
    }

    [Fact]
    public void MarketBuy_TakeProfitBelowStopLoss_IsRefused()
    {
        var intent = new SignalIntent { Exits = new ProtectiveExits { TakeProfitRaw = 90_000_000, StopLossRaw = 95_000_000 } };
        SignalIntentProblem problem = SignalIntentRules.CheckAll(false, Side.Buy, in intent);
        Assert.Equal(SignalIntentProblem.TakeProfitNotAboveStopLoss, problem);
        Assert.StartsWith("take_profit: ", SignalIntentRules.Message(problem), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1, 0, 0, 0, 0, SignalIntentProblem.TakeProfitBoth)]
    [InlineData(0, 0, 1, 1, 0, 0, SignalIntentProblem.StopLossBoth)]
    [InlineData(0, 0, 0, 0, 1, 1, SignalIntentProblem.TrailBoth)]
    [InlineData(-1, 0, 0, 0, 0, 0, SignalIntentProblem.TakeProfitInvalid)]
    [InlineData(0, 10_000_001, 0, 0, 0, 0, SignalIntentProblem.TakeProfitPctInvalid)]
    [InlineData(0, 0, 0, 1_000_000, 0, 0, SignalIntentProblem.StopLossPctInvalid)]
    [InlineData(0, 0, 0, 0, 0, 1_000_000, SignalIntentProblem.TrailPercentInvalid)]
    [InlineData(0, 0, SignalIntentRules.MaxExitPriceRaw + 1, 0, 0, 0, SignalIntentProblem.StopLossInvalid)]
    [InlineData(0, 0, 0, 0, -5, 0, SignalIntentProblem.TrailPriceInvalid)]
    public void ExitRangesAndPairs_AreChecked(long tpRaw, int tpPpm, long slRaw, int slPpm, long trailRaw, int trailPpm, SignalIntentProblem expected)
    {
        var intent = new SignalIntent
        {
            Exits = new ProtectiveExits { TakeProfitRaw = tpRaw, TakeProfitPpm = tpPpm, StopLossRaw = slRaw, StopLossPpm = slPpm, TrailRaw = trailRaw, TrailPpm = trailPpm },
        };
        SignalIntentProblem problem = SignalIntentRules.CheckAll(false, Side.Buy, in intent);
        Assert.Equal(expected, problem);
        Assert.Matches("^(take_profit|take_profit_pct|stop_loss|stop_loss_pct|trail_price|trail_percent): ", SignalIntentRules.Message(problem));
    }

    [Fact]
    public void TrailingStop_NeedsATrail_AndNoOtherExit()
    {
        var bare = new SignalIntent { OrderType = OrderType.TrailingStop };
        var trailed = new SignalIntent { OrderType = OrderType.TrailingStop, Exits = new ProtectiveExits { TrailPpm = 15_000 } };
        var bracketed = new SignalIntent { OrderType = OrderType.TrailingStop, Exits = new ProtectiveExits { TrailPpm = 15_000, TakeProfitPpm = 50_000 } };
        var priced = new SignalIntent { OrderType = OrderType.TrailingStop, LimitRaw = P100, Exits = new ProtectiveExits { TrailRaw = 1_000_000 } };

        Assert.Equal(SignalIntentProblem.TrailRequired, SignalIntentRules.CheckAll(true, Side.Sell, in bare));
        Assert.Equal(SignalIntentProblem.None, SignalIntentRules.CheckAll(true, Side.Sell, in trailed));
        Assert.Equal(SignalIntentProblem.ExitsWithTrailingStop, SignalIntentRules.CheckAll(true, Side.Sell, in bracketed));
        Assert.Equal(SignalIntentProblem.LimitPriceNotAllowed, SignalIntentRules.CheckAll(true, Side.Sell, in priced));
        Assert.True(SignalIntentRules.IsConsistent(OrderType.TrailingStop, 0, 0));
    }

    [Fact]
    public void Amend_NeedsTheOrderAndSomethingToChange_AndNothingElse()
    {
        var noTarget = new SignalIntent { Action = SignalAction.Amend, LimitRaw = P100 };
        var nothing = new SignalIntent { Action = SignalAction.Amend, TargetOrderId = 17 };
        var withExits = new SignalIntent { Action = SignalAction.Amend, TargetOrderId = 17, Quantity = 5, Exits = new ProtectiveExits { StopLossPpm = 10_000 } };
        var sound = new SignalIntent { Action = SignalAction.Amend, TargetOrderId = 17, LimitRaw = P100, Quantity = 5 };

        Assert.Equal(SignalIntentProblem.OrderIdRequired, SignalIntentRules.CheckAll(false, Side.None, in noTarget));
        Assert.Equal(SignalIntentProblem.AmendNothing, SignalIntentRules.CheckAll(false, Side.None, in nothing));
        Assert.Equal(SignalIntentProblem.AmendFieldNotAllowed, SignalIntentRules.CheckAll(false, Side.None, in withExits));
        Assert.Equal(SignalIntentProblem.AmendFieldNotAllowed, SignalIntentRules.CheckAll(true, Side.None, in sound));
        Assert.Equal(SignalIntentProblem.None, SignalIntentRules.CheckAll(false, Side.None, in sound));
    }

    [Fact]
    public void Cancel_NamesOnlyTheOrder_AndNewOrdersNameNone()
    {
        var cancel = new SignalIntent { Action = SignalAction.Cancel, TargetOrderId = 17 };
        var cancelWithPrice = new SignalIntent { Action = SignalAction.Cancel, TargetOrderId = 17, LimitRaw = P100 };
        var cancelNoTarget = new SignalIntent { Action = SignalAction.Cancel };
        var newWithTarget = new SignalIntent { TargetOrderId = 17 };

        Assert.Equal(SignalIntentProblem.None, SignalIntentRules.CheckAll(false, Side.None, in cancel));
        Assert.Equal(SignalIntentProblem.CancelFieldNotAllowed, SignalIntentRules.CheckAll(false, Side.None, in cancelWithPrice));
        Assert.Equal(SignalIntentProblem.OrderIdRequired, SignalIntentRules.CheckAll(false, Side.None, in cancelNoTarget));
        Assert.Equal(SignalIntentProblem.OrderIdNotAllowed, SignalIntentRules.CheckAll(false, Side.Buy, in newWithTarget));
    }

    [Fact]
    public void EveryProblem_HasAFieldNamedMessage()
    {
        foreach (SignalIntentProblem problem in Enum.GetValues<SignalIntentProblem>())
        {
            if (problem != SignalIntentProblem.None)
            {
                Assert.Matches("^[a-z_, ]+: ", SignalIntentRules.Message(problem));
            }
        }
    }

    [Theory]
    [InlineData("trailing_stop", OrderType.TrailingStop)]
    [InlineData("STOP_LIMIT", OrderType.StopLimit)]
    public void OrderTypes_ParseAndName(string text, OrderType expected)
    {
        Assert.True(SignalIntentRules.TryParseOrderType(text, out OrderType type));
        Assert.Equal(expected, type);
        Assert.Equal(text.ToLowerInvariant(), SignalIntentRules.OrderTypeName(type));
    }

    [Theory]
    [InlineData("opg", TimeInForce.Opg)]
    [InlineData("cls", TimeInForce.Cls)]
    [InlineData("gtc", TimeInForce.Gtc)]
    public void AuctionTifs_ParseAndName(string text, TimeInForce expected)
    {
        Assert.True(SignalIntentRules.TryParseTif(text, out TimeInForce tif));
        Assert.Equal(expected, tif);
        Assert.Equal(text, SignalIntentRules.TifName(tif));
    }

    [Theory]
    [InlineData("2.5", true, 25_000)]
    [InlineData("0", true, 0)]
    [InlineData("1000", true, 10_000_000)]
    [InlineData("1000.01", false, 0)]
    [InlineData("-1", false, 0)]
    public void Percent_BecomesMillionths(string text, bool ok, int ppm)
    {
        Assert.Equal(ok, SignalIntentRules.TryPercentToPpm(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), out int parsed));
        Assert.Equal(ppm, parsed);
    }

    [Theory]
    [InlineData("17", true, 17)]
    [InlineData(" 42 ", true, 42)]
    [InlineData("0", false, 0)]
    [InlineData("1e3", false, 0)]
    [InlineData("-4", false, 0)]
    [InlineData("1796592897522571404", true, 1796592897522571404)] // the engine's ids are 19 digits (time-based id base)
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("9223372036854775808", false, 0)] // beyond 64 bits
    [InlineData("12345678901234567890", false, 0)]
    public void OrderIds_AreDigitsOnly(string text, bool ok, long id)
    {
        Assert.Equal(ok, SignalIntentRules.TryParseOrderId(text, out long parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("amend", SignalAction.Amend)]
    [InlineData("Cancel", SignalAction.Cancel)]
    [InlineData("new", SignalAction.New)]
    public void Actions_Parse(string text, SignalAction expected)
    {
        Assert.True(SignalIntentRules.TryParseAction(text, out SignalAction action));
        Assert.Equal(expected, action);
        Assert.False(SignalIntentRules.TryParseAction("replace", out _));
    }
}
