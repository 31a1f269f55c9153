using System.Globalization;
using System.Text.Json.Nodes;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// Alpaca's order classes and trailing stops as the simulator holds them (issue 19).
/// </summary>
/// <remarks>
/// <para><c>bracket</c>: an entry with <c>take_profit.limit_price</c> and <c>stop_loss.stop_price</c>, day
/// or gtc; <c>oto</c>: an entry with one of them; <c>oco</c>: a limit order (the take-profit) with
/// <c>stop_loss.stop_price</c>. Legs are orders of their own (own id, a generated client_order_id, the
/// opposite side, the parent's quantity), listed in the parent's <c>legs</c>; a bracket's or oto's legs are
/// <c>held</c> until the entry fills, then work; when one leg fills the other is canceled, and canceling the
/// parent cancels its legs — the refusals use Alpaca's wording for the same mistakes.</para>
/// <para>A trailing stop's trigger follows the best price since it was placed (<c>hwm</c>): a sell's is
/// hwm − trail, a buy's low + trail. All under the book lock.</para>
/// </remarks>
public sealed partial class AlpacaSimulator
{
    /// <summary>Reads <c>order_class</c> and its legs into <paramref name="order"/>; false with Alpaca's reason when they do not fit.</summary>
    private static bool TryReadGroup(JsonObject body, SimOrder order, out string? invalid)
    {
        string orderClass = body["order_class"] is JsonValue v && v.TryGetValue(out string? c) && c.Length > 0 ? c : "simple";
        decimal? takeProfit = LegPrice(body, "take_profit", "limit_price");
        decimal? stopLoss = LegPrice(body, "stop_loss", "stop_price");
        bool buy = order.Side == "buy";
        invalid = orderClass switch
        {
            "simple" => null,
            "bracket" when takeProfit is null || stopLoss is null => "bracket orders require take_profit.limit_price and stop_loss.stop_price",
            "oto" when takeProfit is null == stopLoss is null => "oto orders require exactly one of take_profit and stop_loss",
            "oco" when order.Type != "limit" || takeProfit is null || stopLoss is null => "oco orders must be limit orders with take_profit.limit_price and stop_loss.stop_price",
            "bracket" or "oto" when order.TimeInForce is not ("day" or "gtc") => "bracket orders must be day or gtc",
            "bracket" or "oto" or "oco" => null,
            _ => "invalid order_class",
        };
        if (invalid is null && orderClass != "simple")
        {
            // A long's take-profit sells above its stop-loss; an oco is the exit itself, so its side is the exit's.
            bool exitSellsHigh = orderClass == "oco" ? !buy : buy;
            if (takeProfit is { } tp && stopLoss is { } sl && (exitSellsHigh ? tp <= sl : tp >= sl))
            {
                invalid = "take_profit.limit_price must be " + (exitSellsHigh ? "above" : "below") + " stop_loss.stop_price";
            }
        }

        if (invalid is not null)
        {
            return false;
        }

        order.OrderClass = orderClass;
        string exitSide = orderClass == "oco" ? order.Side : buy ? "sell" : "buy";
        if (takeProfit is { } limit && orderClass != "oco")
        {
            order.Legs.Add(Leg(order, exitSide, "limit", limit, null));
        }

        if (stopLoss is { } stop)
        {
            order.Legs.Add(Leg(order, exitSide, "stop", null, stop));
        }

        return true;
    }

    /// <summary>Books the legs of a parent just accepted: held behind an entry, working beside an oco's take-profit.</summary>
    private void BookLegs(SimOrder parent)
    {
        foreach (SimOrder leg in parent.Legs)
        {
            leg.Status = parent.OrderClass == "oco" ? "new" : "held";
            _orders[leg.Id] = leg;
        }
    }

    /// <summary>What follows a fill of <paramref name="order"/>: an entry's legs start to work; a leg's siblings (and an oco parent) are canceled.</summary>
    private static List<JsonObject> AfterFill(SimOrder order)
    {
        var events = new List<JsonObject>();
        if (order.Parent is null && order.OrderClass is "bracket" or "oto")
        {
            foreach (SimOrder leg in order.Legs)
            {
                leg.Status = "new";
                leg.UpdatedAt = DateTimeOffset.UtcNow;
            }

            return events;
        }

        SimOrder? root = order.Parent ?? (order.OrderClass == "oco" ? order : null);
        if (root is null)
        {
            return events;
        }

        foreach (SimOrder other in root.Legs.Append(root))
        {
            if (other != order && other.Status is "new" or "held" && (other != root || root.OrderClass == "oco"))
            {
                other.Status = "canceled";
                other.UpdatedAt = DateTimeOffset.UtcNow;
                events.Add(TradeUpdate("canceled", other, null));
            }
        }

        return events;
    }

    /// <summary>Cancels the legs still open when their parent is canceled.</summary>
    private static List<JsonObject> CancelLegs(SimOrder parent)
    {
        var events = new List<JsonObject>();
        foreach (SimOrder leg in parent.Legs)
        {
            if (leg.Status is "new" or "held")
            {
                leg.Status = "canceled";
                leg.UpdatedAt = DateTimeOffset.UtcNow;
                events.Add(TradeUpdate("canceled", leg, null));
            }
        }

        return events;
    }

    /// <summary>Moves a trailing stop's trigger with the best price seen (a sell's high, a buy's low).</summary>
    private static void Trail(SimOrder order, decimal price)
    {
        if (order.Type != "trailing_stop" || order.Status != "new")
        {
            return;
        }

        bool sell = order.Side == "sell";
        decimal best = order.HighWater is not { } seen ? price : sell ? Math.Max(seen, price) : Math.Min(seen, price);
        order.HighWater = best;
        decimal distance = order.TrailPrice ?? decimal.Round(best * order.TrailPercent!.Value / 100m, 2);
        order.StopPrice = sell ? best - distance : best + distance;
    }

    private static SimOrder Leg(SimOrder parent, string side, string type, decimal? limit, decimal? stop) =>
        new(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), parent.Symbol, side, parent.Quantity, type, parent.TimeInForce == "gtc" ? "gtc" : "day", limit, stop)
        {
            Parent = parent,
            OrderClass = parent.OrderClass,
        };

    private static decimal? LegPrice(JsonObject body, string leg, string field) =>
        body[leg] is JsonObject o && o[field] is JsonValue v && v.TryGetValue(out string? text)
            && decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal price) && price > 0 ? price : null;
}
