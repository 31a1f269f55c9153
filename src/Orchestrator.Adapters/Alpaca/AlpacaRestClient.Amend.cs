using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>Amend (issue 19): <c>PATCH /v2/orders/{order_id}</c>.</summary>
public sealed partial class AlpacaRestClient
{
    /// <summary>How many <c>replaced_by</c> links a lookup follows before it gives up (a chain is one link per amend).</summary>
    private const int MaxReplaceHops = 32;

    /// <summary>
    /// Replaces an open order: Alpaca answers with a new order (a new <c>id</c>; the old one ends
    /// <c>replaced</c>), which counts its own fills — so <c>qty</c> is what is still to trade (the new total
    /// less <paramref name="filledQuantity"/>). Only the fields that changed are sent. A 422 or 403 is the
    /// venue's refusal with its words (e.g. an order no longer open); 5xx, 429 and transport failures throw.
    /// </summary>
    /// <remarks>
    /// A re-send after a lost answer goes to an id the first attempt already retired (422, or 404). Then the
    /// order is looked up by its client order id (<c>GET /v2/orders:by_client_order_id</c>, which names the
    /// original order) and its <c>replaced_by</c> links are followed to the live order: if that order already
    /// has the amend's terms, the amend was done — taken, with the live id; if it is open with other terms (an
    /// id retired by an earlier amend the gateway did not learn of), the amend goes to it; otherwise the
    /// venue's refusal stands.
    /// </remarks>
    public async Task<VenuePlaceResult> AmendAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(amended);
        ArgumentException.ThrowIfNullOrWhiteSpace(venueOrderId);
        (VenuePlaceResult result, bool retired) = await PatchAsync(amended, venueOrderId, filledQuantity, cancellationToken).ConfigureAwait(false);
        if (!retired || await FindLiveAsync(amended.ClientOrderId, cancellationToken).ConfigureAwait(false) is not { } live || live.Id == venueOrderId)
        {
            return result;
        }

        if (HasTerms(live, amended, filledQuantity))
        {
            s_logger.Info("alpaca: order {0} was already replaced by {1} with the amend's terms (an earlier answer was lost)", venueOrderId, live.Id);
            return VenuePlaceResult.Taken(live.Id);
        }

        if (!live.Open)
        {
            return result;
        }

        s_logger.Info("alpaca: order {0} is retired; the amend goes to the live order {1}", venueOrderId, live.Id);
        return (await PatchAsync(amended, live.Id, filledQuantity, cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>
    /// One <c>PATCH</c>: taken, or refused with the venue's words and whether the refusal may mean the id is
    /// retired (404 unknown, 422 not open) rather than the terms refused.
    /// </summary>
    private async Task<(VenuePlaceResult Result, bool MaybeRetired)> PatchAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = NewRequest(HttpMethod.Patch, "v2/orders/" + Uri.EscapeDataString(venueOrderId));
        request.Content = new StringContent(AmendBody(amended, filledQuantity).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return (TakenOrThrow(body, response.StatusCode, "amend"), false);
        }

        (string? code, string? message) = Error(body);
        ThrowIfNotBusiness(response.StatusCode, code, message);
        bool maybeRetired = response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.UnprocessableEntity;
        return (VenuePlaceResult.Refused(code ?? StatusText(response.StatusCode), message), maybeRetired);
    }

    /// <summary>
    /// The order that now carries <paramref name="clientOrderId"/>'s intent: the order placed under it, then each
    /// <c>replaced_by</c> in turn. Null when the venue has no order under that id or the chain breaks.
    /// </summary>
    private async Task<LiveOrder?> FindLiveAsync(long clientOrderId, CancellationToken cancellationToken)
    {
        string next = "v2/orders:by_client_order_id?client_order_id=" + clientOrderId.ToString(CultureInfo.InvariantCulture);
        for (int hop = 0; hop < MaxReplaceHops; hop++)
        {
            using HttpRequestMessage request = NewRequest(HttpMethod.Get, next);
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }

            using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || body is null || body.RootElement.ValueKind != JsonValueKind.Object
                || AlpacaOrderJson.String(body.RootElement, "id") is not { Length: > 0 } id)
            {
                (string? code, string? message) = Error(body);
                ThrowIfNotBusiness(response.StatusCode, code, message);
                throw Malformed("order lookup answer is not an order", response.StatusCode);
            }

            JsonElement order = body.RootElement;
            if (AlpacaOrderJson.String(order, "replaced_by") is { Length: > 0 } replacedBy)
            {
                next = "v2/orders/" + Uri.EscapeDataString(replacedBy);
                continue;
            }

            return AlpacaOrderJson.TryDecimal(order, "qty", out decimal quantity)
                && AlpacaOrderJson.TryDecimal(order, "limit_price", out decimal limit)
                && AlpacaOrderJson.TryDecimal(order, "stop_price", out decimal stop)
                ? new LiveOrder(id, AlpacaOrderJson.MapStatus(AlpacaOrderJson.String(order, "status") ?? string.Empty).Status == VenueOrderStatus.Open, quantity, limit, stop)
                : throw Malformed("order lookup answer without readable qty or prices", response.StatusCode);
        }

        s_logger.Warn("alpaca: client order {0} has more than {1} replacements; not followed further", clientOrderId, MaxReplaceHops);
        return null;
    }

    /// <summary>Whether the live order already is the amend: the quantity still to trade and the prices its type has.</summary>
    private static bool HasTerms(LiveOrder live, VenueOrderRequest amended, long filledQuantity) =>
        live.Quantity == Quantities.ToDecimal(amended.Quantity - filledQuantity, amended.QuantityDecimals) // Alpaca counts shares; the request, the symbol's units
        && (amended.Type is not (OrderType.Limit or OrderType.StopLimit) || FixedPoint.FromDecimal(live.Limit) == amended.LimitPriceRaw)
        && (amended.Type is not (OrderType.Stop or OrderType.StopLimit) || FixedPoint.FromDecimal(live.Stop) == amended.StopPriceRaw);

    /// <summary>The end of a replacement chain: its id, whether it still works, its quantity and prices.</summary>
    private sealed record LiveOrder(string Id, bool Open, decimal Quantity, decimal Limit, decimal Stop);

    /// <summary>A successful answer to a placement or a replace: the order it names (its <c>id</c>); unreadable or without one, it throws.</summary>
    private VenuePlaceResult TakenOrThrow(JsonDocument? body, System.Net.HttpStatusCode status, string what) =>
        body is not null && AlpacaOrderJson.String(body.RootElement, "id") is { Length: > 0 } id
            ? VenuePlaceResult.Taken(id)
            : throw (body is null ? Unreadable(what + " answer is not JSON", status) : Malformed(what + " answer without an id", status));

    /// <summary>The PATCH body: <c>qty</c> still to trade, and the prices the order type has.</summary>
    internal static JsonObject AmendBody(VenueOrderRequest amended, long filledQuantity)
    {
        var body = new JsonObject { ["qty"] = amended.SharesText(amended.Quantity - filledQuantity) };
        if (amended.Type is OrderType.Limit or OrderType.StopLimit)
        {
            body["limit_price"] = FixedPoint.Format(amended.LimitPriceRaw);
        }

        if (amended.Type is OrderType.Stop or OrderType.StopLimit)
        {
            body["stop_price"] = FixedPoint.Format(amended.StopPriceRaw);
        }

        return body;
    }
}
