using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>Amend (issue 19): <c>PATCH /v2/orders/{order_id}</c>.</summary>
public sealed partial class AlpacaRestClient
{
    /// <summary>
    /// Replaces an open order: Alpaca answers with a new order (a new <c>id</c>; the old one ends
    /// <c>replaced</c>), which counts its own fills — so <c>qty</c> is what is still to trade (the new total
    /// less <paramref name="filledQuantity"/>). Only the fields that changed are sent. A 422 or 403 is the
    /// venue's refusal with its words (e.g. an order no longer open); 5xx, 429 and transport failures throw.
    /// </summary>
    public async Task<VenuePlaceResult> AmendAsync(VenueOrderRequest amended, string venueOrderId, long filledQuantity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(amended);
        ArgumentException.ThrowIfNullOrWhiteSpace(venueOrderId);
        using HttpRequestMessage request = NewRequest(HttpMethod.Patch, "v2/orders/" + Uri.EscapeDataString(venueOrderId));
        request.Content = new StringContent(AmendBody(amended, filledQuantity).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return TakenOrThrow(body, response.StatusCode, "amend");
        }

        (string? code, string? message) = Error(body);
        ThrowIfNotBusiness(response.StatusCode, code, message);
        return VenuePlaceResult.Refused(code ?? StatusText(response.StatusCode), message);
    }

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
