using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The Alpaca subset the adapters use, served on loopback: Trading API v2 REST (orders,
/// account, positions, assets; keys in <c>APCA-API-KEY-ID</c>/<c>APCA-API-SECRET-KEY</c>), the account
/// stream <c>/stream</c> (<c>trade_updates</c>, binary frames like Alpaca's paper host) and market
/// data stream v2 (<c>/v2/iex</c>, <c>/v2/sip</c>).
/// </summary>
/// <remarks>
/// <para>Matching: a synthetic price per symbol (<see cref="SetPrice"/>, default
/// <see cref="DefaultPrice"/>) moves a few cents on every market-data tick streamed. Market orders
/// fill at once at that price; limit orders fill when the price reaches the limit; stop orders
/// trigger when it crosses the stop; trailing stops follow the best price. Fills move cash and
/// positions together; IOC/FOK orders that cannot fill at once are canceled; opg/cls orders are
/// taken as day orders (the simulator has no auctions). No partial fills. Order classes bracket,
/// oto and oco are held as Alpaca holds them (AlpacaSimulator.Groups.cs).</para>
/// <para>It counts what it was asked (HTTP requests, order requests, orders created per
/// <c>client_order_id</c>, connections, log-ins, subscribes) and injects faults on demand, so
/// tests can prove an order is never created twice and a feed recovers.</para>
/// </remarks>
public sealed partial class AlpacaSimulator : IAsyncDisposable
{
    public const string KeyId = "SIM-ALPACA-KEY";
    public const string SecretKey = "SIM-ALPACA-SECRET";

    private const decimal StartingCash = 100_000m;

    private readonly WebApplication _app;
    private readonly object _book = new();
    private readonly Dictionary<string, SimOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimOrder> _byClientId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (decimal Quantity, decimal Average)> _positions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _createdPerClientId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SimSocket, byte> _listeners = new();
    private readonly Random _random = new(11);
    private decimal _cash = StartingCash;
    private int _httpRequests;
    private int _orderRequests;
    private int _tradeConnections;
    private int _dataConnections;
    private int _authMessages;
    private int _subscribeMessages;
    private int _listenMessages;

    private AlpacaSimulator(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The account stream, <c>ws://…/stream</c>.</summary>
    public Uri TradeStreamUri => new("ws://" + BaseAddress.Authority + "/stream");

    /// <summary>Market data stream v2, <c>ws://…/v2/iex</c>.</summary>
    public Uri MarketDataUri => new("ws://" + BaseAddress.Authority + "/v2/iex");

    /// <summary>The synthetic price of a symbol nobody set.</summary>
    public decimal DefaultPrice { get; set; } = 100m;

    /// <summary>Time between market-data frames on a subscribed connection.</summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Fault injection: every <see cref="FaultEvery"/>-th order request gets this answer.</summary>
    public AlpacaFault Fault { get; set; }

    /// <summary>How often <see cref="Fault"/> strikes (1 = every order request; 0 = never).</summary>
    public int FaultEvery { get; set; }

    /// <summary>Fault injection: every HTTP answer waits this long first.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Fault injection: abort each market-data connection after this many data frames (0 = never).</summary>
    public int DropAfterFrames { get; set; }

    /// <summary>Fault injection: send <see cref="GarbageFrame"/> after every N market-data frames (0 = never).</summary>
    public int GarbageEvery { get; set; }

    /// <summary>What a garbage frame says.</summary>
    public string GarbageFrame { get; set; } = "[{\"T\":\"t\",\"S\":";

    /// <summary>HTTP requests received, any path.</summary>
    public int HttpRequests => Volatile.Read(ref _httpRequests);

    /// <summary><c>POST /v2/orders</c> requests received, faulted, refused or not.</summary>
    public int OrderRequests => Volatile.Read(ref _orderRequests);

    /// <summary>Orders held, all statuses.</summary>
    public int OrderCount
    {
        get
        {
            lock (_book)
            {
                return _orders.Count;
            }
        }
    }

    /// <summary>Account-stream connections accepted.</summary>
    public int TradeStreamConnections => Volatile.Read(ref _tradeConnections);

    /// <summary>Market-data connections accepted.</summary>
    public int MarketDataConnections => Volatile.Read(ref _dataConnections);

    /// <summary>Log-in messages received on either stream.</summary>
    public int AuthMessages => Volatile.Read(ref _authMessages);

    /// <summary>Market-data subscribe messages received.</summary>
    public int SubscribeMessages => Volatile.Read(ref _subscribeMessages);

    /// <summary>Account-stream listen messages received.</summary>
    public int ListenMessages => Volatile.Read(ref _listenMessages);

    /// <summary>Account streams currently listening to <c>trade_updates</c>.</summary>
    public int Listeners => _listeners.Count;

    /// <summary>Orders created for a client order id (more than 1 would be a duplicate order).</summary>
    public int OrdersCreatedFor(string clientOrderId) => _createdPerClientId.TryGetValue(clientOrderId, out int n) ? n : 0;

    /// <summary>Cash as the account reports it.</summary>
    public decimal Cash
    {
        get
        {
            lock (_book)
            {
                return _cash;
            }
        }
    }

    /// <summary>Shares held in <paramref name="symbol"/> as the account reports them.</summary>
    public decimal PositionOf(string symbol)
    {
        lock (_book)
        {
            return _positions.TryGetValue(symbol, out (decimal Quantity, decimal Average) p) ? p.Quantity : 0;
        }
    }

    /// <summary>Sets a symbol's synthetic price and matches resting orders against it.</summary>
    public Task SetPrice(string symbol, decimal price)
    {
        List<JsonObject> events;
        lock (_book)
        {
            _prices[symbol] = price;
            events = MatchResting(symbol);
        }

        return BroadcastAsync(events);
    }

    /// <summary>A symbol's current synthetic price.</summary>
    public decimal Price(string symbol)
    {
        lock (_book)
        {
            return PriceOf(symbol);
        }
    }

    public static async Task<AlpacaSimulator> StartAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        (AlpacaSimulator simulator, Uri baseAddress) = await LoopbackHost.StartAsync(port, app =>
        {
            var s = new AlpacaSimulator(app);
            s.Map(app);
            return s;
        }, cancellationToken).ConfigureAwait(false);
        simulator.BaseAddress = baseAddress;
        return simulator;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _httpRequests);
            if (ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(ResponseDelay, context.RequestAborted).ConfigureAwait(false);
            }

            bool socket = context.WebSockets.IsWebSocketRequest;
            if (!socket && (context.Request.Headers["APCA-API-KEY-ID"] != KeyId || context.Request.Headers["APCA-API-SECRET-KEY"] != SecretKey))
            {
                await Results.Json(Error(40110000, "request is not authorized"), statusCode: 401).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

        app.Map("/stream", ServeTradeUpdatesAsync);
        app.Map("/v2/iex", ServeMarketDataAsync);
        app.Map("/v2/sip", ServeMarketDataAsync);
        app.MapPost("/v2/orders", PlaceAsync);
        app.MapGet("/v2/orders", (HttpRequest request) => ListOrders(Nested(request)));
        app.MapGet("/v2/orders:by_client_order_id", (HttpRequest request) =>
        {
            lock (_book)
            {
                return _byClientId.TryGetValue(request.Query["client_order_id"].ToString(), out SimOrder? order)
                    ? Results.Json(order.ToJson())
                    : Results.Json(Error(40410000, "order not found"), statusCode: 404);
            }
        });
        app.MapGet("/v2/orders/{id}", (string id, HttpRequest request) =>
        {
            lock (_book)
            {
                return _orders.TryGetValue(id, out SimOrder? order) ? Results.Json(order.ToJson(Nested(request))) : Results.Json(Error(40410000, "order not found"), statusCode: 404);
            }
        });
        app.MapDelete("/v2/orders/{id}", CancelAsync);
        app.MapPatch("/v2/orders/{id}", ReplaceAsync); // AlpacaSimulator.Amend.cs
        app.MapGet("/v2/account", Account);
        app.MapGet("/v2/positions", Positions);
        MapAssets(app); // AlpacaSimulator.Assets.cs
    }

    private async Task<IResult> PlaceAsync(HttpRequest request)
    {
        int n = Interlocked.Increment(ref _orderRequests);
        AlpacaFault fault = FaultEvery > 0 && n % FaultEvery == 0 ? Fault : AlpacaFault.None;
        switch (fault)
        {
            case AlpacaFault.ServerError:
                return Results.Text("<html>500 Internal Server Error</html>", "text/html", statusCode: 500);
            case AlpacaFault.RateLimited:
                return Results.Json(Error(42910000, "rate limit exceeded"), statusCode: 429);
        }

        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (!TryReadOrder(body, out SimOrder? order, out string? invalid) || !TryReadGroup(body!, order!, out invalid))
        {
            return Results.Json(Error(40010001, invalid!), statusCode: 422);
        }

        List<JsonObject> events;
        JsonObject answer;
        lock (_book)
        {
            if (order!.ClientOrderId.Length > 0 && _byClientId.ContainsKey(order.ClientOrderId))
            {
                return Results.Json(Error(40010001, "client_order_id must be unique"), statusCode: 422);
            }

            decimal price = PriceOf(order.Symbol);
            if (order.Side == "buy" && order.Quantity * (order.LimitPrice ?? price) > _cash)
            {
                return Results.Json(Error(40310000, "insufficient buying power"), statusCode: 403);
            }

            _orders[order.Id] = order;
            BookLegs(order);
            if (order.ClientOrderId.Length > 0)
            {
                _byClientId[order.ClientOrderId] = order;
                _createdPerClientId.AddOrUpdate(order.ClientOrderId, 1, (_, c) => c + 1);
            }

            events = [TradeUpdate("new", order, null)];
            if (TryFill(order, price) is { } fill)
            {
                events.Add(fill);
                events.AddRange(AfterFill(order));
            }
            else if (order.TimeInForce is "ioc" or "fok")
            {
                order.Status = "canceled";
                events.Add(TradeUpdate("canceled", order, null));
            }

            answer = order.ToJson();
        }

        await BroadcastAsync(events).ConfigureAwait(false);
        return fault switch
        {
            AlpacaFault.CreatedThenServerError => Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 500),
            AlpacaFault.Malformed => Results.Text("{\"id\":\"" + order.Id + "\",\"status\":", "application/json"),
            _ => Results.Json(answer),
        };
    }

    private static bool TryReadOrder(JsonObject? body, out SimOrder? order, out string? invalid)
    {
        order = null;
        string? Text(string name) => body?[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        decimal? Price(string name) => decimal.TryParse(Text(name), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal p) && p > 0 ? p : null;
        string? symbol = Text("symbol");
        string? side = Text("side");
        string type = Text("type") ?? "market";
        string tif = Text("time_in_force") ?? "day";
        // Alpaca takes fractional shares (up to 9 decimals) as market or limit day orders only, without an order class.
        bool readable = decimal.TryParse(Text("qty"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal quantity);
        bool fractional = quantity != decimal.Truncate(quantity);
        string orderClass = body?["order_class"] is JsonValue oc && oc.TryGetValue(out string? c) && c.Length > 0 ? c : "simple";
        invalid = symbol is null or { Length: 0 } ? "symbol is required"
            : !readable || quantity <= 0 || decimal.Round(quantity, 9) != quantity ? "qty must be a positive number of shares (at most 9 decimals) given as a string"
            : fractional && type is not ("market" or "limit") ? "fractional orders must be market or limit orders"
            : fractional && tif != "day" ? "fractional orders must be day orders"
            : fractional && orderClass != "simple" ? "fractional orders cannot be " + orderClass + " orders"
            : side is not ("buy" or "sell") ? "side must be buy or sell"
            : type is not ("market" or "limit" or "stop" or "stop_limit" or "trailing_stop") ? "invalid order type"
            : tif is not ("day" or "gtc" or "ioc" or "fok" or "opg" or "cls") ? "invalid time_in_force"
            : type == "trailing_stop" && Price("trail_price") is null == Price("trail_percent") is null ? "trailing_stop needs exactly one of trail_price and trail_percent"
            : type is "limit" or "stop_limit" && Price("limit_price") is null ? "limit_price is required"
            : type is "stop" or "stop_limit" && Price("stop_price") is null ? "stop_price is required"
            : null;
        if (invalid is not null)
        {
            return false;
        }

        order = new SimOrder(Guid.NewGuid().ToString(), Text("client_order_id") ?? string.Empty, symbol!, side!, quantity, type, tif, Price("limit_price"), Price("stop_price"))
        {
            TrailPrice = Price("trail_price"),
            TrailPercent = Price("trail_percent"),
        };
        return true;
    }

    private async Task<IResult> CancelAsync(string id)
    {
        JsonObject update;
        List<JsonObject> legs;
        lock (_book)
        {
            if (!_orders.TryGetValue(id, out SimOrder? order))
            {
                return Results.Json(Error(40410000, "order not found"), statusCode: 404);
            }

            if (order.Status != "new")
            {
                return Results.Json(Error(42210000, "order is not cancelable"), statusCode: 422);
            }

            order.Status = "canceled";
            order.UpdatedAt = DateTimeOffset.UtcNow;
            update = TradeUpdate("canceled", order, null);
            legs = CancelLegs(order);
        }

        await BroadcastAsync([update, .. legs]).ConfigureAwait(false);
        return Results.NoContent();
    }

    /// <summary>
    /// <c>GET /v2/orders</c>, newest first, up to 500. As Alpaca: with <c>nested=true</c> a bracket's, oto's or oco's
    /// legs are rolled up under their parent's <c>legs</c> and not listed on their own; without it every order,
    /// legs included, is listed flat with <c>legs</c> null.
    /// </summary>
    private IResult ListOrders(bool nested)
    {
        lock (_book)
        {
            return Results.Json(new JsonArray([.. _orders.Values.Where(o => !nested || o.Parent is null).OrderByDescending(o => o.CreatedAt).Take(500).Select(o => (JsonNode)o.ToJson(nested))]));
        }
    }

    /// <summary>Alpaca's <c>nested</c> query flag (false when absent).</summary>
    private static bool Nested(HttpRequest request) => string.Equals(request.Query["nested"].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    private IResult Account()
    {
        lock (_book)
        {
            decimal equity = _cash + _positions.Sum(p => p.Value.Quantity * PriceOf(p.Key));
            return Results.Json(new JsonObject
            {
                ["id"] = "sim-account",
                ["status"] = "ACTIVE",
                ["currency"] = "USD",
                ["cash"] = Money(_cash),
                ["equity"] = Money(equity),
                ["buying_power"] = Money(Math.Max(0, _cash)),
            });
        }
    }

    private IResult Positions()
    {
        lock (_book)
        {
            return Results.Json(new JsonArray([.. _positions.Select(p => (JsonNode)new JsonObject
            {
                ["symbol"] = p.Key,
                ["qty"] = p.Value.Quantity.ToString(CultureInfo.InvariantCulture),
                ["side"] = p.Value.Quantity >= 0 ? "long" : "short",
                ["avg_entry_price"] = Money(p.Value.Average),
                ["current_price"] = Money(PriceOf(p.Key)),
                ["market_value"] = Money(p.Value.Quantity * PriceOf(p.Key)),
            })]));
        }
    }

    /// <summary>Fills <paramref name="order"/> at <paramref name="price"/> if its type and limit allow; the fill event or null. Under the book lock.</summary>
    private JsonObject? TryFill(SimOrder order, decimal price)
    {
        if (order.Status != "new")
        {
            return null;
        }

        bool buy = order.Side == "buy";
        Trail(order, price);
        if (order.StopPrice is { } stop && !order.Triggered)
        {
            if (buy ? price < stop : price > stop)
            {
                return null;
            }

            order.Triggered = true;
        }

        if (order.LimitPrice is { } limit && (buy ? price > limit : price < limit))
        {
            return null;
        }

        order.Status = "filled";
        order.FilledQuantity = order.Quantity;
        order.FilledAveragePrice = price;
        order.UpdatedAt = DateTimeOffset.UtcNow;
        order.FilledAt = order.UpdatedAt;
        decimal signed = buy ? order.Quantity : -order.Quantity;
        _cash -= signed * price;
        (decimal held, decimal average) = _positions.TryGetValue(order.Symbol, out var p) ? p : (0m, 0m);
        decimal after = held + signed;
        decimal newAverage = after == 0 ? 0
            : Math.Sign(held) == Math.Sign(after) && Math.Abs(after) < Math.Abs(held) ? average // reduced: entry price unchanged
            : Math.Sign(held) == Math.Sign(after) ? ((held * average) + (signed * price)) / after // added to
            : price; // opened or flipped
        if (after == 0)
        {
            _positions.Remove(order.Symbol);
        }
        else
        {
            _positions[order.Symbol] = (after, newAverage);
        }

        JsonObject update = TradeUpdate("fill", order, price);
        update["position_qty"] = after.ToString(CultureInfo.InvariantCulture);
        return update;
    }

    /// <summary>Resting orders of <paramref name="symbol"/> that the current price now fills. Under the book lock.</summary>
    private List<JsonObject> MatchResting(string symbol)
    {
        var events = new List<JsonObject>();
        decimal price = PriceOf(symbol);
        foreach (SimOrder order in _orders.Values.ToList())
        {
            if (order.Symbol == symbol && TryFill(order, price) is { } fill)
            {
                events.Add(fill);
                events.AddRange(AfterFill(order));
            }
        }

        return events;
    }

    private decimal PriceOf(string symbol) => _prices.TryGetValue(symbol, out decimal price) ? price : DefaultPrice;

    private static JsonObject TradeUpdate(string update, SimOrder order, decimal? price)
    {
        var data = new JsonObject
        {
            ["event"] = update,
            ["timestamp"] = Rfc3339(DateTimeOffset.UtcNow),
            ["order"] = order.ToJson(),
        };
        if (price is { } p)
        {
            data["execution_id"] = Guid.NewGuid().ToString();
            data["price"] = Money(p);
            data["qty"] = order.Quantity.ToString(CultureInfo.InvariantCulture);
        }

        return new JsonObject { ["stream"] = "trade_updates", ["data"] = data };
    }

    private async Task BroadcastAsync(List<JsonObject> events)
    {
        foreach (JsonObject update in events)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(update.ToJsonString());
            foreach (SimSocket listener in _listeners.Keys)
            {
                await listener.SendAsync(bytes, WebSocketMessageType.Binary, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Accepts a WebSocket (400 for plain HTTP), counts it and serves it until it ends.</summary>
    private static async Task AcceptAsync(HttpContext context, Action counted, Func<HttpContext, WebSocket, SimSocket, Task> serve)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var client = new SimSocket(socket);
        counted();
        await serve(context, socket, client).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>/stream</c>: the client logs in (<c>{"action":"auth","key","secret"}</c>, or the older
    /// <c>{"action":"authenticate","data":{"key_id","secret_key"}}</c>), then listens to
    /// <c>trade_updates</c>. Every frame goes out binary, as from Alpaca's paper host.
    /// </summary>
    private Task ServeTradeUpdatesAsync(HttpContext context) =>
        AcceptAsync(context, () => Interlocked.Increment(ref _tradeConnections), ServeTradeUpdatesAsync);

    private async Task ServeTradeUpdatesAsync(HttpContext context, WebSocket socket, SimSocket client)
    {
        bool authorized = false;
        CancellationToken aborted = context.RequestAborted;
        try
        {
            while (await client.ReceiveAsync(aborted).ConfigureAwait(false) is { } message)
            {
                string? action = message["action"]?.GetValue<string>();
                if (action is "auth" or "authenticate")
                {
                    Interlocked.Increment(ref _authMessages);
                    string? key = message["key"]?.GetValue<string>() ?? message["data"]?["key_id"]?.GetValue<string>();
                    string? secret = message["secret"]?.GetValue<string>() ?? message["data"]?["secret_key"]?.GetValue<string>();
                    authorized = key == KeyId && secret == SecretKey;
                    await client.SendAsync(
                        "{\"stream\":\"authorization\",\"data\":{\"action\":\"authenticate\",\"status\":\"" + (authorized ? "authorized" : "unauthorized") + "\"}}",
                        WebSocketMessageType.Binary,
                        aborted).ConfigureAwait(false);
                    if (!authorized)
                    {
                        await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "unauthorized", aborted).ConfigureAwait(false);
                        return;
                    }
                }
                else if (action == "listen")
                {
                    Interlocked.Increment(ref _listenMessages);
                    bool listen = authorized && message["data"]?["streams"] is JsonArray streams && streams.Any(s => s?.GetValue<string>() == "trade_updates");
                    if (listen)
                    {
                        _listeners.TryAdd(client, 0);
                    }
                    else
                    {
                        _listeners.TryRemove(client, out _);
                    }

                    await client.SendAsync(
                        "{\"stream\":\"listening\",\"data\":{\"streams\":[" + (listen ? "\"trade_updates\"" : string.Empty) + "]}}",
                        WebSocketMessageType.Binary,
                        aborted).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // the client went away
        }
        finally
        {
            _listeners.TryRemove(client, out _);
        }
    }

    /// <summary>Aborts every account-stream connection (a dropped link, not a polite close).</summary>
    public void DropTradeStreams()
    {
        foreach (SimSocket listener in _listeners.Keys)
        {
            _listeners.TryRemove(listener, out _);
            listener.Abort();
        }
    }

    /// <summary>
    /// Market data v2: greets with <c>connected</c>, takes <c>auth</c> (402 and a close for wrong
    /// keys), <c>subscribe</c>/<c>unsubscribe</c> for trades, quotes and bars, then streams one
    /// frame per subscribed symbol every <see cref="FrameInterval"/>, moving its price each time.
    /// </summary>
    private Task ServeMarketDataAsync(HttpContext context) =>
        AcceptAsync(context, () => Interlocked.Increment(ref _dataConnections), ServeMarketDataAsync);

    private async Task ServeMarketDataAsync(HttpContext context, WebSocket socket, SimSocket client)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var subscription = new DataSubscription();
        try
        {
            await client.SendAsync("[{\"T\":\"success\",\"msg\":\"connected\"}]", WebSocketMessageType.Text, closed.Token).ConfigureAwait(false);
            Task receive = ReceiveMarketDataControlAsync(client, subscription, closed.Token);
            int frames = 0;
            while (socket.State == WebSocketState.Open && !receive.IsCompleted)
            {
                await Task.Delay(FrameInterval, closed.Token).ConfigureAwait(false);
                foreach (string symbol in subscription.Symbols())
                {
                    await client.SendAsync(await DataFrameAsync(symbol, subscription).ConfigureAwait(false), WebSocketMessageType.Text, closed.Token).ConfigureAwait(false);
                    frames++;
                    if (GarbageEvery > 0 && frames % GarbageEvery == 0)
                    {
                        await client.SendAsync(GarbageFrame, WebSocketMessageType.Text, closed.Token).ConfigureAwait(false);
                    }

                    if (DropAfterFrames > 0 && frames >= DropAfterFrames)
                    {
                        socket.Abort();
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // the client went away
        }
        finally
        {
            await closed.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ReceiveMarketDataControlAsync(SimSocket client, DataSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            while (await client.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                switch (message["action"]?.GetValue<string>())
                {
                    case "auth":
                        Interlocked.Increment(ref _authMessages);
                        if (subscription.Authenticated)
                        {
                            await client.SendAsync(StreamError(403, "already authenticated"), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                        }
                        else if (message["key"]?.GetValue<string>() == KeyId && message["secret"]?.GetValue<string>() == SecretKey)
                        {
                            subscription.Authenticated = true;
                            await client.SendAsync("[{\"T\":\"success\",\"msg\":\"authenticated\"}]", WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            await client.SendAsync(StreamError(402, "auth failed"), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                            await client.Socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "auth failed", cancellationToken).ConfigureAwait(false);
                            return;
                        }

                        break;
                    case "subscribe" or "unsubscribe" when !subscription.Authenticated:
                        await client.SendAsync(StreamError(401, "not authenticated"), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    case "subscribe" or "unsubscribe":
                        Interlocked.Increment(ref _subscribeMessages);
                        subscription.Apply(message);
                        await client.SendAsync(subscription.ToJson(), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await client.SendAsync(StreamError(400, "invalid syntax"), WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // connection ended
        }
    }

    /// <summary>Moves the symbol's price and renders one frame of the channels subscribed for it; fills resting orders the move reaches.</summary>
    private async Task<string> DataFrameAsync(string symbol, DataSubscription subscription)
    {
        decimal price;
        int size;
        List<JsonObject> events;
        lock (_book)
        {
            price = Math.Max(1m, PriceOf(symbol) + (_random.Next(-5, 6) / 100m));
            size = _random.Next(1, 500);
            _prices[symbol] = price;
            events = MatchResting(symbol);
        }

        await BroadcastAsync(events).ConfigureAwait(false);
        string t = Rfc3339(DateTimeOffset.UtcNow);
        var messages = new JsonArray();
        if (subscription.Has("trades", symbol))
        {
            messages.Add(new JsonObject { ["T"] = "t", ["S"] = symbol, ["i"] = Random.Shared.Next(), ["x"] = "V", ["p"] = price, ["s"] = size, ["c"] = new JsonArray("@"), ["z"] = "C", ["t"] = t });
        }

        if (subscription.Has("quotes", symbol))
        {
            messages.Add(new JsonObject { ["T"] = "q", ["S"] = symbol, ["bx"] = "V", ["bp"] = price - 0.01m, ["bs"] = 3, ["ax"] = "V", ["ap"] = price + 0.01m, ["as"] = 2, ["c"] = new JsonArray("R"), ["z"] = "C", ["t"] = t });
        }

        if (subscription.Has("bars", symbol))
        {
            messages.Add(new JsonObject { ["T"] = "b", ["S"] = symbol, ["o"] = price, ["h"] = price + 0.05m, ["l"] = price - 0.05m, ["c"] = price, ["v"] = size, ["n"] = 1, ["vw"] = price, ["t"] = t });
        }

        return messages.ToJsonString();
    }

    private static string StreamError(int code, string message) =>
        new JsonArray(new JsonObject { ["T"] = "error", ["code"] = code, ["msg"] = message }).ToJsonString();

    private static JsonObject Error(long code, string message) => new() { ["code"] = code, ["message"] = message };

    private static string Money(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 UTC with nine fractional digits, as Alpaca writes times.</summary>
    private static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One order in the simulator's book (guarded by the book lock).</summary>
    private sealed class SimOrder(string id, string clientOrderId, string symbol, string side, decimal quantity, string type, string timeInForce, decimal? limitPrice, decimal? stopPrice)
    {
        public string Id { get; } = id;

        public string ClientOrderId { get; } = clientOrderId;

        public string Symbol { get; } = symbol;

        public string Side { get; } = side;

        public decimal Quantity { get; } = quantity;

        public string Type { get; } = type;

        public string TimeInForce { get; } = timeInForce;

        public decimal? LimitPrice { get; } = limitPrice;

        /// <summary>The stop trigger; a trailing stop's moves with the best price.</summary>
        public decimal? StopPrice { get; set; } = stopPrice;

        /// <summary>A trailing stop's trail in dollars, or (<see cref="TrailPercent"/>) in percent of the best price.</summary>
        public decimal? TrailPrice { get; init; }

        public decimal? TrailPercent { get; init; }

        /// <summary>A trailing stop's best price since it was placed (Alpaca's <c>hwm</c>).</summary>
        public decimal? HighWater { get; set; }

        /// <summary>simple, bracket, oto or oco.</summary>
        public string OrderClass { get; set; } = "simple";

        /// <summary>The entry (bracket, oto) or the take-profit (oco) this leg belongs to; null for a parent.</summary>
        public SimOrder? Parent { get; set; }

        /// <summary>The exits a bracket/oto entry or an oco take-profit holds.</summary>
        public List<SimOrder> Legs { get; } = [];

        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

        public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

        public DateTimeOffset? FilledAt { get; set; }

        /// <summary>new, held (a leg waiting for its entry's fill), filled or canceled.</summary>
        public string Status { get; set; } = "new";

        public bool Triggered { get; set; }

        public decimal FilledQuantity { get; set; }

        public decimal FilledAveragePrice { get; set; }

        /// <summary>The order a replace made of this one (Alpaca's <c>replaced_by</c>); null until replaced.</summary>
        public string? ReplacedBy { get; set; }

        /// <summary>The order this one replaced (Alpaca's <c>replaces</c>); null for an order placed new.</summary>
        public string? Replaces { get; init; }

        /// <summary>The order object; <paramref name="legs"/> false leaves <c>legs</c> null (a flat listing, where legs are listed on their own).</summary>
        public JsonObject ToJson(bool legs = true) => new()
        {
            ["id"] = Id,
            ["client_order_id"] = ClientOrderId,
            ["created_at"] = Rfc3339(CreatedAt),
            ["updated_at"] = Rfc3339(UpdatedAt),
            ["submitted_at"] = Rfc3339(CreatedAt),
            ["filled_at"] = FilledAt is { } filled ? Rfc3339(filled) : null,
            ["asset_class"] = "us_equity",
            ["symbol"] = Symbol,
            ["qty"] = Quantity.ToString(CultureInfo.InvariantCulture),
            ["filled_qty"] = FilledQuantity.ToString(CultureInfo.InvariantCulture),
            ["filled_avg_price"] = FilledQuantity > 0 ? Money(FilledAveragePrice) : null,
            ["order_type"] = Type,
            ["type"] = Type,
            ["side"] = Side,
            ["time_in_force"] = TimeInForce,
            ["limit_price"] = LimitPrice is { } limit ? Money(limit) : null,
            ["stop_price"] = StopPrice is { } stop ? Money(stop) : null,
            ["status"] = Status,
            ["replaced_by"] = ReplacedBy,
            ["replaces"] = Replaces,
            ["extended_hours"] = false,
            ["order_class"] = OrderClass == "simple" ? string.Empty : OrderClass,
            ["trail_price"] = TrailPrice is { } trail ? Money(trail) : null,
            ["trail_percent"] = TrailPercent is { } percent ? Money(percent) : null,
            ["hwm"] = HighWater is { } hwm ? Money(hwm) : null,
            ["legs"] = Legs.Count == 0 || !legs ? null : new JsonArray([.. Legs.Select(l => (JsonNode)l.ToJson())]),
        };
    }

    /// <summary>What one market-data connection asked for.</summary>
    private sealed class DataSubscription
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, HashSet<string>> _channels = new(StringComparer.Ordinal)
        {
            ["trades"] = new(StringComparer.Ordinal),
            ["quotes"] = new(StringComparer.Ordinal),
            ["bars"] = new(StringComparer.Ordinal),
        };

        public bool Authenticated { get; set; }

        public void Apply(JsonObject message)
        {
            bool add = message["action"]?.GetValue<string>() == "subscribe";
            lock (_gate)
            {
                foreach ((string channel, HashSet<string> symbols) in _channels)
                {
                    if (message[channel] is not JsonArray list)
                    {
                        continue;
                    }

                    foreach (string symbol in list.Select(s => s?.GetValue<string>()).OfType<string>())
                    {
                        _ = add ? symbols.Add(symbol) : symbols.Remove(symbol);
                    }
                }
            }
        }

        public bool Has(string channel, string symbol)
        {
            lock (_gate)
            {
                return _channels[channel].Contains(symbol);
            }
        }

        public string[] Symbols()
        {
            lock (_gate)
            {
                return [.. _channels.Values.SelectMany(s => s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }

        public string ToJson()
        {
            lock (_gate)
            {
                var message = new JsonObject { ["T"] = "subscription" };
                foreach ((string channel, HashSet<string> symbols) in _channels)
                {
                    message[channel] = new JsonArray([.. symbols.Order(StringComparer.Ordinal).Select(s => (JsonNode?)JsonValue.Create(s))]);
                }

                return new JsonArray(message).ToJsonString();
            }
        }
    }
}

/// <summary>What an injected order-request failure looks like at the Alpaca simulator.</summary>
public enum AlpacaFault
{
    None,

    /// <summary>HTTP 500 with an HTML body; the order is not created.</summary>
    ServerError,

    /// <summary>HTTP 429; the order is not created.</summary>
    RateLimited,

    /// <summary>The order IS created, but the answer is HTTP 200 with truncated JSON.</summary>
    Malformed,

    /// <summary>The order IS created (and may fill), but the answer is HTTP 500: the nastiest case.</summary>
    CreatedThenServerError,
}
