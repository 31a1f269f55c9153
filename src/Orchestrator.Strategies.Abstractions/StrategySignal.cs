using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// What a strategy asks the engine to do: the full order intent a signal carries (contract C2).
/// The engine's risk gate, sizing and order manager still decide: <see cref="Quantity"/> is an
/// upper bound (0 = let sizing decide), and every risk limit applies. Prices are fixed-point raw
/// units (<see cref="FixedPoint.FromDecimal"/>). Build it with an object initializer:
/// <code>new StrategySignal { SymbolId = id, Side = Side.Buy, Quantity = 100, OrderType = OrderType.Stop, StopPriceRaw = high, Reason = "orb_breakout" }</code>
/// With protective exits (issue 19) the entry becomes an order group: the take-profit and stop-loss are
/// placed as its fills come in, one cancels the other, and they never exceed the position:
/// <code>new StrategySignal { SymbolId = id, Side = Side.Buy, OrderType = OrderType.Limit, LimitPriceRaw = px, Exits = new ProtectiveExits { TakeProfitPpm = 40_000, StopLossPpm = 20_000 } }</code>
/// A strategy amends or cancels one of its own open orders by the order id <see cref="SubmitResult"/> or
/// <see cref="OrderUpdate"/> gave it (<see cref="Action"/>, <see cref="TargetOrderId"/>;
/// <see cref="IStrategyContext.Amend"/> and <see cref="IStrategyContext.Cancel"/> build these).
/// </summary>
public readonly struct StrategySignal
{
    /// <summary>A market order for the whole confidence (1.0), day order, sizing decides the quantity.</summary>
    public StrategySignal()
    {
        ConfidencePpm = SignalLimits.ConfidenceScalePpm;
    }

    /// <summary>The engine's symbol id (<see cref="IStrategyContext.SymbolId"/>); it must be one of the strategy's symbols.</summary>
    public int SymbolId { get; init; }

    public Side Side { get; init; }

    /// <summary>
    /// Shares wanted, in the symbol's quantity unit (whole shares unless its instrument has quantity_decimals:
    /// then 10^−decimals of a share, issue 19); 0 = position sizing decides. Sizing and risk may give fewer, never more.
    /// </summary>
    public long Quantity { get; init; }

    /// <summary>Market (default), Limit (needs <see cref="LimitPriceRaw"/>), Stop (needs <see cref="StopPriceRaw"/>) or StopLimit (both).</summary>
    public OrderType OrderType { get; init; }

    /// <summary>Limit price in raw units (Limit and StopLimit; 0 otherwise).</summary>
    public long LimitPriceRaw { get; init; }

    /// <summary>Stop (trigger) price in raw units (Stop and StopLimit; 0 otherwise).</summary>
    public long StopPriceRaw { get; init; }

    /// <summary>Time in force; Day by default (Opg/Cls: the auctions, where the venue has them).</summary>
    public TimeInForce Tif { get; init; }

    /// <summary>Protective exits of a new order (prices in raw units or distances in millionths of the entry's average fill price); none by default. For <see cref="OrderType.TrailingStop"/> the trail is the order's own.</summary>
    public ProtectiveExits Exits { get; init; }

    /// <summary>New order (default), or amend/cancel of the strategy's own open order <see cref="TargetOrderId"/>.</summary>
    public SignalAction Action { get; init; }

    /// <summary>For amend and cancel: the engine's order id of the strategy's own order; 0 for a new order.</summary>
    public long TargetOrderId { get; init; }

    /// <summary>Confidence in millionths (0..1,000,000 = 0..1); 1.0 unless set. The risk gate refuses one below its minimum.</summary>
    public int ConfidencePpm { get; init; }

    /// <summary>
    /// A short reason code for the audit trail (e.g. <c>"orb_breakout"</c>). Use a constant: the host
    /// interns it once and then recognises the same string instance without allocating.
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>The first problem with the intent's shape, or null: prices match the order type, quantity ≥ 0, confidence in range, a side.</summary>
    public string? ShapeError()
    {
        if (Side == Side.None && Action == SignalAction.New)
        {
            return "side: buy or sell";
        }

        if (Quantity is < 0 or > SignalIntentRules.MaxQuantity)
        {
            return "quantity: must be 0 (sizing decides) or 1.." + SignalIntentRules.MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if ((uint)ConfidencePpm > SignalLimits.ConfidenceScalePpm)
        {
            return "confidence: must be within 0..1";
        }

        if (LimitPriceRaw < 0 || StopPriceRaw < 0)
        {
            return "price: must not be negative";
        }

        if (Action == SignalAction.New && !SignalIntentRules.IsConsistent(OrderType, LimitPriceRaw, StopPriceRaw))
        {
            bool needsLimit = OrderType is OrderType.Limit or OrderType.StopLimit;
            return needsLimit != (LimitPriceRaw > 0)
                ? (needsLimit ? "limit_price: required by this order type" : "limit_price: only for limit and stop_limit orders")
                : (OrderType is OrderType.Stop or OrderType.StopLimit ? "stop_price: required by this order type" : "stop_price: only for stop and stop_limit orders");
        }

        if (!Enum.IsDefined(Action))
        {
            return SignalIntentRules.ActionInvalidMessage;
        }

        // Exits, trails and actions: the rules every edge applies (an order type other than market counts as given).
        var intent = new SignalIntent
        {
            OrderType = OrderType, LimitRaw = LimitPriceRaw, StopRaw = StopPriceRaw, Tif = Tif, Quantity = Quantity,
            Action = Action, TargetOrderId = TargetOrderId, Exits = Exits,
        };
        SignalIntentProblem problem = SignalIntentRules.CheckAll(OrderType != OrderType.Market, Side, in intent);
        return problem == SignalIntentProblem.None ? null : SignalIntentRules.Message(problem);
    }
}
