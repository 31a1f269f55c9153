using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>Amend: <c>PATCH /v2/orders/{id}</c> as Alpaca does it (issue 19).</summary>
public sealed partial class AlpacaSimulator
{
    /// <summary>Replace requests answered (taken or refused).</summary>
    public int ReplaceRequests => Volatile.Read(ref _replaceRequests);

    private int _replaceRequests;
    private int _replaceAnswersToLose;

    /// <summary>
    /// Fault injection: the next this many replaces are booked (the old order ends <c>replaced</c>, the new one
    /// rests and may fill) but answered HTTP 500, as if the answer were lost on the way back.
    /// </summary>
    public int LoseReplaceAnswers
    {
        get => Volatile.Read(ref _replaceAnswersToLose);
        set => Volatile.Write(ref _replaceAnswersToLose, value);
    }

    /// <summary>
    /// Replaces an open order with a new one — a new <c>id</c> and <c>client_order_id</c> (the one given, else
    /// a generated one), the old order's symbol, side, type and time in force, and the body's <c>qty</c>,
    /// <c>limit_price</c>, <c>stop_price</c> where given (else the old order's open quantity and prices). The
    /// old order ends <c>replaced</c> (a <c>replaced</c> trade update); the new one is <c>new</c> and may fill
    /// at once. Refusals as Alpaca words them: 404 an unknown id, 422 an order no longer open or a bad field,
    /// 403 insufficient buying power. The old order names the new one in <c>replaced_by</c>, the new one the
    /// old in <c>replaces</c>, as Alpaca's order object does.
    /// </summary>
    private async Task<IResult> ReplaceAsync(string id, HttpRequest request)
    {
        Interlocked.Increment(ref _replaceRequests);
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            body = null;
        }

        string? Text(string name) => body?[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        List<JsonObject> events;
        JsonObject answer;
        lock (_book)
        {
            if (!_orders.TryGetValue(id, out SimOrder? old))
            {
                return Results.Json(Error(40410000, "order not found"), statusCode: 404);
            }

            if (old.Status != "new")
            {
                return Results.Json(Error(42210000, "order is not open: " + old.Status), statusCode: 422);
            }

            decimal quantity = old.Quantity - old.FilledQuantity;
            if (Text("qty") is { } qtyText && (!decimal.TryParse(qtyText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quantity) || quantity <= 0 || decimal.Round(quantity, 9) != quantity))
            {
                return Results.Json(Error(40010001, "qty must be a positive number of shares (at most 9 decimals) given as a string"), statusCode: 422);
            }

            if (!TryPrice(Text("limit_price"), old.LimitPrice, old.Type is "limit" or "stop_limit", out decimal? limit)
                || !TryPrice(Text("stop_price"), old.StopPrice, old.Type is "stop" or "stop_limit", out decimal? stop))
            {
                return Results.Json(Error(40010001, "limit_price or stop_price does not fit the order type " + old.Type), statusCode: 422);
            }

            decimal price = PriceOf(old.Symbol);
            if (old.Side == "buy" && quantity * (limit ?? price) > _cash)
            {
                return Results.Json(Error(40310000, "insufficient buying power"), statusCode: 403);
            }

            string clientOrderId = Text("client_order_id") ?? Guid.NewGuid().ToString();
            if (_byClientId.ContainsKey(clientOrderId))
            {
                return Results.Json(Error(40010001, "client_order_id must be unique"), statusCode: 422);
            }

            var replacement = new SimOrder(Guid.NewGuid().ToString(), clientOrderId, old.Symbol, old.Side, quantity, old.Type, old.TimeInForce, limit, stop) { Replaces = old.Id };
            old.Status = "replaced";
            old.ReplacedBy = replacement.Id;
            old.UpdatedAt = DateTimeOffset.UtcNow;
            _orders[replacement.Id] = replacement;
            _byClientId[clientOrderId] = replacement;
            events = [TradeUpdate("replaced", old, null), TradeUpdate("new", replacement, null)];
            if (TryFill(replacement, price) is { } fill)
            {
                events.Add(fill);
            }

            answer = replacement.ToJson();
        }

        await BroadcastAsync(events).ConfigureAwait(false);
        return TakeLostReplaceAnswer()
            ? Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 500) // replaced, but the client never learns it
            : Results.Json(answer);
    }

    /// <summary>One armed lost answer used up, if any is left (compare-and-swap: never below zero).</summary>
    private bool TakeLostReplaceAnswer()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _replaceAnswersToLose);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _replaceAnswersToLose, left - 1, left) != left);
        return true;
    }

    /// <summary>A price field of a replace: absent keeps the old; present must be positive and the type must have it.</summary>
    private static bool TryPrice(string? text, decimal? old, bool typeHasIt, out decimal? price)
    {
        price = old;
        if (text is null)
        {
            return true;
        }

        if (!typeHasIt || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal p) || p <= 0)
        {
            return false;
        }

        price = p;
        return true;
    }
}
