namespace Orchestrator.Core;

/// <summary>
/// The rules of a signal's protective exits and actions (issue 19), for every edge alike. Wire names:
/// <c>take_profit</c> / <c>take_profit_pct</c>, <c>stop_loss</c> / <c>stop_loss_pct</c>,
/// <c>trail_price</c> / <c>trail_percent</c> (a price, or a percent of the entry's average fill price
/// carried inside as millionths; 0 = none; not both of a pair), <c>action</c> new|amend|cancel and
/// <c>order_id</c> (the engine's order id an answer gave). A buy's take-profit lies above its entry
/// price and its stop-loss below (a sell's the other way round) where the entry names a price; a
/// trailing-stop order needs a trail and takes no take-profit or stop-loss; an amend changes only
/// the limit price, stop price and/or quantity of an open order; a cancel names only the order.
/// </summary>
public static partial class SignalIntentRules
{
    /// <summary>Highest exit price in raw units (<see cref="SignalLimits.MaxPrice"/>).</summary>
    public const long MaxExitPriceRaw = (long)SignalLimits.MaxPrice * FixedPoint.Scale;

    /// <summary>Highest take-profit distance: 1,000 % (in millionths of the entry price).</summary>
    public const int MaxTakeProfitPpm = 10_000_000;

    /// <summary>Stop-loss and trail distances stay below 100 % (in millionths of the entry price).</summary>
    public const int MaxStopPpmExclusive = 1_000_000;

    /// <summary>Largest percent an edge reads (take-profit's bound); the others are checked by <see cref="CheckAll"/>.</summary>
    public const decimal MaxPercent = 1_000m;

    /// <summary>
    /// Highest order id an edge reads: any positive 64-bit id. The engine's ids are 19 digits (a journal's id
    /// base is time-based, ~1.8 × 10^18), so an 18-digit cap refused every real order id.
    /// </summary>
    public const long MaxOrderId = long.MaxValue;

    /// <summary>Message of an action that is none of the three.</summary>
    public const string ActionInvalidMessage = "action: must be new, amend or cancel";

    /// <summary>Message of an order id that is not one the engine gives.</summary>
    public const string OrderIdInvalidMessage = "order_id: must be the order_id an answer gave (a whole number above 0)";

    /// <summary>
    /// The whole intent of a signal: the order type's prices (<see cref="Check"/>), then the action's
    /// fields, then the exits' ranges, pairs and sides. <paramref name="typeGiven"/> = an order type was
    /// named; <paramref name="side"/> may be None for an amend or cancel. Returns the first problem.
    /// </summary>
    public static SignalIntentProblem CheckAll(bool typeGiven, Side side, in SignalIntent intent)
    {
        SignalIntentProblem range = CheckExitRanges(in intent.Exits);
        if (range != SignalIntentProblem.None)
        {
            return range;
        }

        switch (intent.Action)
        {
            case SignalAction.Cancel:
                return intent.TargetOrderId <= 0 ? SignalIntentProblem.OrderIdRequired
                    : typeGiven || intent.LimitRaw != 0 || intent.StopRaw != 0 || intent.Quantity != 0 || intent.Exits.Any ? SignalIntentProblem.CancelFieldNotAllowed
                    : SignalIntentProblem.None;
            case SignalAction.Amend:
                return intent.TargetOrderId <= 0 ? SignalIntentProblem.OrderIdRequired
                    : typeGiven || intent.Exits.Any ? SignalIntentProblem.AmendFieldNotAllowed
                    : intent.LimitRaw == 0 && intent.StopRaw == 0 && intent.Quantity == 0 ? SignalIntentProblem.AmendNothing
                    : SignalIntentProblem.None;
        }

        if (intent.TargetOrderId != 0)
        {
            return SignalIntentProblem.OrderIdNotAllowed;
        }

        SignalIntentProblem prices = Check(typeGiven, intent.OrderType, intent.LimitRaw > 0, intent.StopRaw > 0);
        return prices != SignalIntentProblem.None
            ? prices
            : CheckExits(side, Resolve(intent.OrderType, intent.LimitRaw, intent.StopRaw), intent.LimitRaw, intent.StopRaw, in intent.Exits);
    }

    /// <summary>Each exit in range, and at most one of each pair.</summary>
    private static SignalIntentProblem CheckExitRanges(in ProtectiveExits x)
    {
        if (x.TakeProfitRaw is < 0 or > MaxExitPriceRaw)
        {
            return SignalIntentProblem.TakeProfitInvalid;
        }

        if (x.TakeProfitPpm is < 0 or > MaxTakeProfitPpm)
        {
            return SignalIntentProblem.TakeProfitPctInvalid;
        }

        if (x.StopLossRaw is < 0 or > MaxExitPriceRaw)
        {
            return SignalIntentProblem.StopLossInvalid;
        }

        if (x.StopLossPpm is < 0 or >= MaxStopPpmExclusive)
        {
            return SignalIntentProblem.StopLossPctInvalid;
        }

        if (x.TrailRaw is < 0 or > MaxExitPriceRaw)
        {
            return SignalIntentProblem.TrailPriceInvalid;
        }

        if (x.TrailPpm is < 0 or >= MaxStopPpmExclusive)
        {
            return SignalIntentProblem.TrailPercentInvalid;
        }

        return x.TakeProfitRaw != 0 && x.TakeProfitPpm != 0 ? SignalIntentProblem.TakeProfitBoth
            : x.StopLossRaw != 0 && x.StopLossPpm != 0 ? SignalIntentProblem.StopLossBoth
            : x.TrailRaw != 0 && x.TrailPpm != 0 ? SignalIntentProblem.TrailBoth
            : SignalIntentProblem.None;
    }

    /// <summary>A new order's exits against its type and side (the entry price is its limit, else its stop price; none = not checked).</summary>
    private static SignalIntentProblem CheckExits(Side side, OrderType type, long limitRaw, long stopRaw, in ProtectiveExits x)
    {
        bool hasTrail = x.TrailRaw != 0 || x.TrailPpm != 0;
        if (type == OrderType.TrailingStop)
        {
            return !hasTrail ? SignalIntentProblem.TrailRequired
                : (x.TakeProfitRaw | x.StopLossRaw) != 0 || (x.TakeProfitPpm | x.StopLossPpm) != 0 ? SignalIntentProblem.ExitsWithTrailingStop
                : SignalIntentProblem.None;
        }

        if (side is not (Side.Buy or Side.Sell))
        {
            return SignalIntentProblem.None;
        }

        long sign = side == Side.Buy ? 1 : -1; // a buy's profit lies above, a sell's below
        long entry = limitRaw > 0 ? limitRaw : stopRaw;
        if (entry > 0 && x.TakeProfitRaw != 0 && sign * (x.TakeProfitRaw - entry) <= 0)
        {
            return SignalIntentProblem.TakeProfitWrongSide;
        }

        if (entry > 0 && x.StopLossRaw != 0 && sign * (x.StopLossRaw - entry) >= 0)
        {
            return SignalIntentProblem.StopLossWrongSide;
        }

        return x.TakeProfitRaw != 0 && x.StopLossRaw != 0 && sign * (x.TakeProfitRaw - x.StopLossRaw) <= 0
            ? SignalIntentProblem.TakeProfitNotAboveStopLoss
            : SignalIntentProblem.None;
    }

    /// <summary>
    /// An exit price as written (0 = none) into raw units; false when out of range (the field's
    /// <c>…Invalid</c> message). Exact: a price with more than 6 decimals rounds to the raw scale.
    /// </summary>
    public static bool TryExitPrice(decimal price, out long raw)
    {
        raw = 0;
        if (!SignalLimits.IsValidPrice(price))
        {
            return false;
        }

        raw = FixedPoint.FromDecimal(price);
        return true;
    }

    /// <summary>A percent as written (0 = none; 2.5 = 2.5 %) into millionths, rounded to the nearest; false outside 0..<see cref="MaxPercent"/>.</summary>
    public static bool TryPercentToPpm(decimal percent, out int ppm)
    {
        ppm = 0;
        if (percent is < 0m or > MaxPercent)
        {
            return false;
        }

        ppm = (int)decimal.Round(percent * 10_000m, 0, MidpointRounding.AwayFromZero);
        return true;
    }

    /// <summary>
    /// The exits as an edge reads them (decimals as written, 0 = none; percents as percent) into
    /// <paramref name="exits"/>; the first field that cannot be converted (its <c>…Invalid</c> problem),
    /// else None. Pairs, sides and the stop-loss and trail bounds are <see cref="CheckAll"/>'s.
    /// </summary>
    public static SignalIntentProblem TryExits(decimal takeProfit, decimal takeProfitPct, decimal stopLoss, decimal stopLossPct, decimal trailPrice, decimal trailPercent, out ProtectiveExits exits)
    {
        exits = default;
        return !TryExitPrice(takeProfit, out exits.TakeProfitRaw) ? SignalIntentProblem.TakeProfitInvalid
            : !TryPercentToPpm(takeProfitPct, out exits.TakeProfitPpm) ? SignalIntentProblem.TakeProfitPctInvalid
            : !TryExitPrice(stopLoss, out exits.StopLossRaw) ? SignalIntentProblem.StopLossInvalid
            : !TryPercentToPpm(stopLossPct, out exits.StopLossPpm) ? SignalIntentProblem.StopLossPctInvalid
            : !TryExitPrice(trailPrice, out exits.TrailRaw) ? SignalIntentProblem.TrailPriceInvalid
            : !TryPercentToPpm(trailPercent, out exits.TrailPpm) ? SignalIntentProblem.TrailPercentInvalid
            : SignalIntentProblem.None;
    }

    /// <summary>Millionths as a percent (20,000 = 2 %), for answers and prompts.</summary>
    public static decimal PpmToPercent(int ppm) => ppm / 10_000m;

    /// <summary>"new", "amend", "cancel" in any case (surrounding spaces ignored).</summary>
    public static bool TryParseAction(ReadOnlySpan<char> text, out SignalAction action)
    {
        ReadOnlySpan<char> t = text.Trim();
        action = SignalAction.New;
        if (t.Equals("new", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (t.Equals("amend", StringComparison.OrdinalIgnoreCase))
        {
            action = SignalAction.Amend;
            return true;
        }

        if (t.Equals("cancel", StringComparison.OrdinalIgnoreCase))
        {
            action = SignalAction.Cancel;
            return true;
        }

        return false;
    }

    /// <summary>An order id as an edge may write it: digits only, a positive 64-bit number (a JSON string or number's text).</summary>
    public static bool TryParseOrderId(ReadOnlySpan<char> text, out long orderId)
    {
        ReadOnlySpan<char> t = text.Trim();
        if (t.Length is 0 or > 19 || !long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out orderId) || orderId <= 0)
        {
            orderId = 0;
            return false;
        }

        return true;
    }

    /// <summary>The wire name of an action ("new", "amend", "cancel").</summary>
    public static string ActionName(SignalAction action) => action switch
    {
        SignalAction.Amend => "amend",
        SignalAction.Cancel => "cancel",
        _ => "new",
    };

    /// <summary>The field-named message of an exit or action problem (<see cref="Message"/> covers the rest).</summary>
    private static string OrderMessage(SignalIntentProblem problem) => problem switch
    {
        SignalIntentProblem.TakeProfitInvalid => "take_profit: must be a price between 0 and 1000000000 (0 = none)",
        SignalIntentProblem.TakeProfitPctInvalid => "take_profit_pct: must be a percent between 0 and 1000 (0 = none)",
        SignalIntentProblem.StopLossInvalid => "stop_loss: must be a price between 0 and 1000000000 (0 = none)",
        SignalIntentProblem.StopLossPctInvalid => "stop_loss_pct: must be a percent from 0 to below 100 (0 = none)",
        SignalIntentProblem.TrailPriceInvalid => "trail_price: must be a price between 0 and 1000000000 (0 = none)",
        SignalIntentProblem.TrailPercentInvalid => "trail_percent: must be a percent from 0 to below 100 (0 = none)",
        SignalIntentProblem.TakeProfitBoth => "take_profit: give take_profit or take_profit_pct, not both",
        SignalIntentProblem.StopLossBoth => "stop_loss: give stop_loss or stop_loss_pct, not both",
        SignalIntentProblem.TrailBoth => "trail_price: give trail_price or trail_percent, not both",
        SignalIntentProblem.TakeProfitWrongSide => "take_profit: must be above the entry's limit (or stop) price for a buy, below it for a sell",
        SignalIntentProblem.StopLossWrongSide => "stop_loss: must be below the entry's limit (or stop) price for a buy, above it for a sell",
        SignalIntentProblem.TakeProfitNotAboveStopLoss => "take_profit: must be above stop_loss for a buy, below it for a sell",
        SignalIntentProblem.TrailRequired => "trail_price: order_type trailing_stop needs trail_price or trail_percent",
        SignalIntentProblem.ExitsWithTrailingStop => "take_profit, stop_loss: not with order_type trailing_stop (it is an exit itself)",
        SignalIntentProblem.OrderIdRequired => "order_id: required for action amend and cancel",
        SignalIntentProblem.OrderIdNotAllowed => "order_id: only with action amend or cancel",
        SignalIntentProblem.AmendNothing => "action: amend needs a new limit_price, stop_price or quantity",
        SignalIntentProblem.AmendFieldNotAllowed => "action: amend changes only limit_price, stop_price and quantity (no order_type or exits)",
        SignalIntentProblem.CancelFieldNotAllowed => "action: cancel takes only order_id (no order_type, prices, quantity or exits)",
        _ => "none",
    };
}
