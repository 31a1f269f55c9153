using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The KIS Open API subset, served on loopback, as a venue that trades: access tokens
/// (<c>POST /oauth2/tokenP</c>), WebSocket approval keys (<c>POST /oauth2/Approval</c>), domestic
/// cash orders, revise/cancel, the day's orders and the balance, the same for US stocks through the
/// overseas-stock endpoints (USD; revise and cancel), matched against a synthetic price per symbol (see
/// <c>KisSimulator.Book.cs</c>, <c>KisSimulator.Trading.cs</c>), and the real-time WebSocket with trades,
/// quotes, overseas trades and encrypted execution notices (<c>KisSimulator.Realtime.cs</c>).
/// It answers like KIS does — <c>rt_cd</c> "0" for success, anything else with
/// <c>msg_cd</c>/<c>msg1</c> for a business failure — and counts what it was asked, so tests can
/// prove a token is reused and an order is never sent twice. Fault flags make it misbehave on
/// purpose (<see cref="Fault"/>, <see cref="FaultAfterAccept"/>, <see cref="ResponseDelay"/>,
/// <see cref="RequestsPerSecondLimit"/>, the order-flow ones in <c>KisSimulator.OrderFaults.cs</c>, and the WebSocket ones).
/// </summary>
public sealed partial class KisSimulator : IAsyncDisposable
{
    public const string AppKey = "SIM-APP-KEY";
    public const string AppSecret = "SIM-APP-SECRET";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Queue<long> _recentRequestTicks = new();
    private int _tokensIssued;
    private int _restRequests;
    private int _orderRequests;

    private KisSimulator(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Access tokens issued so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Lifetime of issued tokens (KIS: 24 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>HTTP requests received (everything but WebSocket upgrades), faulted or not.</summary>
    public int RestRequests => Volatile.Read(ref _restRequests);

    /// <summary>Order requests (domestic <c>order-cash</c> and overseas <c>order</c>) received, faulted or not.</summary>
    public int OrderRequests => Volatile.Read(ref _orderRequests);

    /// <summary>Fault injection for order requests: every <see cref="FaultEvery"/>-th one gets this answer instead.</summary>
    public HttpFault Fault { get; set; }

    /// <summary>How often <see cref="Fault"/> strikes (1 = every order request; 0 = never).</summary>
    public int FaultEvery { get; set; }

    /// <summary>
    /// When set, a struck order request is booked first and only then answered with <see cref="Fault"/>:
    /// the venue has the order, the client does not know it (the case find-before-retry exists for).
    /// </summary>
    public bool FaultAfterAccept { get; set; }

    /// <summary>
    /// Every <paramref name="every"/>-th order request is booked and then answered with an HTML 500
    /// (<see cref="HttpFault.ServerError"/> with <see cref="FaultAfterAccept"/>): the answer is lost.
    /// </summary>
    public void LoseAnswersAfterBooking(int every)
    {
        Fault = HttpFault.ServerError;
        FaultEvery = every;
        FaultAfterAccept = true;
    }

    /// <summary>
    /// Called for every valid order request (domestic and US) twice: when it is read, before it is
    /// booked (<see cref="OrderRequestStage.Received"/>), and once it is booked, before it is answered
    /// (<see cref="OrderRequestStage.Booked"/>); not for requests refused before booking. The request
    /// waits for the returned task (a test can kill its client exactly then), and
    /// <see cref="OrderRequestOutcome.Drop"/> loses the rest of it. Runs on the request's thread,
    /// outside the book's lock; null = none.
    /// </summary>
    public Func<OrderRequestMoment, Task<OrderRequestOutcome>>? OrderRequestHook { get; set; }

    /// <summary>Delay before answering every HTTP request (cancelled if the client gives up).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>
    /// KIS's per-second limit on <c>/uapi</c> calls (0 = off): a call beyond it within
    /// <see cref="RateLimitWindow"/> is answered HTTP 500 with <c>rt_cd</c> "1", <c>msg_cd</c> EGW00201.
    /// </summary>
    public int RequestsPerSecondLimit { get; set; }

    /// <summary>The window <see cref="RequestsPerSecondLimit"/> counts over (1 s; tests lengthen it to be independent of timing).</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    public static async Task<KisSimulator> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        (KisSimulator simulator, Uri baseAddress) = await LoopbackHost.StartAsync(port, app =>
        {
            var s = new KisSimulator(app);
            s.Map(app);
            return s;
        }, cancellationToken).ConfigureAwait(false);
        simulator.BaseAddress = baseAddress;
        return simulator;
    }

    /// <summary>Refuses every token request as for a wrong app key (403, EGW00103): with <see cref="ExpireTokens"/>, keys that were revoked.</summary>
    public bool RefuseTokens { get; set; }

    /// <summary>Makes every issued token expired, as KIS does after 24 hours: the next call gets EGW00123.</summary>
    public void ExpireTokens()
    {
        foreach (string token in _tokens.Keys)
        {
            _tokens[token] = DateTimeOffset.MinValue;
        }
    }

    private void Map(WebApplication app)
    {
        app.Use(FilterAsync);
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (!await AnswerHtmlAsync(context).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
            }
        });
        app.Map("/", ServeWebSocketAsync);
        app.Map("/tryitout/{trId}", ServeWebSocketAsync);

        app.MapPost("/oauth2/tokenP", async (HttpRequest request) =>
        {
            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            if (RefuseTokens || body?["appkey"]?.GetValue<string>() != AppKey || body["appsecret"]?.GetValue<string>() != AppSecret)
            {
                return Results.Json(new JsonObject { ["error_description"] = "유효하지 않은 AppKey입니다.", ["error_code"] = "EGW00103" }, statusCode: 403);
            }

            if (TokenRuleAnswer() is { } refused)
            {
                return refused; // KisSimulator.Limits.cs: endpoint down, one token per minute
            }

            Interlocked.Increment(ref _tokensIssued);
            string token = "SIM-TOKEN-" + Guid.NewGuid().ToString("N");
            DateTimeOffset expires = DateTimeOffset.UtcNow + TokenLifetime;
            _tokens[token] = expires;
            return Results.Json(new JsonObject
            {
                ["access_token"] = token,
                ["token_type"] = "Bearer",
                ["expires_in"] = (long)TokenLifetime.TotalSeconds,
                ["access_token_token_expired"] = expires.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            });
        });

        app.MapPost("/oauth2/Approval", async (HttpRequest request) =>
        {
            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            return body?["appkey"]?.GetValue<string>() == AppKey
                ? Results.Json(new JsonObject { ["approval_key"] = "SIM-APPROVAL-" + Guid.NewGuid().ToString("N") })
                : Results.Json(new JsonObject { ["error_code"] = "EGW00103" }, statusCode: 403);
        });

        app.MapPost("/uapi/domestic-stock/v1/trading/order-cash", (Func<HttpContext, Task<IResult>>)PlaceOrderAsync);
        app.MapPost("/uapi/domestic-stock/v1/trading/order-rvsecncl", ReviseOrCancelAsync);
        app.MapGet("/uapi/domestic-stock/v1/trading/inquire-daily-ccld", DailyOrders);
        app.MapGet("/uapi/domestic-stock/v1/trading/inquire-balance", Balance);
        app.MapPost("/uapi/overseas-stock/v1/trading/order", (Func<HttpContext, Task<IResult>>)PlaceOverseasOrderAsync);
        app.MapPost("/uapi/overseas-stock/v1/trading/order-rvsecncl", ReviseOrCancelOverseasAsync);
        app.MapGet("/uapi/overseas-stock/v1/trading/inquire-ccnl", OverseasOrders);
        app.MapGet("/uapi/overseas-stock/v1/trading/inquire-balance", OverseasBalance);
        app.MapGet("/uapi/overseas-stock/v1/trading/inquire-present-balance", OverseasPresentBalance);
    }

    /// <summary>Before every HTTP request: count it, apply <see cref="ResponseDelay"/> and the per-second limit.</summary>
    private async Task FilterAsync(HttpContext context, RequestDelegate next)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _restRequests);
        if (ResponseDelay > TimeSpan.Zero && !await WaitAsync(ResponseDelay, context.RequestAborted).ConfigureAwait(false))
        {
            return; // the client gave up
        }

        if (context.Request.Path.StartsWithSegments("/uapi", StringComparison.Ordinal) && OverRateLimit())
        {
            await Results.Json(RateLimitAnswer(), statusCode: 500).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>A sliding window over the last <see cref="RequestsPerSecondLimit"/> admitted calls.</summary>
    private bool OverRateLimit()
    {
        int limit = RequestsPerSecondLimit;
        if (limit <= 0)
        {
            return false;
        }

        long now = Environment.TickCount64;
        long window = (long)RateLimitWindow.TotalMilliseconds;
        lock (_recentRequestTicks)
        {
            while (_recentRequestTicks.Count > 0 && now - _recentRequestTicks.Peek() >= window)
            {
                _recentRequestTicks.Dequeue();
            }

            if (_recentRequestTicks.Count >= limit)
            {
                return true;
            }

            _recentRequestTicks.Enqueue(now);
            return false;
        }
    }

    private static JsonObject RateLimitAnswer() => new() { ["rt_cd"] = "1", ["msg_cd"] = "EGW00201", ["msg1"] = "초당 거래건수를 초과하였습니다." };

    /// <summary>Whether the <paramref name="n"/>-th order request is one <see cref="Fault"/> strikes.</summary>
    private bool Strikes(int n) => FaultEvery > 0 && Fault != HttpFault.None && n % FaultEvery == 0;

    /// <summary>The injected answer. <see cref="HttpFault.Timeout"/> waits until the client gives up.</summary>
    private async Task<IResult> FaultAnswerAsync(HttpContext context)
    {
        switch (Fault)
        {
            case HttpFault.ServerError:
                return Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 500);
            case HttpFault.RateLimited:
                return Results.Json(RateLimitAnswer(), statusCode: 500);
            case HttpFault.TooManyRequests:
                return Results.Text("Too Many Requests", "text/plain", statusCode: 429);
            case HttpFault.Malformed:
                return Results.Text("{\"rt_cd\": \"0\", \"output\": {", "application/json");
            case HttpFault.Timeout:
                await WaitAsync(Timeout.InfiniteTimeSpan, context.RequestAborted).ConfigureAwait(false);
                return Results.Empty;
            default:
                return Results.Empty;
        }
    }

    /// <summary>Waits <paramref name="delay"/> unless the request is aborted first; false if it was.</summary>
    private static async Task<bool> WaitAsync(TimeSpan delay, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(delay, aborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private bool HasValidToken(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        string token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : string.Empty;
        return _tokens.TryGetValue(token, out DateTimeOffset expires) && expires >= DateTimeOffset.UtcNow;
    }

    /// <summary>KIS answers an expired token with HTTP 500 and EGW00123.</summary>
    private static IResult ExpiredToken() =>
        Results.Json(new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = "EGW00123", ["msg1"] = "기간이 만료된 token 입니다." }, statusCode: 500);

    private static IResult Fail(string code, string message) =>
        Results.Json(new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = code, ["msg1"] = message });

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static DateTimeOffset SeoulNow => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9));

    private static async Task<JsonObject?> ReadAsync(HttpRequest request)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonObject>(request.Body).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>What an injected failure looks like.</summary>
public enum HttpFault
{
    None,

    /// <summary>HTTP 500 with an HTML body (a proxy in trouble).</summary>
    ServerError,

    /// <summary>KIS's per-second limit: HTTP 500, EGW00201.</summary>
    RateLimited,

    /// <summary>HTTP 200 with truncated JSON.</summary>
    Malformed,

    /// <summary>HTTP 429 without a KIS body (a gateway in front of KIS throttling).</summary>
    TooManyRequests,

    /// <summary>No answer: the request hangs until the client gives up.</summary>
    Timeout,
}
