using System.Globalization;
using System.Text.Json;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// Reads Alpaca's order object (REST answers and <c>trade_updates</c> alike) into the venue
/// contract. Alpaca sends quantities and prices as decimal strings; they stay decimal, never double.
/// </summary>
/// <remarks>Slow path; stateless.</remarks>
internal static class AlpacaOrderJson
{
    /// <summary>
    /// The order's cumulative state (with the legs nested under it, if any), or false when a field the gateway relies on is missing or
    /// unreadable (id, symbol, side, a quantity in the symbol's unit: whole shares unless
    /// <paramref name="quantityDecimals"/> gives the symbol decimals, issue 19).
    /// </summary>
    public static bool TryRead(JsonElement order, out VenueOrderState? state, string? reason = null, Func<string, int>? quantityDecimals = null)
    {
        state = null;
        if (order.ValueKind != JsonValueKind.Object
            || String(order, "id") is not { Length: > 0 } id
            || String(order, "symbol") is not { Length: > 0 } symbol
            || ParseSide(String(order, "side")) is not { } side
            || !TryQuantity(order, "qty", quantityDecimals?.Invoke(symbol) ?? 0, out long quantity)
            || !TryQuantity(order, "filled_qty", quantityDecimals?.Invoke(symbol) ?? 0, out long filled)
            || !TryDecimal(order, "filled_avg_price", out decimal averagePrice))
        {
            return false;
        }

        string status = String(order, "status") ?? string.Empty;
        long? clientOrderId = long.TryParse(String(order, "client_order_id"), NumberStyles.None, CultureInfo.InvariantCulture, out long cid) ? cid : null;
        (VenueOrderStatus mapped, string? statusReason) = MapStatus(status);
        state = new VenueOrderState(id, clientOrderId, symbol, side, quantity, filled, averagePrice, mapped, reason ?? statusReason)
        {
            Legs = ReadLegStates(order, quantityDecimals), // a bracket's legs as its answer or a nested listing shows them
        };
        return true;
    }

    /// <summary>
    /// Alpaca's order statuses in the venue contract's terms. Working states (new, accepted,
    /// pending_*, partially_filled, held, calculated, done_for_day — which resumes next session)
    /// and any status this code does not know are Open: the order exists, so the gateway must
    /// never treat it as absent and send it again.
    /// </summary>
    public static (VenueOrderStatus Status, string? Reason) MapStatus(string status) => status switch
    {
        "filled" => (VenueOrderStatus.Filled, null),
        "canceled" => (VenueOrderStatus.Canceled, null),
        "replaced" => (VenueOrderStatus.Canceled, "replaced"),
        "expired" => (VenueOrderStatus.Expired, null),
        "rejected" => (VenueOrderStatus.Rejected, "rejected"),
        "new" or "accepted" or "pending_new" or "partially_filled" or "pending_cancel" or "pending_replace"
            or "accepted_for_bidding" or "held" or "calculated" or "stopped" or "suspended" or "done_for_day" => (VenueOrderStatus.Open, null),
        _ => (VenueOrderStatus.Open, "unknown Alpaca status '" + status + "'"),
    };

    /// <summary>
    /// The legs of an order answer (<c>legs</c> of a bracket, oto or oco): a limit leg is the take-profit, a
    /// stop or stop-limit leg the stop-loss, a trailing_stop leg the trailing stop. Unreadable legs are
    /// skipped (the poll then judges them).
    /// </summary>
    public static IReadOnlyList<VenueLeg> ReadLegs(JsonElement order, Func<string, int>? quantityDecimals = null) =>
        [.. ReadLegStates(order, quantityDecimals).Select(l => l.Leg)];

    /// <summary>
    /// The legs nested under an order (a placement's answer, or <c>GET /v2/orders?nested=true</c>), each with its own
    /// state (fills, status); unreadable legs are skipped (a listing then judges them as orders of their own).
    /// </summary>
    public static IReadOnlyList<VenueLegState> ReadLegStates(JsonElement order, Func<string, int>? quantityDecimals = null)
    {
        if (!order.TryGetProperty("legs", out JsonElement legs) || legs.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var read = new List<VenueLegState>(legs.GetArrayLength());
        foreach (JsonElement leg in legs.EnumerateArray())
        {
            (OrderGroupRole role, OrderType type) = String(leg, "type") switch
            {
                "limit" => (OrderGroupRole.TakeProfit, OrderType.Limit),
                "stop" => (OrderGroupRole.StopLoss, OrderType.Stop),
                "stop_limit" => (OrderGroupRole.StopLoss, OrderType.StopLimit),
                "trailing_stop" => (OrderGroupRole.TrailingStop, OrderType.TrailingStop),
                _ => (OrderGroupRole.None, OrderType.Market),
            };
            if (role != OrderGroupRole.None
                && TryRead(leg, out VenueOrderState? state, quantityDecimals: quantityDecimals)
                && TryDecimal(leg, "limit_price", out decimal limit)
                && TryDecimal(leg, "stop_price", out decimal stop))
            {
                read.Add(new VenueLegState(new VenueLeg(state!.VenueOrderId, role, state.Side, type, state.Quantity, FixedPoint.FromDecimal(limit), FixedPoint.FromDecimal(stop)), state));
            }
        }

        return read;
    }

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A decimal sent as a string (Alpaca's habit) or a number; absent or null is 0.</summary>
    public static bool TryDecimal(JsonElement element, string name, out decimal value)
    {
        value = 0;
        if (!element.TryGetProperty(name, out JsonElement node) || node.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        return node.ValueKind switch
        {
            JsonValueKind.String => decimal.TryParse(node.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value),
            JsonValueKind.Number => node.TryGetDecimal(out value),
            _ => false,
        };
    }

    /// <summary>A quantity in shares as the symbol's units (<see cref="Quantities.TryFromDecimal"/>): false when negative or finer than the symbol's unit.</summary>
    private static bool TryQuantity(JsonElement element, string name, int decimals, out long quantity)
    {
        quantity = 0;
        return TryDecimal(element, name, out decimal value) && value >= 0 && Quantities.TryFromDecimal(value, decimals, out quantity);
    }

    private static Side? ParseSide(string? side) => side switch
    {
        "buy" => Side.Buy,
        "sell" => Side.Sell,
        _ => null,
    };
}
