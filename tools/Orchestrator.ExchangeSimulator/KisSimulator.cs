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
        var simulator = new KisSimulator(app);
        simulator.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        simulator.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return simulator;
    }

    private void Map(WebApplication app)
    {
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

        app.MapPost("/oauth2/Approval", async (HttpRequest request) =>
        {
            JsonObject? body = await ReadAsync(request).ConfigureAwait(false);
            return body?["appkey"]?.GetValue<string>() == AppKey
                ? Results.Json(new JsonObject { ["approval_key"] = "SIM-APPROVAL-" + Guid.NewGuid().ToString("N") })
                : Results.Json(new JsonObject { ["error_code"] = "EGW00103" }, statusCode: 403);
        });

        app.MapPost("/uapi/domestic-stock/v1/trading/order-cash", async (HttpRequest request) =>
        {
            string authorization = request.Headers.Authorization.ToString();
            string token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : string.Empty;
            if (!_tokens.TryGetValue(token, out DateTimeOffset expires) || expires < DateTimeOffset.UtcNow)
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
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
