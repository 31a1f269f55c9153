using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The real-time endpoint. A client sends KIS subscribe JSON (<c>header.approval_key</c>,
/// <c>tr_type</c> 1/2, <c>body.input.tr_id</c>/<c>tr_key</c>) and gets a JSON ack carrying this
/// connection's AES-256 key and IV (<c>body.output.key</c>/<c>iv</c>, random per connection). Then:
/// H0STCNT0 trades (the synthetic price, walked a step per frame — which may fill resting orders),
/// H0STASP0 10-level quotes around it, HDFSCNT0 overseas trades (key like <c>DNASAAPL</c>: the US
/// symbol's synthetic USD price, walked a cent step per frame — which may fill resting US orders),
/// every <see cref="FrameInterval"/>; and for H0STCNI0/H0STCNI9 (tr_key = HTS id) an encrypted
/// execution notice for each accept, fill and cancel of any account.
/// </summary>
public sealed partial class KisSimulator
{
    /// <summary>Fields of an execution notice record (KIS's layout, see <see cref="NoticeRecord"/>).</summary>
    public const int NoticeFieldCount = 26;

    private readonly ConcurrentDictionary<SimConnection, byte> _live = new();
    private int _subscribeMessages;
    private int _connections;
    private int _refusedUpgrades;
    private long _refuseUntilTicks;

    /// <summary>Subscribe/unsubscribe messages received over WebSockets, all connections together.</summary>
    public int SubscribeMessages => Volatile.Read(ref _subscribeMessages);

    /// <summary>WebSocket connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>WebSocket upgrades refused with 503 (<see cref="RefuseReconnectsFor"/>).</summary>
    public int RefusedUpgrades => Volatile.Read(ref _refusedUpgrades);

    /// <summary>Time between data frames on a subscribed connection.</summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Fault injection: abort each connection after this many streamed data frames (0 = never).</summary>
    public int DropAfterFrames { get; set; }

    /// <summary>Fault injection: send this text as a frame after every 5 data frames (null = never).</summary>
    public string? GarbageFrame { get; set; }

    /// <summary>Fault injection: send every data frame (market data and notices) twice.</summary>
    public bool DuplicateFrames { get; set; }

    /// <summary>Fault injection: after a dropped link, refuse WebSocket upgrades with HTTP 503 for this long.</summary>
    public TimeSpan RefuseReconnectsFor { get; set; }

    private async Task ServeWebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (Environment.TickCount64 < Interlocked.Read(ref _refuseUntilTicks))
        {
            Interlocked.Increment(ref _refusedUpgrades);
            context.Response.StatusCode = 503;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        using var connection = new SimConnection(socket);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        _live[connection] = 0;
        Task receive = ReceiveSubscriptionsAsync(connection, closed.Token);
        Task notices = PumpNoticesAsync(connection, closed.Token);
        int frames = 0;
        try
        {
            while (socket.State == WebSocketState.Open && !receive.IsCompleted)
            {
                await Task.Delay(FrameInterval, closed.Token).ConfigureAwait(false);
                foreach ((string trId, string trKey) in connection.Subscriptions.Keys)
                {
                    string? frame = trId switch
                    {
                        "H0STCNT0" => TradeFrame(trKey, StepPrice(trKey), 1 + (frames % 49)),
                        "H0STASP0" => QuoteFrame(trKey, PriceOf(trKey)),
                        "HDFSCNT0" => OverseasTradeFrame(trKey, StepOverseasPrice(OverseasSymbol(trKey)), 1 + (frames % 19)),
                        _ => null,
                    };
                    if (frame is null)
                    {
                        continue;
                    }

                    await SendDataAsync(connection, frame, closed.Token).ConfigureAwait(false);
                    frames++;
                    if (GarbageFrame is not null && frames % 5 == 0)
                    {
                        await connection.SendAsync(GarbageFrame, closed.Token).ConfigureAwait(false);
                    }

                    if (DropAfterFrames > 0 && frames >= DropAfterFrames)
                    {
                        Interlocked.Exchange(ref _refuseUntilTicks, Environment.TickCount64 + (long)RefuseReconnectsFor.TotalMilliseconds);
                        socket.Abort(); // a dropped link, not a polite close
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
            _live.TryRemove(connection, out _);
            ReleaseApprovalKey(connection);
            await closed.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(receive, notices).ConfigureAwait(false);
        }
    }

    private async Task SendDataAsync(SimConnection connection, string frame, CancellationToken cancellationToken)
    {
        await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        if (DuplicateFrames)
        {
            await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpNoticesAsync(SimConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (string frame in connection.Notices.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await SendDataAsync(connection, frame, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // connection ended
        }
    }

    private async Task ReceiveSubscriptionsAsync(SimConnection connection, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[8192];
        try
        {
            while (connection.Socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult result = await connection.Socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
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
                    continue; // e.g. a PINGPONG echo is JSON; anything else is ignored
                }

                string? trType = message?["header"]?["tr_type"]?.GetValue<string>();
                string? trId = message?["body"]?["input"]?["tr_id"]?.GetValue<string>();
                string? trKey = message?["body"]?["input"]?["tr_key"]?.GetValue<string>();
                if (trId is null || trKey is null)
                {
                    continue;
                }

                Interlocked.Increment(ref _subscribeMessages);
                bool notice = trId is "H0STCNI0" or "H0STCNI9";
                if (trType != "2" && RealtimeRuleRefusal(connection, message?["header"]?["approval_key"]?.GetValue<string>(), trId, trKey) is { } refusal)
                {
                    await connection.SendAsync(refusal, cancellationToken).ConfigureAwait(false); // KisSimulator.Limits.cs
                    continue;
                }

                if (trType == "2")
                {
                    connection.Subscriptions.TryRemove((trId, trKey), out _);
                    connection.NoticeTrId = notice ? null : connection.NoticeTrId;
                }
                else if (notice)
                {
                    connection.NoticeTrId = trId;
                    connection.HtsId = trKey;
                }
                else
                {
                    connection.Subscriptions.TryAdd((trId, trKey), 0);
                }

                var ack = new JsonObject
                {
                    ["header"] = new JsonObject { ["tr_id"] = trId, ["tr_key"] = trKey, ["encrypt"] = notice ? "Y" : "N" },
                    ["body"] = new JsonObject
                    {
                        ["rt_cd"] = "0",
                        ["msg_cd"] = "OPSP0000",
                        ["msg1"] = trType == "2" ? "UNSUBSCRIBE SUCCESS" : "SUBSCRIBE SUCCESS",
                        ["output"] = new JsonObject { ["iv"] = connection.Iv, ["key"] = connection.Key },
                    },
                };
                await connection.SendAsync(ack.ToJsonString(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // connection ended
        }
    }

    private enum NoticeKind
    {
        Accepted,
        Fill,
        Canceled,
    }

    /// <summary>
    /// Encrypts one notice for every notice subscriber. Caller holds the book lock; writes never block.
    /// Domestic orders only: KIS sends US notices on another TR (H0GSCNI0), which is not simulated.
    /// </summary>
    private void PublishNotice(SimOrder order, NoticeKind kind, long quantity, decimal price)
    {
        if (order.Overseas)
        {
            return;
        }

        foreach (SimConnection connection in _live.Keys)
        {
            if (connection.NoticeTrId is { } trId)
            {
                string record = NoticeRecord(connection.HtsId, order, kind, quantity, price);
                connection.Notices.Writer.TryWrite("1|" + trId + "|001|" + connection.Encrypt(record));
            }
        }
    }

    /// <summary>
    /// One H0STCNI0 record, 26 <c>^</c>-separated fields in KIS's order: 0 CUST_ID, 1 ACNT_NO,
    /// 2 ODER_NO, 3 OODER_NO, 4 SELN_BYOV_CLS (01 sell, 02 buy), 5 RCTF_CLS (0 new, 1 revise,
    /// 2 cancel), 6 ODER_KIND (00 limit, 01 market), 7 ODER_COND, 8 STCK_SHRN_ISCD, 9 CNTG_QTY,
    /// 10 CNTG_UNPR, 11 STCK_CNTG_HOUR, 12 RFUS_YN (0 accepted, 1 refused), 13 CNTG_YN (1 order
    /// notice, 2 execution), 14 ACPT_YN (1 accepted, 2 confirmed, 3 canceled), 15 BRNC_NO,
    /// 16 ODER_QTY, 17 ACNT_NAME, 18 ORD_COND_PRC, 19 ORD_EXG_GB, 20 POPUP_YN, 21 FILLER,
    /// 22 CRDT_CLS, 23 CRDT_LOAN_DATE, 24 CNTG_ISNM40, 25 ODER_PRC. For an order notice KIS puts the
    /// order's quantity and price in CNTG_QTY/CNTG_UNPR; so does this.
    /// </summary>
    private static string NoticeRecord(string htsId, SimOrder order, NoticeKind kind, long quantity, decimal price)
    {
        string[] f = new string[NoticeFieldCount];
        Array.Fill(f, string.Empty);
        bool fill = kind == NoticeKind.Fill;
        f[0] = htsId;
        f[1] = order.Account.Number;
        f[2] = order.Odno;
        f[3] = order.OriginalOdno;
        f[4] = order.Buy ? "02" : "01";
        f[5] = kind == NoticeKind.Canceled ? "2" : order.OriginalOdno.Length > 0 ? "1" : "0";
        f[6] = order.Market ? "01" : "00";
        f[7] = "0";
        f[8] = order.Symbol;
        f[9] = Text(fill ? quantity : order.Quantity);
        f[10] = Text(fill ? price : order.Limit);
        f[11] = SeoulNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        f[12] = "0";
        f[13] = fill ? "2" : "1";
        f[14] = kind == NoticeKind.Canceled ? "3" : "1";
        f[15] = "91252";
        f[16] = Text(order.Quantity);
        f[17] = "SIM";
        f[19] = "1";
        f[20] = "Y";
        f[22] = "10";
        f[24] = order.Symbol;
        f[25] = Text(order.Limit);
        return string.Join('^', f);
    }

    /// <summary>One H0STCNT0 record (46 fields) for <paramref name="symbol"/> at the current Seoul time.</summary>
    private static string TradeFrame(string symbol, long price, int size)
    {
        DateTimeOffset seoul = SeoulNow;
        long tick = TickSize(price);
        string[] f = new string[46];
        Array.Fill(f, "0");
        f[0] = symbol;
        f[1] = seoul.ToString("HHmmss", CultureInfo.InvariantCulture);
        f[2] = Text(price);
        f[7] = f[8] = f[9] = f[2];
        f[10] = Text(price + tick);
        f[11] = Text(price - tick);
        f[12] = Text(size);
        f[33] = seoul.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        f[35] = "N";
        f[36] = "500";
        f[37] = "700";
        return "0|H0STCNT0|001|" + string.Join('^', f);
    }

    /// <summary>
    /// One H0STASP0 record (59 fields): 0 symbol, 1 BSOP_HOUR, 2 HOUR_CLS_CODE, 3–12 ASKP1–10,
    /// 13–22 BIDP1–10, 23–32 ASKP_RSQN1–10, 33–42 BIDP_RSQN1–10, then totals and expected-match fields.
    /// </summary>
    private static string QuoteFrame(string symbol, long price)
    {
        long tick = TickSize(price);
        string[] f = new string[59];
        Array.Fill(f, "0");
        f[0] = symbol;
        f[1] = SeoulNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        for (int level = 0; level < 10; level++)
        {
            f[3 + level] = Text(price + ((level + 1) * tick));
            f[13 + level] = Text(price - ((level + 1) * tick));
            f[23 + level] = Text(100 * (level + 1));
            f[33 + level] = Text(150 * (level + 1));
        }

        return "0|H0STASP0|001|" + string.Join('^', f);
    }

    /// <summary>The ticker in an HDFSCNT0 key (D + 3-letter exchange + ticker: DNASAAPL → AAPL).</summary>
    private static string OverseasSymbol(string key) => key.Length > 4 ? key[4..] : key;

    /// <summary>
    /// One HDFSCNT0 record (26 fields): 0 RSYM (the key, e.g. DNASAAPL), 1 SYMB, 2 ZDIV, 3 TYMD,
    /// 4 XYMD, 5 XHMS (exchange local), 6 KYMD, 7 KHMS (Korea), 8 OPEN, 9 HIGH, 10 LOW, 11 LAST,
    /// 12 SIGN, 13 DIFF, 14 RATE, 15 PBID, 16 PASK, 17 VBID, 18 VASK, 19 EVOL, 20 TVOL, 21 TAMT,
    /// 22 BIVL, 23 ASVL, 24 STRN, 25 MTYP.
    /// </summary>
    private static string OverseasTradeFrame(string key, decimal priceUsd, int size)
    {
        DateTimeOffset seoul = SeoulNow;
        DateTimeOffset newYork = seoul.ToOffset(TimeSpan.FromHours(-5));
        static string Usd(decimal usd) => usd.ToString("0.0000", CultureInfo.InvariantCulture);
        string[] f = new string[26];
        Array.Fill(f, "0");
        f[0] = key;
        f[1] = OverseasSymbol(key);
        f[2] = "4";
        f[3] = f[4] = newYork.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        f[5] = newYork.ToString("HHmmss", CultureInfo.InvariantCulture);
        f[6] = seoul.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        f[7] = seoul.ToString("HHmmss", CultureInfo.InvariantCulture);
        f[8] = f[9] = f[10] = f[11] = Usd(priceUsd);
        f[12] = "3";
        f[13] = "0.0000";
        f[14] = "0.00";
        f[15] = Usd(priceUsd - 0.01m);
        f[16] = Usd(priceUsd + 0.01m);
        f[17] = "300";
        f[18] = "200";
        f[19] = Text(size);
        f[20] = Text(size);
        f[25] = "1";
        return "0|HDFSCNT0|001|" + string.Join('^', f);
    }

    /// <summary>One accepted WebSocket: its subscriptions, its notice key, one sender at a time.</summary>
    private sealed class SimConnection : IDisposable
    {
        private readonly SemaphoreSlim _sendGate = new(1, 1);
        private readonly Aes _aes;

        public SimConnection(WebSocket socket)
        {
            Socket = socket;
            Key = RandomText(32);
            Iv = RandomText(16);
            _aes = Aes.Create();
            _aes.Key = Encoding.ASCII.GetBytes(Key);
        }

        public WebSocket Socket { get; }

        public ConcurrentDictionary<(string TrId, string TrKey), byte> Subscriptions { get; } = new();

        public Channel<string> Notices { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>H0STCNI0 or H0STCNI9 once notices are subscribed; null otherwise.</summary>
        public volatile string? NoticeTrId;

        public string HtsId { get; set; } = string.Empty;

        /// <summary>32 ASCII characters: the AES-256 key, as KIS sends it.</summary>
        public string Key { get; }

        /// <summary>16 ASCII characters: the CBC IV.</summary>
        public string Iv { get; }

        private static string RandomText(int length) =>
            RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

        /// <summary>AES-256-CBC, PKCS7, base64 — the body of a flag-1 frame. Called under the book lock only.</summary>
        public string Encrypt(string record) =>
            Convert.ToBase64String(_aes.EncryptCbc(Encoding.UTF8.GetBytes(record), Encoding.ASCII.GetBytes(Iv), PaddingMode.PKCS7));

        public async Task SendAsync(string text, CancellationToken cancellationToken)
        {
            await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendGate.Release();
            }
        }

        public void Dispose()
        {
            _sendGate.Dispose();
            _aes.Dispose();
        }
    }
}
