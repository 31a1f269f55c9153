using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests.Strategies;

/// <summary>A strategy's protective exits and amend/cancel signals (issue 19): checked by the rules every edge applies, before the engine.</summary>
public sealed class StrategySignalExitsTests
{
    private static readonly long s_p100 = EngineHarness.Raw(100m);

    public static TheoryData<StrategySignal, string?> Shapes => new()
    {
        { new StrategySignal { Side = Side.Buy, OrderType = OrderType.Limit, LimitPriceRaw = s_p100, Exits = new ProtectiveExits { TakeProfitPpm = 40_000, StopLossRaw = EngineHarness.Raw(97m) } }, null },
        { new StrategySignal { Side = Side.Buy, OrderType = OrderType.Limit, LimitPriceRaw = s_p100, Exits = new ProtectiveExits { StopLossRaw = EngineHarness.Raw(101m) } }, "stop_loss: must be below the entry's limit (or stop) price for a buy, above it for a sell" },
        { new StrategySignal { Side = Side.Sell, Exits = new ProtectiveExits { TakeProfitRaw = 1, TakeProfitPpm = 1 } }, "take_profit: give take_profit or take_profit_pct, not both" },
        { new StrategySignal { Side = Side.Sell, OrderType = OrderType.TrailingStop }, "trail_price: order_type trailing_stop needs trail_price or trail_percent" },
        { new StrategySignal { Side = Side.Sell, OrderType = OrderType.TrailingStop, Tif = TimeInForce.Cls, Exits = new ProtectiveExits { TrailPpm = 10_000 } }, null },
        { new StrategySignal { Action = SignalAction.Cancel, TargetOrderId = 12 }, null },
        { new StrategySignal { Action = SignalAction.Cancel }, "order_id: required for action amend and cancel" },
        { new StrategySignal { Action = SignalAction.Amend, TargetOrderId = 12, LimitPriceRaw = s_p100 }, null },
        { new StrategySignal { Action = SignalAction.Amend, TargetOrderId = 12 }, "action: amend needs a new limit_price, stop_price or quantity" },
        { new StrategySignal { Action = SignalAction.Amend, TargetOrderId = 12, Quantity = 5, OrderType = OrderType.Limit, LimitPriceRaw = s_p100 }, "action: amend changes only limit_price, stop_price and quantity (no order_type or exits)" },
        { new StrategySignal { Side = Side.Buy, TargetOrderId = 12 }, "order_id: only with action amend or cancel" },
        { new StrategySignal { Side = Side.Buy, Action = (SignalAction)9 }, "action: must be new, amend or cancel" },
        { new StrategySignal { Action = SignalAction.Amend, TargetOrderId = 12, Quantity = 5 }, null },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ShapeError_AppliesTheEdgesRules(StrategySignal signal, string? expected)
    {
        Assert.Equal(expected, signal.ShapeError());
    }

    [Fact]
    public void Submit_WithAStopLossAboveABuysLimit_IsRefusedBeforeTheEngine()
    {
        var strategy = new ScriptedStrategy
        {
            BuyOnTickNumber = 1,
            SignalToSend = new StrategySignal { SymbolId = 0, Side = Side.Buy, OrderType = OrderType.Limit, LimitPriceRaw = s_p100, Exits = new ProtectiveExits { StopLossRaw = EngineHarness.Raw(105m) } },
        };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        Assert.Equal((SubmitStatus.Refused, RejectReason.InvalidSignal), (strategy.Results.Single().Status, strategy.Results.Single().Reject));
        Assert.Empty(harness.TakeOrders());
    }

    [Fact]
    public void Submit_ABracketedLimitBuy_IsDecided_AndItsEntryGoesOut()
    {
        var strategy = new ScriptedStrategy
        {
            BuyOnTickNumber = 1,
            SignalToSend = new StrategySignal { SymbolId = 0, Side = Side.Buy, OrderType = OrderType.Limit, LimitPriceRaw = s_p100, Exits = new ProtectiveExits { TakeProfitPpm = 40_000, StopLossPpm = 20_000 } },
        };
        EngineHarness harness = Harness(strategy);

        harness.Trade(0, 100m);

        Assert.Equal(SubmitStatus.Accepted, strategy.Results.Single().Status);
        OrderCommand entry = Assert.Single(harness.TakeOrders());
        Assert.Equal((Side.Buy, OrderType.Limit, s_p100), (entry.Side, entry.OrderType, entry.LimitPriceRaw));
    }

    private static EngineHarness Harness(ScriptedStrategy strategy)
    {
        EngineOptions options = EngineHarness.DefaultOptions() with { Strategies = [new StrategyRegistration("scripted", strategy, ["AAPL"])] };
        return new EngineHarness(options);
    }
}
