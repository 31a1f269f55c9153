using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestrator.Adapters.WebSockets;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// The one KIS real-time WebSocket session of an approval key: KIS allows one session per app key and
/// at most <see cref="KisLimits.MaxRealtimeRegistrations"/> registrations on it, trade ticks, quotes and
/// execution notices together, so market data (<see cref="KisMarketDataFeed"/>) and execution notices
/// (<see cref="KisExecutionNoticeStream"/>) register here and share the connection. Frames are routed
/// by TR id; PINGPONG keep-alives are echoed once.
/// </summary>
/// <remarks>
/// <para>Every subscribe is answered by KIS with an ack (<c>body.rt_cd</c> "0") or a refusal (anything
/// else, e.g. OPSP0008 MAX SUBSCRIBE OVER, OPSP8996 ALREADY IN USE appkey). On every connection the
/// session waits for each ack for <c>ackTimeout</c>: a refusal is logged (ERROR) naming the symbol and
/// raised through <see cref="WebSocketManager.SubscriptionRefused"/> (an alert); a refusal or a missing
/// ack sets <see cref="WebSocketManager.SubscriptionProblem"/>, so health reports the link degraded.
/// A refused registration is not sent again on that connection (no subscribe loop).</para>
/// <para>Callbacks run on the WebSocket's receive thread. Data frames are routed without allocating;
/// JSON control frames (acks, keep-alives) are rare and parsed with <see cref="JsonDocument"/>.</para>
/// </remarks>
public sealed class KisRealtimeSession : IDisposable
{
    private readonly string _approvalKey;
    private readonly List<Registration> _registrations = [];
    private readonly List<(byte[] TrId, Action<ReadOnlyMemory<byte>> OnFrame)> _routes = [];
    private readonly Lock _gate = new();
    private readonly TimeSpan _ackTimeout;
    private readonly TimeProvider _time;
    private readonly WebSocketManager _connection;
    private Dictionary<(string TrId, string TrKey), string?> _answers = []; // this connection's: null = waiting, "0" = acked, else the refusal
    private TaskCompletionSource<bool> _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _ackTimer;
    private bool _timedOut;
    private int _started;
    private long _refusals;

    /// <param name="webSocketUri">The KIS real-time address (ws://…:21000 REAL, :31000 VIRTUAL).</param>
    /// <param name="approvalKey">The WebSocket approval key (<c>/oauth2/Approval</c>).</param>
    /// <param name="policy">Reconnect backoff (null: <see cref="ReconnectPolicy.Kis"/>, a 1 s floor).</param>
    /// <param name="staleAfter">Reconnect after this long without a message (null = never).</param>
    /// <param name="ackTimeout">How long a subscribe may go unanswered before the link counts as degraded (10 s).</param>
    /// <param name="time">The clock of the ack timer.</param>
    public KisRealtimeSession(Uri webSocketUri, string approvalKey, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null, TimeSpan? ackTimeout = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(webSocketUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(approvalKey);
        _approvalKey = approvalKey;
        _ackTimeout = ackTimeout ?? TimeSpan.FromSeconds(10);
        _time = time ?? TimeProvider.System;
        _connection = new WebSocketManager("kis-realtime", webSocketUri, OnConnected, OnFrame, policy ?? ReconnectPolicy.Kis, staleAfter);
    }

    /// <summary>The shared connection (health, reconnect events).</summary>
    public WebSocketManager Connection => _connection;

    /// <summary>Registrations on the session (each symbol's trades, the notices).</summary>
    public int Registrations
    {
        get
        {
            lock (_gate)
            {
                return _registrations.Count;
            }
        }
    }

    /// <summary>Subscribes KIS refused, over all connections.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Registrations a session needs: one per symbol with venue market data, one for execution notices.</summary>
    public static int RegistrationsFor(int symbols, bool notices) => symbols + (notices ? 1 : 0);

    /// <summary>The configuration error for a session over KIS's cap.</summary>
    public static string TooManyRegistrations(int symbols, int registrations) => string.Create(CultureInfo.InvariantCulture,
        $"asks KIS for {registrations} real-time registrations ({symbols} symbols' trades{(registrations > symbols ? " + execution notices" : string.Empty)}); KIS allows {KisLimits.MaxRealtimeRegistrations} per WebSocket session and one session per app key: watch fewer symbols or set market_data: synthetic");

    /// <summary>
    /// Adds a registration (before <see cref="StartAsync"/>): its subscribe message goes out on every
    /// connection, and data frames of <paramref name="trId"/> go to <paramref name="onFrame"/> (acks too).
    /// </summary>
    /// <param name="trId">H0STCNT0, HDFSCNT0, H0STCNI0…</param>
    /// <param name="trKey">The symbol, US key or HTS id.</param>
    /// <param name="label">What a refusal names (the symbol, "execution notices").</param>
    /// <param name="onFrame">The frames of this TR id.</param>
    public void Register(string trId, string trKey, string label, Action<ReadOnlyMemory<byte>> onFrame)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trId);
        ArgumentNullException.ThrowIfNull(onFrame);
        lock (_gate)
        {
            if (Volatile.Read(ref _started) != 0)
            {
                throw new InvalidOperationException("KIS real-time registrations are made before the session starts");
            }

            _registrations.Add(new Registration(trId, trKey, label, KisMarketDataFeed.SubscribeMessage(_approvalKey, trId, trKey, subscribe: true)));
            if (!_routes.Exists(r => r.TrId.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(trId))))
            {
                _routes.Add((Encoding.ASCII.GetBytes(trId), onFrame));
            }
        }
    }

    /// <summary>Connects, once, whoever calls first. Over KIS's cap it refuses to start (a configuration error).</summary>
    /// <exception cref="InvalidOperationException">More than <see cref="KisLimits.MaxRealtimeRegistrations"/> registrations.</exception>
    public Task StartAsync()
    {
        lock (_gate)
        {
            if (_registrations.Count > KisLimits.MaxRealtimeRegistrations)
            {
                throw new InvalidOperationException("the watch list " + TooManyRegistrations(_registrations.Count(r => r.Label != NoticesLabel), _registrations.Count));
            }

            if (Interlocked.Exchange(ref _started, 1) != 0)
            {
                return Task.CompletedTask;
            }
        }

        return _connection.StartAsync();
    }

    /// <summary>What a refusal of the notice registration names.</summary>
    public const string NoticesLabel = "execution notices";

    /// <summary>
    /// Completes when every registration of the current connection is answered (true: all acked) or the
    /// ack timeout passed (false); refusals and missing acks are then in <see cref="WebSocketManager.SubscriptionProblem"/>.
    /// </summary>
    public Task<bool> WaitForAcksAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _answered.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A new connection: every registration waits for its ack again; the subscribes go out.</summary>
    private List<string> OnConnected()
    {
        lock (_gate)
        {
            _answers = _registrations.ToDictionary(r => (r.TrId, r.TrKey), _ => (string?)null);
            if (_answered.Task.IsCompleted)
            {
                _answered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _ackTimer?.Dispose();
            _timedOut = false;
            _ackTimer = _time.CreateTimer(_ => OnAckTimeout(), null, _ackTimeout, Timeout.InfiniteTimeSpan);
            _connection.SetSubscriptionProblem(null);
            return [.. _registrations.Select(r => r.Message)];
        }
    }

    private void OnAckTimeout()
    {
        lock (_gate)
        {
            if (Unanswered() is { Count: > 0 } missing)
            {
                _timedOut = true;
                _connection.SetSubscriptionProblem(Problem());
                global::NLog.LogManager.GetLogger("Orchestrator.WebSocket").Error("{0}: no answer from KIS within {1:0}s to the subscription of {2}", _connection.Name, _ackTimeout.TotalSeconds, string.Join(", ", missing));
            }

            _answered.TrySetResult(false);
        }
    }

    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        ReadOnlySpan<byte> span = frame.Span;
        if (span.Length > 0 && span[0] == (byte)'{')
        {
            OnControlFrame(frame);
            return;
        }

        if (KisDataFrame.TrySplit(span, out _, out ReadOnlySpan<byte> trId, out _, out _) is null)
        {
            foreach ((byte[] id, Action<ReadOnlyMemory<byte>> onFrame) in _routes)
            {
                if (trId.SequenceEqual(id))
                {
                    onFrame(frame);
                    return;
                }
            }
        }

        if (_routes.Count > 0)
        {
            _routes[0].OnFrame(frame); // unknown or malformed: the first registrant's parser counts it
        }
    }

    private void OnControlFrame(ReadOnlyMemory<byte> frame)
    {
        string? trId = null, trKey = null, rtCd = null, code = null, message = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(frame);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("header", out JsonElement header) && header.ValueKind == JsonValueKind.Object)
            {
                trId = Text(header, "tr_id");
                trKey = Text(header, "tr_key");
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("body", out JsonElement body) && body.ValueKind == JsonValueKind.Object)
            {
                rtCd = Text(body, "rt_cd");
                code = Text(body, "msg_cd");
                message = Text(body, "msg1");
            }
        }
        catch (JsonException)
        {
            // not JSON after all: the parser below counts it as malformed
        }

        if (trId == "PINGPONG")
        {
            _connection.SendAsText(frame); // KIS closes links that do not echo its keep-alive
            return;
        }

        if (trId is not null && rtCd is not null)
        {
            OnAnswer(trId, trKey ?? string.Empty, rtCd, code, message);
        }

        Action<ReadOnlyMemory<byte>>? route = null;
        foreach ((byte[] id, Action<ReadOnlyMemory<byte>> onFrame) in _routes)
        {
            if (trId is not null && Encoding.ASCII.GetString(id) == trId)
            {
                route = onFrame;
            }
        }

        (route ?? (_routes.Count > 0 ? _routes[0].OnFrame : null))?.Invoke(frame);
    }

    /// <summary>An ack or a refusal of (<paramref name="trId"/>, <paramref name="trKey"/>) on this connection.</summary>
    private void OnAnswer(string trId, string trKey, string rtCd, string? code, string? message)
    {
        string? refused = null;
        TaskCompletionSource<bool>? answered = null;
        bool allAcked = false;
        lock (_gate)
        {
            if (!_answers.TryGetValue((trId, trKey), out string? before) || before is not null)
            {
                return; // not ours, or already answered on this connection (e.g. an unsubscribe ack)
            }

            _answers[(trId, trKey)] = rtCd == "0" ? "0" : (code ?? rtCd) + " " + message;
            if (rtCd != "0")
            {
                Interlocked.Increment(ref _refusals);
                Registration registration = _registrations.First(r => r.TrId == trId && r.TrKey == trKey);
                refused = string.Create(CultureInfo.InvariantCulture, $"KIS refused the real-time subscription of {registration.Label} ({trId} {trKey}): {code ?? "rt_cd " + rtCd} {message}");
                _connection.SetSubscriptionProblem(Problem());
            }

            if (Unanswered().Count == 0)
            {
                _ackTimer?.Dispose();
                answered = _answered;
                allAcked = _answers.Values.All(v => v == "0");
            }
        }

        if (refused is not null)
        {
            _connection.ReportSubscriptionRefused(refused); // outside the lock: listeners alert
        }

        answered?.TrySetResult(allAcked); // after the report: whoever waits sees the refusal told

    }

    /// <summary>Labels still waiting for their ack (caller holds the lock).</summary>
    private List<string> Unanswered() =>
        [.. _registrations.Where(r => _answers.TryGetValue((r.TrId, r.TrKey), out string? answer) && answer is null).Select(r => r.Label)];

    /// <summary>The link's subscription problem (caller holds the lock): refused and unanswered registrations by label.</summary>
    private string? Problem()
    {
        var refused = _registrations.Where(r => _answers.TryGetValue((r.TrId, r.TrKey), out string? a) && a is not (null or "0")).Select(r => r.Label + " (" + _answers[(r.TrId, r.TrKey)] + ")").ToList();
        List<string> missing = Unanswered();
        var parts = new List<string>(2);
        if (refused.Count > 0)
        {
            parts.Add("refused: " + string.Join(", ", refused));
        }

        if (missing.Count > 0 && _timedOut)
        {
            parts.Add("no ack: " + string.Join(", ", missing));
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose()
    {
        lock (_gate)
        {
            _ackTimer?.Dispose();
        }

        _connection.Dispose();
    }

    private sealed record Registration(string TrId, string TrKey, string Label, string Message);
}
