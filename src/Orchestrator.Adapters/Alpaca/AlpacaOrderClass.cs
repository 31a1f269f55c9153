using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// The JSON body of <c>POST /v2/orders</c> for every order the engine sends Alpaca (issue 19): types
/// market, limit, stop, stop_limit and trailing_stop (<c>trail_price</c> or <c>trail_percent</c>); time in
/// force day, gtc, ioc, fok, opg, cls; and order classes. An entry that carries exits
/// (<see cref="OrderGroupRole.Entry"/>) goes as <c>bracket</c> (take-profit and stop-loss) or <c>oto</c>
/// (one of them); an exit that carries the other exit (<see cref="OrderGroupRole.TakeProfit"/> or
/// <see cref="OrderGroupRole.StopLoss"/> with both prices) goes as <c>oco</c>. Alpaca then holds the
/// exits, also while the daemon is down.
/// </summary>
/// <remarks>
/// <para>Exits given in millionths of the entry price are priced from the entry's limit (or stop) price
/// and rounded to the cent; an entry without a price cannot carry them, and a trailing exit is not a
/// leg Alpaca takes in a bracket: <see cref="Unsupported"/> says so and the order is not sent.</para>
/// <para>Slow path; stateless.</para>
/// </remarks>
internal static class AlpacaOrderClass
{
    private const long Cent = FixedPoint.Scale / 100;

    /// <summary>Why Alpaca cannot take <paramref name="order"/> as asked, or null when it can.</summary>
    public static string? Unsupported(VenueOrderRequest order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Type == OrderType.TrailingStop && order.TrailRaw <= 0 && order.TrailPpm <= 0)
        {
            return "Alpaca trailing_stop needs trail_price or trail_percent; the order carries neither";
        }

        if (order.IsFractional && FractionalUnsupported(order) is { } fractional)
        {
            return fractional;
        }

        ProtectiveExits exits = order.Exits;
        if (order.GroupRole != OrderGroupRole.Entry || !exits.Any)
        {
            return null;
        }

        if (exits.TrailRaw != 0 || exits.TrailPpm != 0)
        {
            return "Alpaca takes no trailing stop as a bracket leg; the engine must hold the trail";
        }

        if ((exits.TakeProfitPpm != 0 || exits.StopLossPpm != 0) && ReferencePrice(order) <= 0)
        {
            return "exits in percent of the entry price need the entry's limit or stop price at Alpaca; a market entry has none";
        }

        return order.TimeInForce is TimeInForce.Day or TimeInForce.Gtc
            ? null
            : "Alpaca brackets are day or gtc only, not " + order.TimeInForce.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// Alpaca takes a fraction of a share as a market or limit order, time in force day, without an order
    /// class (no bracket, oto or oco legs) (issue 19); anything else is refused before it is sent.
    /// </summary>
    private static string? FractionalUnsupported(VenueOrderRequest order)
    {
        if (order.Type is not (OrderType.Market or OrderType.Limit))
        {
            return "Alpaca takes fractional orders as market or limit only, not " + order.Type.ToString().ToLowerInvariant();
        }

        if (order.TimeInForce != TimeInForce.Day)
        {
            return "Alpaca takes fractional orders with time in force day only, not " + order.TimeInForce.ToString().ToLowerInvariant();
        }

        return order.GroupRole == OrderGroupRole.Entry && order.Exits.Any ? "Alpaca takes no bracket, oto or oco legs on a fractional order" : null;
    }

    /// <summary>The body Alpaca expects, every number as a string.</summary>
    public static JsonObject Body(VenueOrderRequest order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var body = new JsonObject
        {
            ["symbol"] = order.Symbol,
            ["qty"] = order.SharesText(order.Quantity), // shares; a fraction with the symbol's decimals (issue 19)
            ["side"] = order.Side == Side.Buy ? "buy" : "sell",
            ["type"] = order.Type switch
            {
                OrderType.Limit => "limit",
                OrderType.Stop => "stop",
                OrderType.StopLimit => "stop_limit",
                OrderType.TrailingStop => "trailing_stop",
                _ => "market",
            },
            ["time_in_force"] = order.TimeInForce switch
            {
                TimeInForce.Gtc => "gtc",
                TimeInForce.Ioc => "ioc",
                TimeInForce.Fok => "fok",
                TimeInForce.Opg => "opg",
                TimeInForce.Cls => "cls",
                _ => "day",
            },
            ["client_order_id"] = order.ClientOrderId.ToString(CultureInfo.InvariantCulture),
        };
        if (order.Type is OrderType.Limit or OrderType.StopLimit)
        {
            body["limit_price"] = FixedPoint.Format(order.LimitPriceRaw);
        }

        if (order.Type is OrderType.Stop or OrderType.StopLimit)
        {
            body["stop_price"] = FixedPoint.Format(order.StopPriceRaw);
        }

        if (order.Type == OrderType.TrailingStop)
        {
            if (order.TrailRaw > 0)
            {
                body["trail_price"] = FixedPoint.Format(order.TrailRaw);
            }
            else
            {
                body["trail_percent"] = Percent(order.TrailPpm);
            }
        }

        AddGroup(body, order);
        return body;
    }

    private static void AddGroup(JsonObject body, VenueOrderRequest order)
    {
        ProtectiveExits exits = order.Exits;
        if (!exits.Any || order.GroupRole == OrderGroupRole.None)
        {
            return;
        }

        long reference = ReferencePrice(order);
        bool isLong = order.Side == Side.Buy; // an entry's side; exits of a long position sell
        long takeProfit = exits.TakeProfitRaw != 0 ? exits.TakeProfitRaw : Away(reference, exits.TakeProfitPpm, up: isLong);
        long stopLoss = exits.StopLossRaw != 0 ? exits.StopLossRaw : Away(reference, exits.StopLossPpm, up: !isLong);
        if (order.GroupRole == OrderGroupRole.Entry)
        {
            body["order_class"] = takeProfit > 0 && stopLoss > 0 ? "bracket" : "oto";
        }
        else if (order.GroupRole is OrderGroupRole.TakeProfit or OrderGroupRole.StopLoss && takeProfit > 0 && stopLoss > 0)
        {
            // Alpaca's OCO is a limit order (the take-profit) whose stop_loss leg cancels with it.
            body["order_class"] = "oco";
            body["type"] = "limit";
            body["limit_price"] = FixedPoint.Format(takeProfit);
            body.Remove("stop_price");
        }
        else
        {
            return; // a lone exit is a plain order
        }

        if (takeProfit > 0)
        {
            body["take_profit"] = new JsonObject { ["limit_price"] = FixedPoint.Format(takeProfit) };
        }

        if (stopLoss > 0)
        {
            body["stop_loss"] = new JsonObject { ["stop_price"] = FixedPoint.Format(stopLoss) };
        }
    }

    /// <summary>The entry price exits in millionths are measured from: the limit price, else the stop trigger.</summary>
    private static long ReferencePrice(VenueOrderRequest order) => order.Type switch
    {
        OrderType.Limit or OrderType.StopLimit => order.LimitPriceRaw,
        OrderType.Stop => order.StopPriceRaw,
        _ => 0,
    };

    /// <summary><paramref name="reference"/> moved by <paramref name="ppm"/> millionths up or down, to the nearest cent; 0 when either is 0.</summary>
    private static long Away(long reference, int ppm, bool up)
    {
        if (reference <= 0 || ppm <= 0)
        {
            return 0;
        }

        long distance = FixedPoint.MulDiv128(reference, ppm, 1_000_000);
        long price = up ? reference + distance : reference - distance;
        return (price + (Cent / 2)) / Cent * Cent;
    }

    /// <summary>Millionths as Alpaca's percent string (20,000 → "2").</summary>
    private static string Percent(int ppm) => (ppm / 10_000m).ToString("0.####", CultureInfo.InvariantCulture);
}
