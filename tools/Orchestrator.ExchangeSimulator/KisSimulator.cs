using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The KIS Open API subset, served on loopback: access tokens (<c>POST /oauth2/tokenP</c>),
/// WebSocket approval keys (<c>POST /oauth2/Approval</c>) and domestic cash orders
/// (<c>POST /uapi/domestic-stock/v1/trading/order-cash</c>), answering like KIS does — HTTP
/// 200 with <c>rt_cd</c> "0" for success and anything else, with <c>msg_cd</c>/<c>msg1</c>, for a
/// business failure. It counts what it was asked, so tests can prove a token is reused and an
/// order is never sent twice.
/// </summary>
public sealed class KisSimulator : IAsyncDisposable
{
    public const string AppKey = "SIM-APP-KEY";
    public const string AppSecret = "SIM-APP-SECRET";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _orders = new();
    private long _orderNumber = 1000;
    private int _tokensIssued;

    private KisSimulator(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Access tokens issued so far.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Orders accepted so far, as received.</summary>
    public IReadOnlyCollection<JsonObject> Orders => _orders;

    /// <summary>Lifetime of issued tokens (KIS: 24 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public static async Task<KisSimulator> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        WebApplication app = builder.Build();
        app.UseWebSockets();
        var simulator = new KisSimulator(app);
        simulator.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return simulator;
    }

    private void Map(WebApplication app)
    {
        app.Map("/", ServeWebSocketAsync);
        app.Map("/tryitout/H0STCNT0", ServeWebSocketAsync);

        app.MapPost("/oauth2/tokenP", async (HttpRequest request) =>
        {
            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            if (body?["appkey"]?.GetValue<string>() != AppKey || body["appsecret"]?.GetValue<string>() != AppSecret)
            {
                return Results.Json(new JsonObject { ["error_description"] = "유효하지 않은 AppKey입니다.", ["error_code"] = "EGW00103" }, statusCode: 403);
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

        app.MapPost("/uapi/domestic-stock/v1/trading/order-rvsecncl", ReviseOrCancelAsync);
        app.MapGet("/uapi/domestic-stock/v1/trading/inquire-daily-ccld", DailyOrders);

        app.MapPost("/oauth2/Approval", async (HttpRequest request) =>
        {
            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            return body?["appkey"]?.GetValue<string>() == AppKey
                ? Results.Json(new JsonObject { ["approval_key"] = "SIM-APPROVAL-" + Guid.NewGuid().ToString("N") })
                : Results.Json(new JsonObject { ["error_code"] = "EGW00103" }, statusCode: 403);
        });

        app.MapPost("/uapi/domestic-stock/v1/trading/order-cash", async (HttpRequest request) =>
        {
            if (InjectedFault() is { } fault)
            {
                return fault; // the order does not reach the book
            }

            if (!HasValidToken(request))
            {
                return Fail("EGW00123", "기간이 만료된 token 입니다.");
            }

            string trId = request.Headers["tr_id"].ToString();
            if (trId is not ("TTTC0012U" or "TTTC0011U" or "VTTC0012U" or "VTTC0011U"))
            {
                return Fail("EGW00201", "tr_id is not a cash-order id");
            }

            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            string[] required = ["CANO", "ACNT_PRDT_CD", "PDNO", "ORD_DVSN", "ORD_QTY", "ORD_UNPR"];
            string? missing = required.FirstOrDefault(k => body?[k] is not JsonValue v || v.GetValueKind() != JsonValueKind.String);
            if (missing is not null)
            {
                return Fail("OPSQ2001", $"{missing} must be given as a string");
            }

            if (!long.TryParse(body![("ORD_QTY")]!.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out long quantity) || quantity <= 0)
            {
                return Fail("APBK0917", "주문수량을 확인하세요.");
            }

            body["tr_id"] = trId;
            _orders.Enqueue(body);
            long orderNumber = Interlocked.Increment(ref _orderNumber);
            string odno = orderNumber.ToString("0000000000", CultureInfo.InvariantCulture);
            _open[odno] = quantity;
            _day[odno] = new DayOrder(odno, body["PDNO"]!.GetValue<string>(), trId.EndsWith("0012U", StringComparison.Ordinal) ? "02" : "01", quantity);
            return Results.Json(new JsonObject
            {
                ["rt_cd"] = "0",
                ["msg_cd"] = "APBK0013",
                ["msg1"] = "주문 전송 완료 되었습니다.",
                ["output"] = new JsonObject
                {
                    ["KRX_FWDG_ORD_ORGNO"] = "91252",
                    ["ODNO"] = orderNumber.ToString("0000000000", CultureInfo.InvariantCulture),
                    ["ORD_TMD"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9)).ToString("HHmmss", CultureInfo.InvariantCulture),
                },
            });
        });
    }

    /// <summary>Subscribe/unsubscribe messages received over WebSockets, all connections together.</summary>
    public int SubscribeMessages => Volatile.Read(ref _subscribeMessages);

    /// <summary>WebSocket connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Time between data frames on a subscribed connection.</summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Fault injection: close each connection after this many data frames (0 = never).</summary>
    public int DropAfterFrames { get; set; }

    /// <summary>Fault injection: send this text as a frame after every N data frames (null = never).</summary>
    public string? GarbageFrame { get; set; }

    private int _subscribeMessages;
    private int _connections;

    /// <summary>
    /// The real-time endpoint: the client sends KIS subscribe JSON (<c>header.approval_key</c>,
    /// <c>tr_type</c> 1/2, <c>body.input.tr_id</c>/<c>tr_key</c>), gets the JSON ack, then
    /// <c>0|H0STCNT0|001|…</c> trade frames for its symbols with a random walk in whole won.
    /// </summary>
    private async Task ServeWebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        var symbols = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task receive = ReceiveSubscriptionsAsync(socket, symbols, closed.Token);
        var random = new Random(7);
        int frames = 0;
        try
        {
            while (socket.State == System.Net.WebSockets.WebSocketState.Open && !receive.IsCompleted)
            {
                await Task.Delay(FrameInterval, closed.Token).ConfigureAwait(false);
                foreach ((string symbol, long last) in symbols)
                {
                    long price = Math.Max(100, last + (random.Next(-2, 3) * 100));
                    symbols[symbol] = price;
                    await SendAsync(socket, TradeFrame(symbol, price, random.Next(1, 50)), closed.Token).ConfigureAwait(false);
                    frames++;
                    if (GarbageFrame is not null && frames % 5 == 0)
                    {
                        await SendAsync(socket, GarbageFrame, closed.Token).ConfigureAwait(false);
                    }

                    if (DropAfterFrames > 0 && frames >= DropAfterFrames)
                    {
                        socket.Abort(); // a dropped link, not a polite close
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // the client went away
        }
        finally
        {
            await closed.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ReceiveSubscriptionsAsync(System.Net.WebSockets.WebSocket socket, ConcurrentDictionary<string, long> symbols, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[8192];
        try
        {
            while (socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                System.Net.WebSockets.WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    return;
                }

                JsonObject? message;
                try
                {
                    message = JsonSerializer.Deserialize<JsonObject>(buffer.AsSpan(0, result.Count));
                }
                catch (JsonException)
                {
                    continue;
                }

                string? trType = message?["header"]?["tr_type"]?.GetValue<string>();
                string? trId = message?["body"]?["input"]?["tr_id"]?.GetValue<string>();
                string? trKey = message?["body"]?["input"]?["tr_key"]?.GetValue<string>();
                if (trId is null || trKey is null)
                {
                    continue;
                }

                Interlocked.Increment(ref _subscribeMessages);
                if (trType == "2")
                {
                    symbols.TryRemove(trKey, out _);
                }
                else
                {
                    symbols.TryAdd(trKey, 70_000);
                }

                var ack = new JsonObject
                {
                    ["header"] = new JsonObject { ["tr_id"] = trId, ["tr_key"] = trKey, ["encrypt"] = "N" },
                    ["body"] = new JsonObject
                    {
                        ["rt_cd"] = "0",
                        ["msg_cd"] = "OPSP0000",
                        ["msg1"] = trType == "2" ? "UNSUBSCRIBE SUCCESS" : "SUBSCRIBE SUCCESS",
                        ["output"] = new JsonObject { ["iv"] = "0123456789abcdef", ["key"] = "abcdefghijklmnopabcdefghijklmnop" },
                    },
                };
                await SendAsync(socket, ack.ToJsonString(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // connection ended
        }
    }

    private readonly SemaphoreSlim _sendGate = new(1, 1);

    private async Task SendAsync(System.Net.WebSockets.WebSocket socket, string text, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), System.Net.WebSockets.WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>One H0STCNT0 record (46 fields) for <paramref name="symbol"/> at the current Seoul time.</summary>
    private static string TradeFrame(string symbol, long price, int size)
    {
        DateTimeOffset seoul = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9));
        string[] f = new string[46];
        Array.Fill(f, "0");
        f[0] = symbol;
        f[1] = seoul.ToString("HHmmss", CultureInfo.InvariantCulture);
        f[2] = price.ToString(CultureInfo.InvariantCulture);
        f[7] = f[8] = f[9] = f[2];
        f[10] = (price + 100).ToString(CultureInfo.InvariantCulture);
        f[11] = (price - 100).ToString(CultureInfo.InvariantCulture);
        f[12] = size.ToString(CultureInfo.InvariantCulture);
        f[33] = seoul.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        f[35] = "N";
        f[36] = "500";
        f[37] = "700";
        return "0|H0STCNT0|001|" + string.Join('^', f);
    }

    private readonly ConcurrentDictionary<string, long> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DayOrder> _day = new(StringComparer.Ordinal);

    private sealed class DayOrder(string odno, string symbol, string sideCode, long quantity)
    {
        public string Odno { get; } = odno;

        public string Symbol { get; } = symbol;

        /// <summary>01 sell, 02 buy (KIS's sll_buy_dvsn_cd).</summary>
        public string SideCode { get; } = sideCode;

        public long Quantity { get; } = quantity;

        public bool Canceled { get; set; }
    }

    /// <summary>
    /// <c>GET /uapi/domestic-stock/v1/trading/inquire-daily-ccld</c>: the day's orders with their
    /// filled and remaining quantities (the simulator fills nothing yet: filled is 0).
    /// </summary>
    private IResult DailyOrders(HttpRequest request)
    {
        if (!HasValidToken(request))
        {
            return Fail("EGW00123", "기간이 만료된 token 입니다.");
        }

        var rows = new JsonArray();
        foreach (DayOrder order in _day.Values.OrderBy(o => o.Odno, StringComparer.Ordinal))
        {
            rows.Add(new JsonObject
            {
                ["odno"] = order.Odno,
                ["pdno"] = order.Symbol,
                ["sll_buy_dvsn_cd"] = order.SideCode,
                ["ord_qty"] = order.Quantity.ToString(CultureInfo.InvariantCulture),
                ["tot_ccld_qty"] = "0",
                ["rmn_qty"] = order.Canceled ? "0" : order.Quantity.ToString(CultureInfo.InvariantCulture),
                ["cncl_yn"] = order.Canceled ? "Y" : "N",
            });
        }

        return Results.Json(new JsonObject { ["rt_cd"] = "0", ["msg_cd"] = "KIOK0510", ["msg1"] = "조회가 완료되었습니다", ["output1"] = rows });
    }
    private int _orderRequests;

    /// <summary>Fault injection for order requests: every <see cref="FaultEvery"/>-th one gets this answer instead.</summary>
    public HttpFault Fault { get; set; }

    /// <summary>How often <see cref="Fault"/> strikes (1 = every order request; 0 = never).</summary>
    public int FaultEvery { get; set; }

    /// <summary>Order requests received, faulted or not.</summary>
    public int OrderRequests => Volatile.Read(ref _orderRequests);

    /// <summary>The injected answer for this request, if it is one the fault strikes.</summary>
    private IResult? InjectedFault()
    {
        int n = Interlocked.Increment(ref _orderRequests);
        if (FaultEvery <= 0 || Fault == HttpFault.None || n % FaultEvery != 0)
        {
            return null;
        }

        return Fault switch
        {
            HttpFault.ServerError => Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 500),
            HttpFault.RateLimited => Results.Json(new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = "EGW00201", ["msg1"] = "초당 거래건수를 초과하였습니다." }, statusCode: 500),
            HttpFault.Malformed => Results.Text("{\"rt_cd\": \"0\", \"output\": {", "application/json"),
            _ => null,
        };
    }

    /// <summary>Orders canceled so far.</summary>
    public int Cancels => Volatile.Read(ref _cancels);

    private int _cancels;

    /// <summary>Whether the venue still holds <paramref name="orderNumber"/> open.</summary>
    public bool IsOpen(string orderNumber) => _open.ContainsKey(orderNumber);

    private async Task<IResult> ReviseOrCancelAsync(HttpRequest request)
    {
        if (!HasValidToken(request))
        {
            return Fail("EGW00123", "기간이 만료된 token 입니다.");
        }

        if (request.Headers["tr_id"].ToString() is not ("TTTC0013U" or "VTTC0013U"))
        {
            return Fail("EGW00201", "tr_id is not a revise/cancel id");
        }

        JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
        string? original = body?["ORGN_ODNO"]?.GetValue<string>();
        string? kind = body?["RVSE_CNCL_DVSN_CD"]?.GetValue<string>();
        if (original is null || kind is not ("01" or "02"))
        {
            return Fail("OPSQ2001", "ORGN_ODNO and RVSE_CNCL_DVSN_CD (01 revise, 02 cancel) are required");
        }

        if (kind == "02")
        {
            if (!_open.TryRemove(original, out _))
            {
                return Fail("APBK0918", "취소 가능한 수량이 없습니다.");
            }

            if (_day.TryGetValue(original, out DayOrder? dayOrder))
            {
                dayOrder.Canceled = true;
            }

            Interlocked.Increment(ref _cancels);
        }
        else if (!_open.ContainsKey(original))
        {
            return Fail("APBK0918", "정정 가능한 수량이 없습니다.");
        }

        long orderNumber = Interlocked.Increment(ref _orderNumber);
        return Results.Json(new JsonObject
        {
            ["rt_cd"] = "0",
            ["msg_cd"] = "APBK0013",
            ["msg1"] = "주문 전송 완료 되었습니다.",
            ["output"] = new JsonObject
            {
                ["KRX_FWDG_ORD_ORGNO"] = "91252",
                ["ODNO"] = orderNumber.ToString("0000000000", CultureInfo.InvariantCulture),
                ["ORD_TMD"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9)).ToString("HHmmss", CultureInfo.InvariantCulture),
            },
        });
    }

    private bool HasValidToken(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        string token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : string.Empty;
        return _tokens.TryGetValue(token, out DateTimeOffset expires) && expires >= DateTimeOffset.UtcNow;
    }

    private static IResult Fail(string code, string message) =>
        Results.Json(new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = code, ["msg1"] = message });

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
        _sendGate.Dispose();
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

    /// <summary>KIS's per-second limit: EGW00201.</summary>
    RateLimited,

    /// <summary>HTTP 200 with truncated JSON.</summary>
    Malformed,
}
