using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// The KIS Open API REST calls the broker gateway needs. The access token
/// (<c>POST /oauth2/tokenP</c>) is issued once and reused for its life (across runs when
/// <see cref="KisLimits.TokenCacheDirectory"/> is set), refreshed a margin before expiry, by one request
/// that every concurrent caller shares — KIS issues one token per minute (EGW00133), so it is never
/// reissued in a loop. Every HTTP request (each page of a paged query too) takes a permit of a sliding
/// limiter that never lets more than the configured rate through in any 1 s window.
/// </summary>
/// <remarks>
/// <para>Outcomes: a KIS answer with <c>rt_cd</c> "0" is success; any other readable answer is a
/// business refusal (<see cref="KisOrderResult"/> with <c>Accepted = false</c> for orders,
/// <see cref="KisQueryException"/> for queries). <c>EGW00201</c> (per-second limit) and HTTP 429 are
/// back-pressure: the call is sent again after a wait (<see cref="KisLimits.RateLimitedRetries"/> times,
/// then <see cref="VenueTransientException"/> with <c>RateLimited</c>). What is not a KIS verdict throws
/// <see cref="VenueTransientException"/>: HTTP 5xx without a readable KIS answer, and answers that are not
/// JSON or carry no <c>rt_cd</c>, an order taken without a readable order number, a query page whose rows
/// cannot be read — on every endpoint, the token's included (all counted in <see cref="MalformedAnswers"/>).
/// For an order call the order may or may not be at the venue then: look it up
/// (<see cref="GetDailyOrdersAsync"/>), never resend blindly. When the call never went out (no token
/// could be had) the exception says so (<c>NotSent</c>).</para>
/// <para>An expired token (<c>EGW00123</c>) is dropped and the call made once more with a fresh one;
/// a second <c>EGW00123</c> is returned as the refusal it is. <c>EGW00103</c>/<c>EGW00105</c> (invalid
/// app key or secret) on any call throws <see cref="KisAuthenticationException"/>: the keys stopped
/// working, which no retry fixes.</para>
/// <para>Slow path: async, cancellable; one instance per account.</para>
/// </remarks>
public sealed class KisRestClient : IDisposable
{
    /// <summary>KIS's "too many requests per second" code.</summary>
    public const string RateLimitedCode = "EGW00201";

    /// <summary>KIS's "token expired" code.</summary>
    public const string ExpiredTokenCode = "EGW00123";

    /// <summary>KIS's "one access token per minute" code (접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)).</summary>
    public const string OneTokenPerMinuteCode = "EGW00133";

    /// <summary>KIS's "invalid app key" code.</summary>
    public const string InvalidAppKeyCode = "EGW00103";

    /// <summary>KIS's "invalid app secret" code.</summary>
    public const string InvalidAppSecretCode = "EGW00105";

    /// <summary>The longest a token request may take before it counts as failed.</summary>
    public static readonly TimeSpan TokenRequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan TokenWindow = TimeSpan.FromSeconds(1);

    /// <summary>Pages followed at most in one query: a guard against a venue that never says "last page".</summary>
    public const int MaxPages = 1_000;

    private readonly HttpClient _http;
    private readonly KisCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshMargin;
    private readonly KisLimits _limits;
    private readonly SlidingLogRateLimiter _requestLimiter;
    private readonly SlidingLogRateLimiter _tokenLimiter;
    private readonly KisTokenFile? _tokenFile;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _tokenLock = new();
    private Task<string>? _tokenFlight;
    private ExceptionDispatchInfo? _tokenFailure;
    private DateTimeOffset _tokenRetryAt;
    private string? _rejectedToken;
    private string? _token;
    private DateTimeOffset _tokenExpires;
    private long _malformedAnswers;
    private long _tokenRequests;
    private long _rateLimitedAnswers;

    /// <param name="http">The client (its base address is KIS's REST server).</param>
    /// <param name="credentials">The account and its keys.</param>
    /// <param name="time">The clock (tests inject one): token expiry and the rate limiters.</param>
    /// <param name="refreshMargin">A token is renewed this long before it expires (1 h).</param>
    /// <param name="limits">Rates, EGW00201 retries and where the token is kept; null = KIS's published limits, token not kept.</param>
    public KisRestClient(HttpClient http, KisCredentials credentials, TimeProvider? time = null, TimeSpan? refreshMargin = null, KisLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        _refreshMargin = refreshMargin ?? TimeSpan.FromHours(1);
        _limits = limits ?? new KisLimits();
        IReadOnlyList<string> errors = _limits.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid KIS limits: " + string.Join("; ", errors), nameof(limits));
        }

        _requestLimiter = new SlidingLogRateLimiter(_limits.RestRate(credentials.RealAccount), TimeSpan.FromSeconds(1), _time);
        _tokenLimiter = new SlidingLogRateLimiter(_limits.TokenRequestsPerSecond, TokenWindow, _time);
        _tokenFile = _limits.TokenCacheDirectory is { } directory ? new KisTokenFile(directory, http.BaseAddress, credentials.AppKey) : null;
    }

    /// <summary>Requests sent to the token endpoint (a kept or shared token costs none).</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    /// <summary>EGW00201 (and HTTP 429) answers met and waited out.</summary>
    public long RateLimitedAnswers => Interlocked.Read(ref _rateLimitedAnswers);

    /// <summary>Where the token is kept between runs (null = not kept).</summary>
    public string? TokenFilePath => _tokenFile?.Path;

    /// <summary>REST requests allowed in any 1 s window.</summary>
    public int RequestsPerSecond => _requestLimiter.PermitLimit;

    /// <summary>Answers that were not readable KIS JSON (not JSON, cut short, or without <c>rt_cd</c>).</summary>
    public long MalformedAnswers => Interlocked.Read(ref _malformedAnswers);

    /// <summary>
    /// The WebSocket approval key (<c>POST /oauth2/Approval</c>, body grant_type/appkey/secretkey):
    /// what every real-time subscribe message carries. A refusal means wrong keys.
    /// </summary>
    public async Task<string> GetApprovalKeyAsync(CancellationToken cancellationToken)
    {
        using RateLimitLease lease = await _tokenLimiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        using HttpResponseMessage response = await _http.PostAsJsonAsync(
            new Uri("oauth2/Approval", UriKind.Relative),
            new JsonObject { ["grant_type"] = "client_credentials", ["appkey"] = _credentials.AppKey, ["secretkey"] = _credentials.AppSecret },
            cancellationToken).ConfigureAwait(false);
        JsonObject? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            throw NotKisAnswer("oauth2/Approval", "approval key", response, readable: false, ex);
        }

        string? key = body?["approval_key"]?.GetValue<string>();
        if (string.IsNullOrEmpty(key))
        {
            string code = body?["error_code"]?.GetValue<string>() ?? throw NotKisAnswer("oauth2/Approval", "approval key", response, readable: true);
            throw new KisAuthenticationException($"KIS refused the WebSocket approval key request ({code}): check the app key and secret");
        }

        return key;
    }

    /// <summary>
    /// A key or token request answered without KIS's <c>error_code</c>: not KIS refusing our keys but
    /// something else on that address (a wrong <c>kis.rest_url</c>, another server on the port). Says
    /// which endpoint answered what; transient, like any broker that cannot be reached.
    /// </summary>
    private VenueTransientException NotKisAnswer(string path, string what, HttpResponseMessage response, bool readable, Exception? unreadable = null)
    {
        int status = (int)response.StatusCode;
        Uri endpoint = _http.BaseAddress is { } baseAddress ? new Uri(baseAddress, path) : new Uri(path, UriKind.Relative);
        string message = $"the {what} endpoint {endpoint} answered HTTP {status} ({response.ReasonPhrase}) without a KIS error code{(readable ? string.Empty : " and not as JSON")}: "
            + "is that address the KIS API (broker_config.yaml kis.rest_url), and nothing else listening there?";
        string code = status.ToString(CultureInfo.InvariantCulture);
        return unreadable is null ? new VenueTransientException(message) { Code = code, NotSent = true } : new VenueTransientException(message, unreadable) { Code = code, NotSent = true };
    }

    /// <summary>
    /// A valid access token: the one in memory, else the one kept from an earlier run (when
    /// <see cref="KisLimits.TokenCacheDirectory"/> is set), else a new one — issued only when there is none
    /// or it is about to expire. Concurrent callers share one request (single flight); a failed request
    /// is answered to everyone who asks within the token endpoint's rate window without asking again.
    /// </summary>
    /// <exception cref="KisAuthenticationException">KIS refused the keys (EGW00103, EGW00105, …; the code is in the message).</exception>
    /// <exception cref="VenueTransientException">EGW00133 (one token per minute; <c>RateLimited</c>), 5xx, or an unreadable answer.</exception>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        Task<string> flight;
        lock (_tokenLock)
        {
            if (_token is { } cached && _time.GetUtcNow() < _tokenExpires - _refreshMargin)
            {
                return cached;
            }

            if (_tokenFailure is { } failure && _time.GetUtcNow() < _tokenRetryAt)
            {
                failure.Throw(); // the endpoint just failed: do not ask again within its window
            }

            flight = _tokenFlight ??= IssueTokenAsync();
        }

        return await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one token request in flight: the kept token if still good, else <c>POST /oauth2/tokenP</c>.</summary>
    private async Task<string> IssueTokenAsync()
    {
        await Task.Yield(); // callers join under the lock before this runs
        try
        {
            (string Token, DateTimeOffset Expires)? kept = _tokenFile?.Load();
            if (kept is { } k && k.Token != _rejectedToken && _time.GetUtcNow() < k.Expires - _refreshMargin)
            {
                return Keep(k.Token, k.Expires, save: false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            timeout.CancelAfter(TokenRequestTimeout);
            using RateLimitLease lease = await _tokenLimiter.AcquireAsync(1, timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _tokenRequests);
            using HttpResponseMessage response = await _http.PostAsJsonAsync(
                new Uri("oauth2/tokenP", UriKind.Relative),
                new JsonObject { ["grant_type"] = "client_credentials", ["appkey"] = _credentials.AppKey, ["appsecret"] = _credentials.AppSecret },
                timeout.Token).ConfigureAwait(false);
            JsonObject? body = await ReadTokenAnswerAsync(response, timeout.Token).ConfigureAwait(false);
            string? token = body?["access_token"] is JsonValue t && t.TryGetValue(out string? text) ? text : null;
            if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
            {
                throw TokenRefusal(response, body);
            }

            long seconds = body!["expires_in"] is JsonValue e && e.TryGetValue(out long value) ? value : 86_400;
            return Keep(token, _time.GetUtcNow() + TimeSpan.FromSeconds(seconds), save: true);
        }
        catch (Exception ex)
        {
            lock (_tokenLock)
            {
                _tokenFailure = ExceptionDispatchInfo.Capture(ex);
                _tokenRetryAt = _time.GetUtcNow() + (ex is VenueTransientException { Code: OneTokenPerMinuteCode } ? TimeSpan.FromMinutes(1) : TokenWindow);
            }

            throw;
        }
        finally
        {
            lock (_tokenLock)
            {
                _tokenFlight = null;
            }
        }
    }

    private string Keep(string token, DateTimeOffset expires, bool save)
    {
        lock (_tokenLock)
        {
            _token = token;
            _tokenExpires = expires;
            _tokenFailure = null;
        }

        if (save)
        {
            _tokenFile?.Save(token, expires);
        }

        return token;
    }

    /// <summary>The token answer as JSON, or null for a body that is not (an HTML error page): classified by the status then.</summary>
    private async Task<JsonObject?> ReadTokenAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            Interlocked.Increment(ref _malformedAnswers);
            return null;
        }
    }

    /// <summary>
    /// What a refused token request means, by KIS's code: EGW00133 is KIS's one-token-per-minute rule
    /// (transient: the keys are fine); EGW00103/EGW00105 and other 4xx refusals are the keys; a 5xx or
    /// an unreadable answer is the endpoint failing.
    /// </summary>
    private Exception TokenRefusal(HttpResponseMessage response, JsonObject? body)
    {
        int status = (int)response.StatusCode;
        string? code = body?["error_code"] is JsonValue c && c.TryGetValue(out string? text) ? text : null;
        if (code == OneTokenPerMinuteCode)
        {
            return new VenueTransientException("KIS issues one access token per minute per app key (" + OneTokenPerMinuteCode
                + ") and refused another: the keys are fine; the next request goes after a minute (a kept token avoids this at restart)")
            {
                RateLimited = true,
                Code = OneTokenPerMinuteCode,
            };
        }

        if (code == RateLimitedCode)
        {
            return new VenueTransientException("KIS per-second limit (" + RateLimitedCode + ") on the token endpoint") { RateLimited = true, Code = RateLimitedCode };
        }

        if (code is null)
        {
            // No KIS error code (a 5xx, an HTML page, or another server on that address): the endpoint
            // failed, not our keys; transient, and the call the token was for did not go out.
            return NotKisAnswer("oauth2/tokenP", "access token", response, readable: body is not null);
        }

        bool keys = code is InvalidAppKeyCode or InvalidAppSecretCode;
        return keys
            ? new KisAuthenticationException("KIS refused the access token request (" + code + "): check the app key and secret")
            : new KisAuthenticationException("KIS refused the access token request (" + code + ", HTTP " + Text(status) + ")");
    }

    /// <summary>Forgets <paramref name="rejected"/> if it is still the current token, so the next call issues a fresh one (and never reloads it from the file).</summary>
    private void DropToken(string rejected)
    {
        lock (_tokenLock)
        {
            _rejectedToken = rejected;
            if (_token == rejected)
            {
                _token = null; // a concurrent caller may already have replaced it: then keep theirs
                _tokenFile?.Delete();
            }
        }
    }

    /// <summary>
    /// Places a domestic cash order (<c>order-cash</c>): limit when <paramref name="limitPriceKrw"/>
    /// is positive, market otherwise. Fields are the upper-case strings KIS expects.
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the order may or may not be booked.</exception>
    public Task<KisOrderResult> PlaceCashOrderAsync(string symbol, Side side, long quantity, long limitPriceKrw, CancellationToken cancellationToken) =>
        PlaceCashOrderAsync(symbol, side, quantity, limitPriceKrw, limitPriceKrw > 0 ? "00" : "01", cancellationToken);

    /// <summary>
    /// Places a domestic cash order with the ORD_DVSN <paramref name="orderDivision"/> (see
    /// <see cref="KisOrderDivision"/>: 00/01 day limit/market, 11/12 IOC/FOK limit, 13/14 IOC/FOK market).
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the order may or may not be booked.</exception>
    public Task<KisOrderResult> PlaceCashOrderAsync(string symbol, Side side, long quantity, long limitPriceKrw, string orderDivision, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentException.ThrowIfNullOrWhiteSpace(orderDivision);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        JsonObject body = AccountBody(
            ("PDNO", symbol),
            ("ORD_DVSN", orderDivision),
            ("ORD_QTY", Text(quantity)),
            ("ORD_UNPR", Text(limitPriceKrw > 0 ? limitPriceKrw : 0)));
        return SendOrderAsync("uapi/domestic-stock/v1/trading/order-cash", body, CashOrderTrId(side, _credentials.RealAccount), cancellationToken);
    }

    /// <summary>
    /// Cancels the whole remaining quantity of a venue order (<c>order-rvsecncl</c>, code 02).
    /// KIS identifies orders by its own number and branch, which the placing result carried.
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the cancel may or may not have happened.</exception>
    public Task<KisOrderResult> CancelOrderAsync(string orderNumber, string branchNumber, CancellationToken cancellationToken) =>
        ReviseOrCancelAsync(orderNumber, branchNumber, "02", 0, 0, cancellationToken);

    /// <summary>
    /// Revises the open remainder of a venue order (<c>order-rvsecncl</c>, code 01) to
    /// <paramref name="newQuantity"/> shares at <paramref name="newPriceKrw"/> (limit). KIS books the
    /// revision as a new order number whose <c>orgn_odno</c> is the original; the result carries it.
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the revision may or may not have happened.</exception>
    public Task<KisOrderResult> ReviseOrderAsync(string orderNumber, string branchNumber, long newQuantity, long newPriceKrw, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newQuantity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newPriceKrw);
        return ReviseOrCancelAsync(orderNumber, branchNumber, "01", newQuantity, newPriceKrw, cancellationToken);
    }

    private Task<KisOrderResult> ReviseOrCancelAsync(string orderNumber, string branchNumber, string kind, long quantity, long priceKrw, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        JsonObject body = AccountBody(
            ("KRX_FWDG_ORD_ORGNO", branchNumber),
            ("ORGN_ODNO", orderNumber),
            ("ORD_DVSN", "00"),
            ("RVSE_CNCL_DVSN_CD", kind),
            ("ORD_QTY", Text(quantity)),
            ("ORD_UNPR", Text(priceKrw)),
            ("QTY_ALL_ORD_YN", kind == "02" ? "Y" : "N"));
        return SendOrderAsync("uapi/domestic-stock/v1/trading/order-rvsecncl", body, TrId("TTC0013U"), cancellationToken);
    }

    /// <summary>
    /// Places a US stock order (<c>/uapi/overseas-stock/v1/trading/order</c>): always a limit order
    /// (ORD_DVSN 00) — KIS's overseas API needs a price, and its VIRTUAL server takes nothing else.
    /// tr_id: buy TTTT1002U / sell TTTT1006U (VIRTUAL VTTT1002U / VTTT1001U). OVRS_ORD_UNPR is the
    /// USD price with two decimals; <paramref name="limitPrice"/> must already be on the cent.
    /// </summary>
    /// <param name="exchange">OVRS_EXCG_CD: NASD, NYSE or AMEX.</param>
    /// <param name="symbol">PDNO: the ticker (AAPL).</param>
    /// <param name="side">Buy or sell.</param>
    /// <param name="quantity">Shares.</param>
    /// <param name="limitPrice">USD per share, positive, whole cents.</param>
    /// <param name="cancellationToken">Cancels the call (the order may still have been booked).</param>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the order may or may not be booked.</exception>
    public Task<KisOrderResult> PlaceOverseasOrderAsync(string exchange, string symbol, Side side, long quantity, decimal limitPrice, CancellationToken cancellationToken)
    {
        RequireUsExchange(exchange);
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitPrice);
        if (decimal.Round(limitPrice, 2) != limitPrice)
        {
            throw new ArgumentOutOfRangeException(nameof(limitPrice), limitPrice, "US prices go to KIS in whole cents: round it first");
        }

        JsonObject body = AccountBody(
            ("OVRS_EXCG_CD", exchange),
            ("PDNO", symbol),
            ("ORD_QTY", Text(quantity)),
            ("OVRS_ORD_UNPR", limitPrice.ToString("0.00", CultureInfo.InvariantCulture)),
            ("ORD_SVR_DVSN_CD", "0"),
            ("ORD_DVSN", "00"));
        return SendOrderAsync("uapi/overseas-stock/v1/trading/order", body, OverseasOrderTrId(side, _credentials.RealAccount), cancellationToken);
    }

    /// <summary>
    /// Cancels the open remainder of a US order (<c>/uapi/overseas-stock/v1/trading/order-rvsecncl</c>,
    /// tr_id TTTT1004U / VTTT1004U, RVSE_CNCL_DVSN_CD 02, ORD_QTY and OVRS_ORD_UNPR "0").
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the cancel may or may not have happened.</exception>
    public Task<KisOrderResult> CancelOverseasOrderAsync(string exchange, string symbol, string orderNumber, CancellationToken cancellationToken) =>
        ReviseOrCancelOverseasAsync(exchange, symbol, orderNumber, "02", "0", "0", cancellationToken);

    /// <summary>
    /// Revises the open remainder of a US order (<c>/uapi/overseas-stock/v1/trading/order-rvsecncl</c>, the same
    /// tr_id TTTT1004U / VTTT1004U as a cancel, RVSE_CNCL_DVSN_CD 01) to <paramref name="newQuantity"/> shares
    /// at <paramref name="newLimitPrice"/> USD (whole cents, ORD_QTY and OVRS_ORD_UNPR). KIS books the revision
    /// under a new order number (ODNO in the answer) whose inquire-ccnl row names the original in orgn_odno.
    /// </summary>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable: the revision may or may not have happened.</exception>
    public Task<KisOrderResult> ReviseOverseasOrderAsync(string exchange, string symbol, string orderNumber, long newQuantity, decimal newLimitPrice, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newQuantity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(newLimitPrice);
        if (decimal.Round(newLimitPrice, 2) != newLimitPrice)
        {
            throw new ArgumentOutOfRangeException(nameof(newLimitPrice), newLimitPrice, "US prices go to KIS in whole cents: round it first");
        }

        return ReviseOrCancelOverseasAsync(exchange, symbol, orderNumber, "01", Text(newQuantity), newLimitPrice.ToString("0.00", CultureInfo.InvariantCulture), cancellationToken);
    }

    private Task<KisOrderResult> ReviseOrCancelOverseasAsync(string exchange, string symbol, string orderNumber, string kind, string quantity, string limitPrice, CancellationToken cancellationToken)
    {
        RequireUsExchange(exchange);
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentException.ThrowIfNullOrWhiteSpace(orderNumber);
        JsonObject body = AccountBody(
            ("OVRS_EXCG_CD", exchange),
            ("PDNO", symbol),
            ("ORGN_ODNO", orderNumber),
            ("RVSE_CNCL_DVSN_CD", kind),
            ("ORD_QTY", quantity),
            ("OVRS_ORD_UNPR", limitPrice),
            ("ORD_SVR_DVSN_CD", "0"));
        return SendOrderAsync("uapi/overseas-stock/v1/trading/order-rvsecncl", body, TrId("TTT1004U"), cancellationToken);
    }

    private static void RequireUsExchange(string exchange)
    {
        if (!KisMarkets.IsUsExchange(exchange))
        {
            throw new ArgumentOutOfRangeException(nameof(exchange), exchange, "KIS US exchange codes are NASD, NYSE and AMEX");
        }
    }

    /// <summary>Sends an order, cancel or revise; rt_cd decides, whatever the HTTP status.</summary>
    private async Task<KisOrderResult> SendOrderAsync(string path, JsonObject body, string trId, CancellationToken cancellationToken)
    {
        KisAnswer answer = await CallAsync(
            token =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
                AddHeaders(request, token, trId, continuation: null);
                return request;
            },
            cancellationToken).ConfigureAwait(false);
        if (!answer.Success)
        {
            return new KisOrderResult(false, null, null, answer.Code, answer.Message ?? "refused without a message");
        }

        JsonObject? output = answer.Body["output"] as JsonObject;
        string? orderNumber = KisNumbers.StringOrNull(output?["ODNO"]);
        if (string.IsNullOrEmpty(orderNumber))
        {
            // Taken (rt_cd 0), but under which number is unreadable: the outcome is not known.
            throw Malformed("KIS took the request but its answer carries no order number (ODNO): the request may or may not have been carried out", null);
        }

        return new KisOrderResult(true, orderNumber, KisNumbers.StringOrNull(output?["KRX_FWDG_ORD_ORGNO"]), answer.Code, answer.Message);
    }

    /// <summary>
    /// The day's orders as KIS reports them (<c>inquire-daily-ccld</c>), every page: what
    /// reconciliation and any retry decision read first, since KIS has no client order id.
    /// </summary>
    /// <exception cref="KisQueryException">KIS refused the query.</exception>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable.</exception>
    public async Task<IReadOnlyList<KisDailyOrder>> GetDailyOrdersAsync(DateOnly day, CancellationToken cancellationToken)
    {
        string date = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string query = "uapi/domestic-stock/v1/trading/inquire-daily-ccld?" + AccountQuery()
            + "&INQR_STRT_DT=" + date + "&INQR_END_DT=" + date
            + "&SLL_BUY_DVSN_CD=00&INQR_DVSN=00&PDNO=&CCLD_DVSN=00&ORD_GNO_BRNO=&ODNO=&INQR_DVSN_3=00&INQR_DVSN_1=";
        var orders = new List<KisDailyOrder>();
        await QueryPagesAsync(query, TrId("TTC0081R"), "daily orders", DomesticContext, page => AddRows(page["output1"], KisDailyOrder.FromRow, orders), cancellationToken).ConfigureAwait(false);
        return orders;
    }

    /// <summary>
    /// The account's cash and holdings (<c>inquire-balance</c>, TTTC8434R / VTTC8434R), every page;
    /// <see cref="KisBalance.Cash"/> is the D+2 figure (<c>prvs_rcdl_excc_amt</c>), not the deposit.
    /// </summary>
    /// <exception cref="KisQueryException">KIS refused the query.</exception>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable.</exception>
    public async Task<KisBalance> GetBalanceAsync(CancellationToken cancellationToken)
    {
        string query = "uapi/domestic-stock/v1/trading/inquire-balance?" + AccountQuery()
            + "&AFHR_FLPR_YN=N&OFL_YN=&INQR_DVSN=02&UNPR_DVSN=01&FUND_STTL_ICLD_YN=N&FNCG_AMT_AUTO_RDPT_YN=N&PRCS_DVSN=00";
        var positions = new List<KisPosition>();
        JsonNode? totals = null;
        await QueryPagesAsync(query, TrId("TTC8434R"), "balance", DomesticContext, page =>
        {
            foreach (JsonNode? row in page["output1"] as JsonArray ?? [])
            {
                if (row is not null && KisPosition.FromRow(row) is { Quantity: > 0 } position)
                {
                    positions.Add(position);
                }
            }

            totals = page["output2"] is JsonArray { Count: > 0 } list ? list[0] : page["output2"] as JsonObject ?? totals;
        }, cancellationToken).ConfigureAwait(false);
        // D+2: the engine's cash is what the account holds once today's trades settle (see KisBalance).
        decimal deposit = KisNumbers.Decimal(totals?["dnca_tot_amt"]);
        decimal settled = totals?["prvs_rcdl_excc_amt"] is { } d2 ? KisNumbers.Decimal(d2) : deposit;
        return new KisBalance(settled, KisNumbers.Decimal(totals?["tot_evlu_amt"]), positions)
        {
            Deposit = deposit,
            NextDay = totals?["nxdy_excc_amt"] is { } d1 ? KisNumbers.Decimal(d1) : deposit,
        };
    }

    /// <summary>
    /// The US orders of one day as KIS reports them (<c>/uapi/overseas-stock/v1/trading/inquire-ccnl</c>,
    /// TTTS3035R / VTTS3035R), every page (<c>CTX_AREA_FK200</c>/<c>NK200</c>); <paramref name="day"/> is
    /// the exchange's local date, as KIS asks. Rows come from <c>output</c> (see
    /// <see cref="KisDailyOrder"/> for the fields read). KIS's VIRTUAL server takes only "" for PDNO and
    /// OVRS_EXCG_CD (all); the REAL one is asked with "%" (all), as its documentation says.
    /// </summary>
    /// <exception cref="KisQueryException">KIS refused the query.</exception>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable.</exception>
    public async Task<IReadOnlyList<KisDailyOrder>> GetOverseasOrdersAsync(DateOnly day, CancellationToken cancellationToken)
    {
        string date = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string all = _credentials.RealAccount ? "%25" : string.Empty;
        string query = "uapi/overseas-stock/v1/trading/inquire-ccnl?" + AccountQuery()
            + "&PDNO=" + all + "&ORD_STRT_DT=" + date + "&ORD_END_DT=" + date
            + "&SLL_BUY_DVSN=00&CCLD_NCCS_DVSN=00&OVRS_EXCG_CD=" + all + "&SORT_SQN=DS&ORD_DT=&ORD_GNO_BRNO=&ODNO=";
        var orders = new List<KisDailyOrder>();
        await QueryPagesAsync(query, TrId("TTS3035R"), "overseas orders", OverseasContext, page => AddRows(page["output"], KisDailyOrder.FromOverseasRow, orders), cancellationToken).ConfigureAwait(false);
        return orders;
    }

    /// <summary>
    /// The account's US dollars and US holdings (issue 19: the USD deposit as USD cash). Holdings from
    /// <c>/uapi/overseas-stock/v1/trading/inquire-balance</c> (TTTS3012R / VTTS3012R, OVRS_EXCG_CD NASD = all US
    /// for a REAL account, TR_CRCY_CD USD), every page: output1 rows ovrs_pdno, ovrs_cblc_qty, pchs_avg_pric,
    /// now_pric2, ovrs_stck_evlu_amt. Cash and KIS's exchange rate from <see cref="GetOverseasPresentBalanceAsync"/>:
    /// the balance answer carries no deposit.
    /// A VIRTUAL account lists holdings per exchange (NASD only here).
    /// </summary>
    /// <returns>USD figures: <see cref="KisBalance.Cash"/> the deposit, total = deposit + holdings at current prices; <see cref="KisBalance.KrwPerUnit"/> KIS's rate.</returns>
    /// <exception cref="KisQueryException">KIS refused a query.</exception>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable.</exception>
    public async Task<KisBalance> GetOverseasBalanceAsync(CancellationToken cancellationToken)
    {
        string query = "uapi/overseas-stock/v1/trading/inquire-balance?" + AccountQuery() + "&OVRS_EXCG_CD=NASD&TR_CRCY_CD=USD";
        var positions = new List<KisPosition>();
        decimal holdings = 0;
        await QueryPagesAsync(query, TrId("TTS3012R"), "overseas balance", OverseasContext, page =>
        {
            foreach (JsonNode? row in page["output1"] as JsonArray ?? [])
            {
                if (row is not null && KisPosition.FromOverseasRow(row) is { Quantity: > 0 } position)
                {
                    positions.Add(position);
                    holdings += KisNumbers.Decimal(row["ovrs_stck_evlu_amt"]);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        KisDeposit usd = await GetOverseasPresentBalanceAsync("USD", cancellationToken).ConfigureAwait(false);
        return new KisBalance(usd.Amount, usd.Amount + holdings, positions) { KrwPerUnit = usd.KrwPerUnit };
    }

    /// <summary>
    /// One foreign currency's deposit and KIS's rate for it (<c>/uapi/overseas-stock/v1/trading/inquire-present-balance</c>,
    /// CTRP6504R / VTRP6504R, WCRC_FRCR_DVSN_CD 02 = in the foreign currency, NATN_CD 840 US, TR_MKET_CD 00 and
    /// INQR_DVSN_CD 00 = all). Read: the output2 row whose <c>crcy_cd</c> is <paramref name="currency"/>,
    /// <c>frcr_dncl_amt_2</c> (the foreign-currency deposit) and <c>frst_bltn_exrt</c> (the day's first
    /// bulletin rate, KRW per unit). No row for the currency: nothing deposited (0, no rate).
    /// </summary>
    /// <exception cref="KisQueryException">KIS refused the query.</exception>
    /// <exception cref="VenueTransientException">Rate-limited, 5xx or unreadable.</exception>
    public async Task<KisDeposit> GetOverseasPresentBalanceAsync(string currency, CancellationToken cancellationToken)
    {
        string query = "uapi/overseas-stock/v1/trading/inquire-present-balance?" + AccountQuery()
            + "&WCRC_FRCR_DVSN_CD=02&NATN_CD=840&TR_MKET_CD=00&INQR_DVSN_CD=00";
        string trId = (_credentials.RealAccount ? "C" : "V") + "TRP6504R";
        KisAnswer answer = await CallAsync(
            token =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(query, UriKind.Relative));
                AddHeaders(request, token, trId, string.Empty);
                return request;
            },
            cancellationToken).ConfigureAwait(false);
        if (!answer.Success)
        {
            throw new KisQueryException($"overseas present balance query refused: {answer.Code} {answer.Message}");
        }

        try
        {
            foreach (JsonNode? row in answer.Body["output2"] as JsonArray ?? [])
            {
                if (row is not null && KisNumbers.String(row["crcy_cd"]) == currency)
                {
                    decimal rate = KisNumbers.Decimal(row["frst_bltn_exrt"]);
                    return new KisDeposit(currency, KisNumbers.Decimal(row["frcr_dncl_amt_2"]), rate > 0 ? rate : null);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw Malformed("overseas present balance answer could not be read (" + ex.GetType().Name + ")", null);
        }

        return new KisDeposit(currency, 0m, null);
    }

    private static void AddRows(JsonNode? rows, Func<JsonNode, KisDailyOrder> read, List<KisDailyOrder> into)
    {
        foreach (JsonNode? row in rows as JsonArray ?? [])
        {
            if (row is not null)
            {
                into.Add(read(row));
            }
        }
    }

    /// <summary>The continuation keys of domestic queries (<c>CTX_AREA_FK100</c>/<c>NK100</c>).</summary>
    private const string DomesticContext = "100";

    /// <summary>The continuation keys of overseas queries (<c>CTX_AREA_FK200</c>/<c>NK200</c>).</summary>
    private const string OverseasContext = "200";

    /// <summary>
    /// Follows a paged KIS query: the response header <c>tr_cont</c> F or M says more pages follow,
    /// asked for with request header <c>tr_cont: N</c> and the <c>ctx_area_fk100</c>/<c>ctx_area_nk100</c>
    /// the last page returned; D or E (or none) ends it. Overseas queries use the 200-character keys
    /// (<paramref name="context"/> "200": <c>ctx_area_fk200</c>/<c>ctx_area_nk200</c>).
    /// </summary>
    private async Task QueryPagesAsync(string query, string trId, string what, string context, Action<JsonObject> onPage, CancellationToken cancellationToken)
    {
        string fk = string.Empty, nk = string.Empty;
        for (int page = 0; page < MaxPages; page++)
        {
            string uri = query + "&CTX_AREA_FK" + context + "=" + Uri.EscapeDataString(fk) + "&CTX_AREA_NK" + context + "=" + Uri.EscapeDataString(nk);
            bool next = page > 0;
            KisAnswer answer = await CallAsync(
                token =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative));
                    AddHeaders(request, token, trId, next ? "N" : string.Empty);
                    return request;
                },
                cancellationToken).ConfigureAwait(false);
            if (!answer.Success)
            {
                throw new KisQueryException($"{what} query refused: {answer.Code} {answer.Message}");
            }

            try
            {
                onPage(answer.Body);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or System.Text.Json.JsonException)
            {
                throw Malformed(what + " answer could not be read (" + ex.GetType().Name + ")", null);
            }

            if (answer.Continuation is not ("F" or "M"))
            {
                return;
            }

            fk = KisNumbers.String(answer.Body["ctx_area_fk" + context]);
            nk = KisNumbers.String(answer.Body["ctx_area_nk" + context]);
        }

        throw new KisQueryException($"{what} query: more than {MaxPages} pages");
    }

    /// <summary>One KIS answer that carried an <c>rt_cd</c>.</summary>
    private readonly record struct KisAnswer(JsonObject Body, bool Success, string? Code, string? Message, string? Continuation);

    /// <summary>
    /// Sends one KIS call built by <paramref name="build"/> for a token; classifies the answer (see the
    /// class remarks) and retries once with a fresh token on <c>EGW00123</c>.
    /// </summary>
    private async Task<KisAnswer> CallAsync(Func<string, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        bool tokenRenewed = false;
        for (int rateLimited = 0; ;)
        {
            string token;
            try
            {
                token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new VenueTransientException("no access token (" + ex.Message + "): the request was not sent", ex) { NotSent = true };
            }
            catch (VenueTransientException ex) when (!ex.NotSent)
            {
                throw new VenueTransientException("no access token (" + ex.Message + "): the request was not sent", ex) { NotSent = true, Code = ex.Code, RateLimited = ex.RateLimited };
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new VenueTransientException("no access token (the token request timed out): the request was not sent", ex) { NotSent = true };
            }

            using HttpRequestMessage request = build(token);
            using RateLimitLease lease = await _requestLimiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false); // one permit per HTTP request
            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            JsonObject? body = null;
            try
            {
                body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
            {
                // not JSON, or cut short: classified below as unreadable
            }

            string? rtCd = KisNumbers.StringOrNull(body?["rt_cd"]);
            string? code = KisNumbers.StringOrNull(body?["msg_cd"]) ?? KisNumbers.StringOrNull(body?["error_code"]);
            if (code is InvalidAppKeyCode or InvalidAppSecretCode)
            {
                // The keys stopped working (revoked, or replaced in KIS's portal): not this request's fault, and no retry helps.
                throw new KisAuthenticationException("KIS refused our app key on a trading call (" + code + "): the keys stopped working; renew them");
            }

            if (body is null || rtCd is null)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    if (await BackOffAsync(rateLimited++, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    throw new VenueTransientException("KIS answered HTTP 429") { RateLimited = true, Code = "429" };
                }

                throw Malformed("unreadable answer from KIS (HTTP " + Text(status) + "): the request may or may not have been carried out", Text(status));
            }

            string? message = KisNumbers.StringOrNull(body["msg1"]);
            if (rtCd != "0" && code == RateLimitedCode)
            {
                // Back-pressure, not an outage: KIS refused the call before carrying it out, so it is sent again.
                if (await BackOffAsync(rateLimited++, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                throw new VenueTransientException("KIS per-second request limit (" + RateLimitedCode + "): " + message) { RateLimited = true, Code = RateLimitedCode };
            }

            if (rtCd != "0" && code == ExpiredTokenCode && !tokenRenewed)
            {
                tokenRenewed = true;
                DropToken(token);
                continue; // once: a second EGW00123 is the venue's verdict
            }

            string? continuation = response.Headers.TryGetValues("tr_cont", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
            return new KisAnswer(body, rtCd == "0", code, message, continuation);
        }
    }

    /// <summary>Counts an answer that is not readable KIS JSON and makes the exception that reports it.</summary>
    private VenueTransientException Malformed(string message, string? code)
    {
        Interlocked.Increment(ref _malformedAnswers);
        return new VenueTransientException(message) { Code = code };
    }

    /// <summary>After EGW00201/429: waits (doubling from <see cref="KisLimits.RateLimitedBackoff"/>) and says whether to send again.</summary>
    private async Task<bool> BackOffAsync(int times, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _rateLimitedAnswers);
        if (times >= _limits.RateLimitedRetries)
        {
            return false;
        }

        await Task.Delay(_limits.RateLimitedBackoff * (1 << Math.Min(times, 5)), _time, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private void AddHeaders(HttpRequestMessage request, string token, string trId, string? continuation)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("appkey", _credentials.AppKey);
        request.Headers.Add("appsecret", _credentials.AppSecret);
        request.Headers.Add("tr_id", trId);
        request.Headers.Add("custtype", "P");
        if (continuation is not null)
        {
            request.Headers.Add("tr_cont", continuation);
        }
    }

    /// <summary>A request body: the account (CANO, ACNT_PRDT_CD) and then <paramref name="fields"/>, all upper-case strings.</summary>
    private JsonObject AccountBody(params (string Key, string Value)[] fields)
    {
        var body = new JsonObject { ["CANO"] = _credentials.AccountNumber, ["ACNT_PRDT_CD"] = _credentials.ProductCode };
        foreach ((string key, string value) in fields)
        {
            body[key] = value;
        }

        return body;
    }

    private string AccountQuery() => "CANO=" + Uri.EscapeDataString(_credentials.AccountNumber) + "&ACNT_PRDT_CD=" + Uri.EscapeDataString(_credentials.ProductCode);

    /// <summary>The tr_id for this account's mode: T (REAL) or V (VIRTUAL) before the common suffix.</summary>
    private string TrId(string suffix) => (_credentials.RealAccount ? "T" : "V") + suffix;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The cash-order tr_id: buy TTTC0012U / sell TTTC0011U, with a V prefix for VIRTUAL accounts.</summary>
    public static string CashOrderTrId(Side side, bool realAccount) => (realAccount ? "T" : "V") + (side == Side.Buy ? "TTC0012U" : "TTC0011U");

    /// <summary>The US order tr_id: buy TTTT1002U / sell TTTT1006U; VIRTUAL buy VTTT1002U / sell VTTT1001U (KIS's numbering differs).</summary>
    public static string OverseasOrderTrId(Side side, bool realAccount) =>
        side == Side.Buy ? (realAccount ? "TTTT1002U" : "VTTT1002U") : (realAccount ? "TTTT1006U" : "VTTT1001U");

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        _requestLimiter.Dispose();
        _tokenLimiter.Dispose();
    }
}

/// <summary>KIS refused to issue a token: wrong keys, not a transient failure.</summary>
public sealed class KisAuthenticationException(string message) : Exception(message);

/// <summary>A KIS query was refused; the caller cannot know the venue's state from it.</summary>
public sealed class KisQueryException(string message) : Exception(message);
