using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NLog;
using Orchestrator.Adapters.Venues;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// The Alpaca Trading API v2 calls the broker gateway needs: orders (place, cancel, look up by
/// client order id, list), the account and positions. Every request carries the key pair in the
/// <c>APCA-API-KEY-ID</c>/<c>APCA-API-SECRET-KEY</c> headers; no answer or exception ever
/// carries the secret.
/// </summary>
/// <remarks>
/// <para>Outcomes: 200/201 → taken; 4xx business refusals (403 buying power, 422 invalid) →
/// refused with Alpaca's <c>code</c>/<c>message</c>; 422 "client_order_id must be unique" means
/// an earlier attempt landed, so the order is looked up and reported taken — when its symbol, side
/// and quantity are ours; an order with other terms under our id is not ours: a CRITICAL refusal
/// (<see cref="VenueRejectCodes.ClientOrderIdCollision"/>), never an adoption; 429, 5xx and
/// unreadable answers → <see cref="VenueTransientException"/>; 401 (and a 403 without a business
/// code) → <see cref="VenueAuthenticationException"/>.</para>
/// <para>Slow path: async, cancellable, safe for concurrent callers. The <see cref="HttpClient"/>
/// (with its <see cref="HttpClient.BaseAddress"/>, e.g. https://paper-api.alpaca.markets/) is the
/// caller's to own.</para>
/// </remarks>
public sealed partial class AlpacaRestClient : IVenueClient
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Alpaca");

    private readonly HttpClient _http;
    private readonly AlpacaCredentials _credentials;
    private long _malformedAnswers;

    public AlpacaRestClient(HttpClient http, AlpacaCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _credentials = credentials;
    }

    public string Name => "alpaca";

    /// <summary>
    /// A symbol's quantity decimals (issue 19, <see cref="Core.InstrumentInfo.QuantityDecimals"/>): Alpaca's <c>qty</c> and
    /// <c>filled_qty</c> (shares, fractions included) are read into its units; null = whole shares for every symbol.
    /// </summary>
    public Func<string, int>? QuantityDecimals { get; init; }

    /// <summary>Answers that were not readable JSON or lacked a field the gateway needs.</summary>
    public long MalformedAnswers => Interlocked.Read(ref _malformedAnswers);

    public async Task<VenuePlaceResult> PlaceAsync(VenueOrderRequest order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (AlpacaOrderClass.Unsupported(order) is { } unsupported)
        {
            return VenuePlaceResult.Refused(VenueRejectCodes.Unsupported, unsupported); // never sent: Alpaca has no such order
        }

        using HttpRequestMessage request = NewRequest(HttpMethod.Post, "v2/orders");
        request.Content = new StringContent(OrderBody(order).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return TakenOrThrow(body, response.StatusCode, "order") with { Legs = AlpacaOrderJson.ReadLegs(body!.RootElement, QuantityDecimals) };
        }

        (string? code, string? message) = Error(body);
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && IsDuplicateClientOrderId(message))
        {
            // An earlier attempt of this very order landed: report it, never create a second one —
            // unless the venue's order under this id has other terms: then the id is someone else's
            // (another run, another program), and adopting it would book their order as ours.
            VenueOrderState existing = await FindAsync(order, new HashSet<string>(), cancellationToken).ConfigureAwait(false)
                ?? throw new VenueTransientException("Alpaca says client_order_id " + order.ClientOrderId.ToString(CultureInfo.InvariantCulture) + " exists but does not find it") { Code = code };
            if (existing.Symbol == order.Symbol && existing.Side == order.Side && existing.Quantity == order.Quantity)
            {
                return VenuePlaceResult.Taken(existing.VenueOrderId, code, message);
            }

            string collision = string.Create(CultureInfo.InvariantCulture,
                $"client_order_id {order.ClientOrderId} is already the venue's order {existing.VenueOrderId} ({existing.Symbol} {existing.Side} {existing.Quantity}), not ours ({order.Symbol} {order.Side} {order.Quantity}): not adopted");
            s_logger.Fatal("Alpaca: {0}; order refused", collision);
            return VenuePlaceResult.Refused(VenueRejectCodes.ClientOrderIdCollision, collision);
        }

        ThrowIfNotBusiness(response.StatusCode, code, message);
        if (body is null)
        {
            throw Unreadable("order refusal without a readable reason", response.StatusCode); // look it up, do not guess
        }

        return VenuePlaceResult.Refused(code ?? StatusText(response.StatusCode), message);
    }

    public async Task<VenuePlaceResult> CancelAsync(VenueOrderRequest order, string venueOrderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(venueOrderId);
        using HttpRequestMessage request = NewRequest(HttpMethod.Delete, "v2/orders/" + Uri.EscapeDataString(venueOrderId));
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return VenuePlaceResult.Taken(venueOrderId);
        }

        using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        (string? code, string? message) = Error(body);
        ThrowIfNotBusiness(response.StatusCode, code, message);
        return VenuePlaceResult.Refused(code ?? StatusText(response.StatusCode), message);
    }

    public async Task<VenueOrderState?> FindAsync(VenueOrderRequest order, IReadOnlySet<string> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        string clientOrderId = order.ClientOrderId.ToString(CultureInfo.InvariantCulture);
        using HttpRequestMessage request = NewRequest(HttpMethod.Get, "v2/orders:by_client_order_id?client_order_id=" + clientOrderId);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // definitely not at the venue
        }

        using JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            (string? code, string? message) = Error(body);
            ThrowIfNotBusiness(response.StatusCode, code, message);
            throw new VenueTransientException("Alpaca refused the order lookup (HTTP " + StatusText(response.StatusCode) + "): " + message) { Code = code };
        }

        return body is not null && AlpacaOrderJson.TryRead(body.RootElement, out VenueOrderState? state, quantityDecimals: QuantityDecimals)
            ? state
            : throw Malformed("order lookup answer is not an order", response.StatusCode);
    }

    public Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(CancellationToken cancellationToken) => GetOrdersAsync(null, cancellationToken);

    /// <summary>
    /// Orders of every status (open and closed, up to 500, newest first), submitted after
    /// <paramref name="after"/> when given. Entries that cannot be read are counted and skipped.
    /// Asked <c>nested=true</c> (issue 19): a bracket's or oto's legs come under their parent's
    /// <c>legs</c> (<see cref="VenueOrderState.Legs"/>), so the gateway knows whose legs they are —
    /// after a restart too, when the placement's answer that named them is long gone.
    /// </summary>
    public async Task<IReadOnlyList<VenueOrderState>> GetOrdersAsync(DateTimeOffset? after, CancellationToken cancellationToken)
    {
        string query = "v2/orders?status=all&limit=500&nested=true";
        if (after is { } since)
        {
            query += "&after=" + Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        }

        using JsonDocument body = await GetJsonAsync(query, cancellationToken).ConfigureAwait(false);
        if (body.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("order list is not an array", HttpStatusCode.OK);
        }

        var orders = new List<VenueOrderState>(body.RootElement.GetArrayLength());
        foreach (JsonElement element in body.RootElement.EnumerateArray())
        {
            if (AlpacaOrderJson.TryRead(element, out VenueOrderState? state, quantityDecimals: QuantityDecimals))
            {
                orders.Add(state!);
            }
            else
            {
                CountMalformed("an order in the list is unreadable");
            }
        }

        return orders;
    }

    /// <summary>Cash from the account and the open positions.</summary>
    public async Task<VenueHoldings> GetHoldingsAsync(CancellationToken cancellationToken)
    {
        AlpacaAccount account = await GetAccountAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AlpacaPosition> positions = await GetPositionsAsync(cancellationToken).ConfigureAwait(false);
        var held = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (AlpacaPosition position in positions)
        {
            held[position.Symbol] = held.GetValueOrDefault(position.Symbol) + position.Quantity;
        }

        return new VenueHoldings(account.Cash, held);
    }

    /// <summary>Cash, equity and buying power (<c>GET /v2/account</c>).</summary>
    public async Task<AlpacaAccount> GetAccountAsync(CancellationToken cancellationToken)
    {
        using JsonDocument body = await GetJsonAsync("v2/account", cancellationToken).ConfigureAwait(false);
        JsonElement root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !AlpacaOrderJson.TryDecimal(root, "cash", out decimal cash)
            || !AlpacaOrderJson.TryDecimal(root, "equity", out decimal equity)
            || !AlpacaOrderJson.TryDecimal(root, "buying_power", out decimal buyingPower))
        {
            throw Malformed("account answer is unreadable", HttpStatusCode.OK);
        }

        return new AlpacaAccount(cash, equity, buyingPower);
    }

    /// <summary>Open positions (<c>GET /v2/positions</c>); unreadable entries are counted and skipped.</summary>
    public async Task<IReadOnlyList<AlpacaPosition>> GetPositionsAsync(CancellationToken cancellationToken)
    {
        using JsonDocument body = await GetJsonAsync("v2/positions", cancellationToken).ConfigureAwait(false);
        if (body.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("positions answer is not an array", HttpStatusCode.OK);
        }

        var positions = new List<AlpacaPosition>(body.RootElement.GetArrayLength());
        foreach (JsonElement element in body.RootElement.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Object
                && AlpacaOrderJson.String(element, "symbol") is { Length: > 0 } symbol
                && element.TryGetProperty("qty", out _)
                && AlpacaOrderJson.TryDecimal(element, "qty", out decimal quantity)
                && AlpacaOrderJson.TryDecimal(element, "avg_entry_price", out decimal average))
            {
                positions.Add(new AlpacaPosition(symbol, quantity, average));
            }
            else
            {
                CountMalformed("a position in the list is unreadable");
            }
        }

        return positions;
    }

    /// <summary>The <c>POST /v2/orders</c> body: quantities and prices as decimal strings.</summary>
    internal static JsonObject OrderBody(VenueOrderRequest order) => AlpacaOrderClass.Body(order);

    private HttpRequestMessage NewRequest(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, new Uri(relative, UriKind.Relative));
        request.Headers.Add("APCA-API-KEY-ID", _credentials.KeyId);
        request.Headers.Add("APCA-API-SECRET-KEY", _credentials.SecretKey);
        return request;
    }

    private async Task<JsonDocument> GetJsonAsync(string relative, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = NewRequest(HttpMethod.Get, relative);
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        JsonDocument? body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && body is not null)
        {
            return body;
        }

        using (body)
        {
            (string? code, string? message) = Error(body);
            if (response.IsSuccessStatusCode)
            {
                throw Unreadable("answer is not JSON", response.StatusCode);
            }

            ThrowIfNotBusiness(response.StatusCode, code, message);
            throw new VenueTransientException("Alpaca refused GET " + relative + " (HTTP " + StatusText(response.StatusCode) + "): " + message) { Code = code };
        }
    }

    /// <summary>
    /// The answer as JSON, or null when it is not. Counted as malformed unless empty or a 5xx
    /// (a proxy's HTML error page is an outage, not a malformed answer).
    /// </summary>
    private async Task<JsonDocument?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            if ((int)response.StatusCode < 500)
            {
                CountMalformed("answer is not JSON (HTTP " + StatusText(response.StatusCode) + ")");
            }

            return null;
        }
    }

    private static (string? Code, string? Message) Error(JsonDocument? body)
    {
        if (body is null || body.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        JsonElement root = body.RootElement;
        string? code = root.TryGetProperty("code", out JsonElement c)
            ? c.ValueKind switch
            {
                JsonValueKind.Number => c.GetRawText(),
                JsonValueKind.String => c.GetString(),
                _ => null,
            }
            : null;
        return (code, AlpacaOrderJson.String(root, "message"));
    }

    private static bool IsDuplicateClientOrderId(string? message) =>
        message is not null && message.Contains("client_order_id", StringComparison.OrdinalIgnoreCase) && message.Contains("unique", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Throws for answers that are not a business refusal: 401 (or a 403 without Alpaca's
    /// business code) is the credentials; 429 and 5xx are load or trouble — outcome unknown.
    /// </summary>
    private static void ThrowIfNotBusiness(HttpStatusCode status, string? code, string? message)
    {
        int http = (int)status;
        if (status == HttpStatusCode.Unauthorized || (status == HttpStatusCode.Forbidden && code is null))
        {
            throw new VenueAuthenticationException("Alpaca refused the API key (HTTP " + StatusText(status) + (message is null ? string.Empty : ": " + message) + "): check the key id and secret");
        }

        if (status == HttpStatusCode.TooManyRequests)
        {
            throw new VenueTransientException("Alpaca rate limit (HTTP 429)" + (message is null ? string.Empty : ": " + message)) { RateLimited = true, Code = code };
        }

        if (http >= 500 || http < 400)
        {
            throw new VenueTransientException("Alpaca answered HTTP " + StatusText(status) + (message is null ? string.Empty : ": " + message) + "; the outcome is unknown") { Code = code };
        }
    }

    /// <summary>An answer that parsed as JSON but lacks what the gateway needs: counted here.</summary>
    private VenueTransientException Malformed(string what, HttpStatusCode status)
    {
        CountMalformed(what);
        return Unreadable(what, status);
    }

    /// <summary>An answer <see cref="ReadAsync"/> could not parse (and already counted).</summary>
    private static VenueTransientException Unreadable(string what, HttpStatusCode status) =>
        new("unreadable answer from Alpaca (HTTP " + StatusText(status) + "): " + what + "; the outcome is unknown");

    private void CountMalformed(string what)
    {
        Interlocked.Increment(ref _malformedAnswers);
        s_logger.Warn("alpaca: malformed answer: {0}", what);
    }

    private static string StatusText(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        // The HttpClient is the caller's; nothing else to release.
    }
}

/// <summary>The account's money as Alpaca reports it (<c>GET /v2/account</c>).</summary>
public sealed record AlpacaAccount(decimal Cash, decimal Equity, decimal BuyingPower);

/// <summary>One open position (<c>GET /v2/positions</c>): quantity negative when short.</summary>
public sealed record AlpacaPosition(string Symbol, decimal Quantity, decimal AverageEntryPrice);
