using NLog;
using Websocket.Client;

namespace Orchestrator.Adapters.WebSockets;

/// <summary>
/// One market-data WebSocket connection, on Websocket.Client: connects, sends the feed's
/// subscriptions once per connection (initial and after every reconnect — never twice on one
/// link), reconnects with <see cref="ReconnectPolicy"/> backoff after a drop or error, and
/// reconnects when nothing arrived for <c>staleAfter</c> (a silent feed is a dead feed).
/// Frames go to <c>onFrame</c> as received bytes. Its state is readable for health checks.
/// </summary>
/// <remarks>
/// <para>Callbacks run on the library's receive thread; <c>onFrame</c> must not block.</para>
/// <para>A feed that must log in first (Alpaca) passes <c>authentication</c>: those messages go out on
/// every new connection and the subscriptions wait until the feed has read the venue's
/// acknowledgement and calls <see cref="OnAuthenticated"/> — still once per connection. A feed
/// that learns a person must act (wrong keys, a connection limit) calls <see cref="Halt"/>, which
/// closes the link and stops reconnecting instead of hammering the venue.</para>
/// </remarks>
public sealed class WebSocketManager : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.WebSocket");

    private readonly WebsocketClient _client;
    private readonly Func<IReadOnlyList<string>> _subscriptions;
    private readonly Func<IReadOnlyList<string>>? _authentication;
    private readonly ReconnectPolicy _policy;
    private readonly Random _random = new();
    private readonly List<IDisposable> _subscriptionsToDispose = [];
    private readonly string _name;
    private int _attempt;
    private int _state = (int)ConnectionState.Connecting;
    private long _reconnects;
    private long _messages;
    private long _subscribesSent;
    private long _authenticationsSent;
    private long _connection;
    private long _subscribedConnection;
    private long _connectedAtMs;
    private int _halted;
    private string? _subscriptionProblem;

    /// <param name="name">The feed's name, for logs.</param>
    /// <param name="uri">ws:// or wss:// address.</param>
    /// <param name="subscriptions">The subscribe messages to send on every new connection.</param>
    /// <param name="onFrame">Receives every frame (text or binary) as bytes.</param>
    /// <param name="policy">Backoff between reconnects.</param>
    /// <param name="staleAfter">Reconnect when no message arrived for this long (null = never).</param>
    /// <param name="authentication">
    /// Log-in messages to send first on every new connection (null = none); when given, the
    /// subscriptions wait for <see cref="OnAuthenticated"/>. They carry secrets: never logged.
    /// </param>
    public WebSocketManager(string name, Uri uri, Func<IReadOnlyList<string>> subscriptions, Action<ReadOnlyMemory<byte>> onFrame, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null, Func<IReadOnlyList<string>>? authentication = null)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        _name = name;
        _subscriptions = subscriptions;
        _authentication = authentication;
        _policy = policy ?? new ReconnectPolicy();
        _client = new WebsocketClient(uri)
        {
            Name = name,
            IsTextMessageConversionEnabled = false, // frames arrive as bytes: no string per message
            ReconnectTimeout = staleAfter,
            ErrorReconnectTimeout = _policy.DelayFor(1, _random),
            LostReconnectTimeout = _policy.DelayFor(1, _random),
        };

        _subscriptionsToDispose.Add(_client.MessageReceived.Subscribe(message =>
        {
            Interlocked.Increment(ref _messages);

            // A message ends the outage only once the link has stayed up for StableAfter: a venue that
            // answers and then closes must not reset the backoff into a connect-then-close loop.
            bool stable = Environment.TickCount64 - Interlocked.Read(ref _connectedAtMs) >= (long)_policy.StableAfter.TotalMilliseconds;
            if (((stable && Interlocked.Exchange(ref _attempt, 0) > 0) || State != ConnectionState.Connected) && !Halted)
            {
                SetState(ConnectionState.Connected);
            }

            if (message.Binary is { } bytes)
            {
                onFrame(bytes);
            }
            else if (message.Text is { } text)
            {
                onFrame(System.Text.Encoding.UTF8.GetBytes(text));
            }
        }));
        _subscriptionsToDispose.Add(_client.ReconnectionHappened.Subscribe(info =>
        {
            if (info.Type != ReconnectionType.Initial)
            {
                Interlocked.Increment(ref _reconnects);
                s_logger.Warn("{0}: reconnected ({1}); resubscribing", _name, info.Type);
                Reconnected?.Invoke(); // what was pushed while the link was down must be read another way
            }

            SetState(ConnectionState.Connected);
            Interlocked.Exchange(ref _connectedAtMs, Environment.TickCount64);

            // Numbered before the log-in goes out, so the venue's acknowledgement (and the
            // OnAuthenticated it leads to) always sees this connection's number.
            Interlocked.Increment(ref _connection);
            if (_authentication is null)
            {
                OnAuthenticated();
                return;
            }

            foreach (string message in _authentication())
            {
                _client.Send(message);
                Interlocked.Increment(ref _authenticationsSent);
            }
        }));
        _subscriptionsToDispose.Add(_client.DisconnectionHappened.Subscribe(info =>
        {
            if (info.Type == DisconnectionType.Exit || info.Type == DisconnectionType.ByUser || Halted)
            {
                return;
            }

            int attempt = Interlocked.Increment(ref _attempt);
            TimeSpan delay = _policy.DelayFor(attempt, _random);
            _client.ErrorReconnectTimeout = delay;
            _client.LostReconnectTimeout = delay;
            if (attempt == _policy.MaxFastAttempts + 1)
            {
                SetState(ConnectionState.Degraded);
                s_logger.Fatal("{0}: {1} reconnects failed in a row; retrying every {2:0}s — CRITICAL: the feed is down", _name, _policy.MaxFastAttempts, _policy.SlowCadence.TotalSeconds);
                Degraded?.Invoke(this);
            }
            else if (attempt <= _policy.MaxFastAttempts)
            {
                SetState(ConnectionState.Reconnecting);
                s_logger.Warn("{0}: disconnected ({1}); reconnect {2}/{3} in {4:0}ms", _name, info.Type, attempt, _policy.MaxFastAttempts, delay.TotalMilliseconds);
            }
        }));
    }

    /// <summary>The link's name in logs and health (kis-realtime, alpaca-data…).</summary>
    public string Name => _name;

    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>Raised after each reconnect (not the first connection), on the client's thread: keep handlers short.</summary>
    public event Action? Reconnected;

    /// <summary>Raised (on the client's thread) when the fast reconnects are used up and the link goes <see cref="ConnectionState.Degraded"/>: the network or the feed is down.</summary>
    public event Action<WebSocketManager>? Degraded;

    /// <summary>Reconnects after the first connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Messages received.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Subscribe messages sent, over all connections.</summary>
    public long SubscribesSent => Interlocked.Read(ref _subscribesSent);

    /// <summary>Log-in messages sent, over all connections.</summary>
    public long AuthenticationsSent => Interlocked.Read(ref _authenticationsSent);

    /// <summary>True once <see cref="Halt"/> stopped the link for good.</summary>
    public bool Halted => Volatile.Read(ref _halted) != 0;

    /// <summary>
    /// What is wrong with the link's subscriptions although it is connected (a subscribe the venue
    /// refused or never answered), or null: health reports the link degraded while it is set.
    /// </summary>
    public string? SubscriptionProblem => Volatile.Read(ref _subscriptionProblem);

    /// <summary>Raised (on the receive thread or a timer) when the venue refused a subscription: the text names it. Handlers must not block.</summary>
    public event Action<WebSocketManager, string>? SubscriptionRefused;

    /// <summary>Sets (or clears, with null) <see cref="SubscriptionProblem"/>.</summary>
    public void SetSubscriptionProblem(string? problem) => Volatile.Write(ref _subscriptionProblem, problem);

    /// <summary>Logs a refused subscription (ERROR, naming it) and tells <see cref="SubscriptionRefused"/> listeners.</summary>
    public void ReportSubscriptionRefused(string detail)
    {
        s_logger.Error("{0}: {1}", _name, detail);
        SubscriptionRefused?.Invoke(this, detail);
    }

    /// <summary>Connects (and keeps reconnecting in the background if the first try fails).</summary>
    public Task StartAsync() => _client.Start();

    /// <summary>Sends a text frame on the current connection (e.g. a PINGPONG echo).</summary>
    public void Send(string text) => _client.Send(text);

    /// <summary>Sends bytes as a text frame (no string allocation for an echo).</summary>
    public void SendAsText(ReadOnlyMemory<byte> bytes) => _client.SendAsText(bytes.ToArray());

    /// <summary>
    /// The venue accepted the log-in on the current connection: sends the subscriptions, unless
    /// they already went out on this connection (a repeated acknowledgement changes nothing).
    /// </summary>
    public void OnAuthenticated()
    {
        long connection = Interlocked.Read(ref _connection);

        // Exchange: only the first caller for this connection number subscribes.
        if (Interlocked.Exchange(ref _subscribedConnection, connection) == connection)
        {
            return;
        }

        foreach (string message in _subscriptions())
        {
            _client.Send(message);
            Interlocked.Increment(ref _subscribesSent);
        }
    }

    /// <summary>
    /// Closes the link and stops reconnecting: the venue said something only a person can fix
    /// (keys refused, too many connections, no subscription). State becomes Stopped.
    /// </summary>
    public void Halt(string reason)
    {
        // Exchange: one halt per manager, whichever thread sees the venue's verdict first.
        if (Interlocked.Exchange(ref _halted, 1) != 0)
        {
            return;
        }

        _client.IsReconnectionEnabled = false;
        SetState(ConnectionState.Stopped);
        s_logger.Fatal("{0}: halted, not reconnecting — CRITICAL: {1}", _name, reason);

        // Not awaited: this runs on the receive thread, which Stop waits for.
        _ = _client.Stop(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "halted").ContinueWith(
            t => s_logger.Warn(t.Exception, "{0}: closing after a halt failed", _name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    /// <summary>A halted link stays Stopped: a reconnect callback racing the halt cannot revive its state.</summary>
    private void SetState(ConnectionState state)
    {
        // Interlocked (full fences): the state write is ordered before the halt check, and Halt
        // sets its flag before writing Stopped, so one of the two writes Stopped last.
        Interlocked.Exchange(ref _state, (int)state);
        if (state != ConnectionState.Stopped && Halted)
        {
            Interlocked.Exchange(ref _state, (int)ConnectionState.Stopped);
        }
    }

    public void Dispose()
    {
        SetState(ConnectionState.Stopped);
        foreach (IDisposable subscription in _subscriptionsToDispose)
        {
            subscription.Dispose();
        }

        _client.Dispose();
    }
}
