using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// The KIS Open API REST calls the broker gateway needs. The access token
/// (<c>POST /oauth2/tokenP</c>) is issued once and reused for its life, refreshed a margin before
/// expiry, by one caller at a time — KIS limits token issuance, so it is never reissued in a loop.
/// </summary>
/// <remarks>Slow path: async, cancellable; one instance per account.</remarks>
public sealed class KisRestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly KisCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshMargin;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private string? _token;
    private DateTimeOffset _tokenExpires;

    public KisRestClient(HttpClient http, KisCredentials credentials, TimeProvider? time = null, TimeSpan? refreshMargin = null)
    {
        _http = http;
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        _refreshMargin = refreshMargin ?? TimeSpan.FromHours(1);
    }

    /// <summary>Answers that were not readable JSON.</summary>
    public long MalformedAnswers { get; private set; }

    /// <summary>A valid access token, issuing one only when there is none or it is about to expire.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && _time.GetUtcNow() < _tokenExpires - _refreshMargin)
        {
            return cached;
        }

        await _tokenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } fresh && _time.GetUtcNow() < _tokenExpires - _refreshMargin)
            {
                return fresh; // another caller refreshed it while we waited
            }

            using HttpResponseMessage response = await _http.PostAsJsonAsync(
                new Uri("oauth2/tokenP", UriKind.Relative),
                new JsonObject { ["grant_type"] = "client_credentials", ["appkey"] = _credentials.AppKey, ["appsecret"] = _credentials.AppSecret },
                cancellationToken).ConfigureAwait(false);
            JsonObject? body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
            string? token = body?["access_token"]?.GetValue<string>();
            if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
            {
                string code = body?["error_code"]?.GetValue<string>() ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                throw new KisAuthenticationException($"KIS refused the access token request ({code}): check the app key and secret");
            }

            long seconds = body!["expires_in"]?.GetValue<long>() ?? 86_400;
            _token = token;
            _tokenExpires = _time.GetUtcNow() + TimeSpan.FromSeconds(seconds);
            return token;
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    /// <summary>
    /// Places a domestic cash order (<c>order-cash</c>): limit when <paramref name="limitPriceKrw"/>
    /// is positive, market otherwise. Fields are the upper-case strings KIS expects.
    /// </summary>
    public async Task<KisOrderResult> PlaceCashOrderAsync(string symbol, Side side, long quantity, long limitPriceKrw, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        string token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("uapi/domestic-stock/v1/trading/order-cash", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["CANO"] = _credentials.AccountNumber,
                ["ACNT_PRDT_CD"] = _credentials.ProductCode,
                ["PDNO"] = symbol,
                ["ORD_DVSN"] = limitPriceKrw > 0 ? "00" : "01",
                ["ORD_QTY"] = quantity.ToString(CultureInfo.InvariantCulture),
                ["ORD_UNPR"] = (limitPriceKrw > 0 ? limitPriceKrw : 0).ToString(CultureInfo.InvariantCulture),
            }),
        };
        AddHeaders(request, token, CashOrderTrId(side, _credentials.RealAccount));
        return await SendOrderAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels the whole remaining quantity of a venue order (<c>order-rvsecncl</c>, code 02).
    /// KIS identifies orders by its own number and branch, which the placing result carried.
    /// </summary>
    public async Task<KisOrderResult> CancelOrderAsync(string orderNumber, string branchNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        string token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("uapi/domestic-stock/v1/trading/order-rvsecncl", UriKind.Relative))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["CANO"] = _credentials.AccountNumber,
                ["ACNT_PRDT_CD"] = _credentials.ProductCode,
                ["KRX_FWDG_ORD_ORGNO"] = branchNumber,
                ["ORGN_ODNO"] = orderNumber,
                ["ORD_DVSN"] = "00",
                ["RVSE_CNCL_DVSN_CD"] = "02",
                ["ORD_QTY"] = "0",
                ["ORD_UNPR"] = "0",
                ["QTY_ALL_ORD_YN"] = "Y",
            }),
        };
        AddHeaders(request, token, (_credentials.RealAccount ? "T" : "V") + "TTC0013U");
        return await SendOrderAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void AddHeaders(HttpRequestMessage request, string token, string trId)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("appkey", _credentials.AppKey);
        request.Headers.Add("appsecret", _credentials.AppSecret);
        request.Headers.Add("tr_id", trId);
        request.Headers.Add("custtype", "P");
    }

    /// <summary>Sends an order request; rt_cd decides, whatever the HTTP status.</summary>
    private async Task<KisOrderResult> SendOrderAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        JsonObject? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not JSON, or cut short: the venue's answer cannot be read. A failure result, never a crash;
            // whether the order reached the book is for reconciliation to find out.
            MalformedAnswers++;
            return new KisOrderResult(false, null, null, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), "unreadable answer from KIS (HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + ")");
        }

        string? rtCd = body?["rt_cd"]?.GetValue<string>();
        return rtCd == "0"
            ? new KisOrderResult(true, body!["output"]?["ODNO"]?.GetValue<string>(), body["output"]?["KRX_FWDG_ORD_ORGNO"]?.GetValue<string>(), body["msg_cd"]?.GetValue<string>(), body["msg1"]?.GetValue<string>())
            : new KisOrderResult(false, null, null, body?["msg_cd"]?.GetValue<string>() ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), body?["msg1"]?.GetValue<string>() ?? "no rt_cd in the answer");
    }

    /// <summary>
    /// The day's orders as KIS reports them (<c>inquire-daily-ccld</c>): what reconciliation and
    /// any retry decision read first, since KIS has no client order id to look an order up by.
    /// </summary>
    public async Task<IReadOnlyList<KisDailyOrder>> GetDailyOrdersAsync(DateOnly day, CancellationToken cancellationToken)
    {
        string token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        string date = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string query = $"uapi/domestic-stock/v1/trading/inquire-daily-ccld?CANO={_credentials.AccountNumber}&ACNT_PRDT_CD={_credentials.ProductCode}"
            + $"&INQR_STRT_DT={date}&INQR_END_DT={date}&SLL_BUY_DVSN_CD=00&INQR_DVSN=00&PDNO=&CCLD_DVSN=00&ORD_GNO_BRNO=&ODNO=&INQR_DVSN_3=00&INQR_DVSN_1=&CTX_AREA_FK100=&CTX_AREA_NK100=";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(query, UriKind.Relative));
        AddHeaders(request, token, (_credentials.RealAccount ? "T" : "V") + "TTC0081R");
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        JsonObject? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            MalformedAnswers++;
            throw new KisQueryException($"unreadable answer to the daily orders query (HTTP {(int)response.StatusCode})");
        }

        if (body?["rt_cd"]?.GetValue<string>() != "0" || body["output1"] is not JsonArray rows)
        {
            throw new KisQueryException($"daily orders query refused: {body?["msg_cd"]?.GetValue<string>()} {body?["msg1"]?.GetValue<string>()}");
        }

        var orders = new List<KisDailyOrder>(rows.Count);
        foreach (JsonNode? row in rows)
        {
            if (row is null)
            {
                continue;
            }

            orders.Add(new KisDailyOrder(
                row["odno"]?.GetValue<string>() ?? string.Empty,
                row["pdno"]?.GetValue<string>() ?? string.Empty,
                row["sll_buy_dvsn_cd"]?.GetValue<string>() == "02" ? Side.Buy : Side.Sell,
                ParseQuantity(row["ord_qty"]),
                ParseQuantity(row["tot_ccld_qty"]),
                ParseQuantity(row["rmn_qty"]),
                row["cncl_yn"]?.GetValue<string>() == "Y"));
        }

        return orders;
    }

    private static long ParseQuantity(JsonNode? node) =>
        long.TryParse(node?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;

    /// <summary>The cash-order tr_id: buy TTTC0012U / sell TTTC0011U, with a V prefix for VIRTUAL accounts.</summary>
    public static string CashOrderTrId(Side side, bool realAccount) => (realAccount ? "T" : "V") + (side == Side.Buy ? "TTC0012U" : "TTC0011U");

    public void Dispose() => _tokenGate.Dispose();
}

/// <summary>KIS refused to issue a token: wrong keys, not a transient failure.</summary>
public sealed class KisAuthenticationException(string message) : Exception(message);

/// <summary>A KIS query failed or was refused; the caller cannot know the venue's state from it.</summary>
public sealed class KisQueryException(string message) : Exception(message);

/// <summary>One of the day's orders as KIS reports it.</summary>
public sealed record KisDailyOrder(string OrderNumber, string Symbol, Side Side, long OrderedQuantity, long FilledQuantity, long RemainingQuantity, bool Canceled);
