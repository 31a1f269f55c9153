namespace Orchestrator.Core;

/// <summary>
/// The rules every edge that takes signals applies to the order intent, in one place (wire and JSON
/// names: <c>order_type</c> market|limit|stop|stop_limit|trailing_stop, <c>limit_price</c> (alias
/// <c>price</c>), <c>stop_price</c>, <c>tif</c> day|gtc|ioc|fok|opg|cls, <c>quantity</c> an integer
/// &gt; 0): a limit order needs a limit price, a stop order a stop price, a stop-limit both, a market
/// and a trailing-stop order neither (a trailing stop needs a trail instead). Without an order type the
/// prices decide (none = market, limit price = limit, stop price = stop, both = stop-limit). The
/// protective exits and the amend/cancel actions (issue 19) are checked by <see cref="CheckAll"/>.
/// </summary>
public static partial class SignalIntentRules
{
    /// <summary>Largest quantity a signal may ask for.</summary>
    public const long MaxQuantity = 1_000_000_000;

    /// <summary>The order type an intent resolves to: the one asked for, or (market) the one its prices make.</summary>
    public static OrderType Resolve(OrderType requested, long limitRaw, long stopRaw)
    {
        if (requested != OrderType.Market)
        {
            return requested;
        }

        return limitRaw > 0
            ? (stopRaw > 0 ? OrderType.StopLimit : OrderType.Limit)
            : (stopRaw > 0 ? OrderType.Stop : OrderType.Market);
    }

    /// <summary>Whether an order of <paramref name="type"/> carries exactly the prices it needs.</summary>
    public static bool IsConsistent(OrderType type, long limitRaw, long stopRaw) => type switch
    {
        OrderType.Market => limitRaw == 0 && stopRaw == 0,
        OrderType.Limit => limitRaw > 0 && stopRaw == 0,
        OrderType.Stop => limitRaw == 0 && stopRaw > 0,
        OrderType.StopLimit => limitRaw > 0 && stopRaw > 0,
        OrderType.TrailingStop => limitRaw == 0 && stopRaw == 0,
        _ => false,
    };

    /// <summary>
    /// Checks an edge's fields: <paramref name="typeGiven"/> = an order type was named; the prices are
    /// whether each was given (and not 0). Returns the first problem.
    /// </summary>
    public static SignalIntentProblem Check(bool typeGiven, OrderType type, bool hasLimit, bool hasStop)
    {
        if (!typeGiven)
        {
            return SignalIntentProblem.None;
        }

        bool needsLimit = type is OrderType.Limit or OrderType.StopLimit;
        bool needsStop = type is OrderType.Stop or OrderType.StopLimit;
        if (needsLimit && !hasLimit)
        {
            return SignalIntentProblem.LimitPriceRequired;
        }

        if (needsStop && !hasStop)
        {
            return SignalIntentProblem.StopPriceRequired;
        }

        if (!needsLimit && hasLimit)
        {
            return SignalIntentProblem.LimitPriceNotAllowed;
        }

        return !needsStop && hasStop ? SignalIntentProblem.StopPriceNotAllowed : SignalIntentProblem.None;
    }

    /// <summary>The field-named message of a problem.</summary>
    public static string Message(SignalIntentProblem problem) => problem switch
    {
        SignalIntentProblem.LimitPriceRequired => "limit_price: required for order_type limit and stop_limit",
        SignalIntentProblem.StopPriceRequired => "stop_price: required for order_type stop and stop_limit",
        SignalIntentProblem.LimitPriceNotAllowed => "limit_price: not allowed for order_type market, stop and trailing_stop",
        SignalIntentProblem.StopPriceNotAllowed => "stop_price: not allowed for order_type market, limit and trailing_stop",
        SignalIntentProblem.PriceAndLimitPrice => "limit_price: give price or limit_price, not both",
        _ => OrderMessage(problem),
    };

    /// <summary>Message of an order type that is none of the four.</summary>
    public const string OrderTypeInvalidMessage = "order_type: must be market, limit, stop, stop_limit or trailing_stop";

    /// <summary>Message of a time in force that is none of the four.</summary>
    public const string TifInvalidMessage = "tif: must be day, gtc, ioc, fok, opg or cls";

    /// <summary>Message of a quantity that is not a whole number in range (or, for a fractional symbol, has more decimals than it takes).</summary>
    public const string QuantityInvalidMessage = "quantity: must be an integer from 1 to 1000000000 (shares; a symbol with quantity_decimals takes a fraction above 0 with at most that many decimals)";

    /// <summary>Message of a limit price out of range.</summary>
    public const string LimitPriceOutOfRangeMessage = "limit_price: must be between 0 and 1000000000 (0 = none)";

    /// <summary>Message of a stop price out of range.</summary>
    public const string StopPriceOutOfRangeMessage = "stop_price: must be between 0 and 1000000000 (0 = none)";

    /// <summary>"market", "limit", "stop", "stop_limit", "trailing_stop" in any case (surrounding spaces ignored).</summary>
    public static bool TryParseOrderType(ReadOnlySpan<char> text, out OrderType type)
    {
        ReadOnlySpan<char> t = text.Trim();
        type = OrderType.Market;
        if (t.Equals("market", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (t.Equals("limit", StringComparison.OrdinalIgnoreCase))
        {
            type = OrderType.Limit;
            return true;
        }

        if (t.Equals("stop", StringComparison.OrdinalIgnoreCase))
        {
            type = OrderType.Stop;
            return true;
        }

        if (t.Equals("stop_limit", StringComparison.OrdinalIgnoreCase))
        {
            type = OrderType.StopLimit;
            return true;
        }

        if (t.Equals("trailing_stop", StringComparison.OrdinalIgnoreCase))
        {
            type = OrderType.TrailingStop;
            return true;
        }

        return false;
    }

    /// <summary>"day", "gtc", "ioc", "fok", "opg", "cls" in any case (surrounding spaces ignored).</summary>
    public static bool TryParseTif(ReadOnlySpan<char> text, out TimeInForce tif)
    {
        ReadOnlySpan<char> t = text.Trim();
        tif = TimeInForce.Day;
        if (t.Equals("day", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (t.Equals("gtc", StringComparison.OrdinalIgnoreCase))
        {
            tif = TimeInForce.Gtc;
            return true;
        }

        if (t.Equals("ioc", StringComparison.OrdinalIgnoreCase))
        {
            tif = TimeInForce.Ioc;
            return true;
        }

        if (t.Equals("fok", StringComparison.OrdinalIgnoreCase))
        {
            tif = TimeInForce.Fok;
            return true;
        }

        if (t.Equals("opg", StringComparison.OrdinalIgnoreCase))
        {
            tif = TimeInForce.Opg;
            return true;
        }

        if (t.Equals("cls", StringComparison.OrdinalIgnoreCase))
        {
            tif = TimeInForce.Cls;
            return true;
        }

        return false;
    }

    /// <summary>The wire name of an order type ("market", "limit", "stop", "stop_limit", "trailing_stop").</summary>
    public static string OrderTypeName(OrderType type) => type switch
    {
        OrderType.Limit => "limit",
        OrderType.Stop => "stop",
        OrderType.StopLimit => "stop_limit",
        OrderType.TrailingStop => "trailing_stop",
        _ => "market",
    };

    /// <summary>The wire name of a time in force ("day", "gtc", "ioc", "fok", "opg", "cls").</summary>
    public static string TifName(TimeInForce tif) => tif switch
    {
        TimeInForce.Gtc => "gtc",
        TimeInForce.Ioc => "ioc",
        TimeInForce.Fok => "fok",
        TimeInForce.Opg => "opg",
        TimeInForce.Cls => "cls",
        _ => "day",
    };

    /// <summary>
    /// Whether <paramref name="quantity"/> (shares) has the shape of a signal quantity: above 0, at most
    /// <see cref="MaxQuantity"/>, at most <see cref="Quantities.MaxDecimals"/> decimals. Whether its symbol takes
    /// its decimals is <see cref="TryQuantity"/>'s to say.
    /// </summary>
    public static bool IsValidQuantity(decimal quantity) => quantity > 0m && quantity <= MaxQuantity && decimal.Round(quantity, Quantities.MaxDecimals) == quantity;

    /// <summary>
    /// A signal's quantity in shares as its symbol's quantity units (issue 19, <see cref="Quantities"/>): true when
    /// <paramref name="shares"/> is a valid quantity (<see cref="IsValidQuantity"/>) with at most
    /// <paramref name="decimals"/> decimals (0 = whole shares, 1 or more); false otherwise (<see cref="QuantityInvalidMessage"/>).
    /// Allocation-free: every edge converts through it.
    /// </summary>
    public static bool TryQuantity(decimal shares, int decimals, out long quantity)
    {
        quantity = 0;
        return IsValidQuantity(shares) && Quantities.TryFromDecimal(shares, decimals, out quantity) && quantity > 0;
    }
}
