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
/// <remarks>Callbacks run on the library's receive thread; <c>onFrame</c> must not block.</remarks>
public sealed class WebSocketManager : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.WebSocket");

    private readonly WebsocketClient _client;
    private readonly Func<IReadOnlyList<string>> _subscriptions;
    private readonly ReconnectPolicy _policy;
    private readonly Random _random = new();
    private readonly List<IDisposable> _subscriptionsToDispose = [];
    private readonly string _name;
    private int _attempt;
    private int _state = (int)ConnectionState.Connecting;
    private long _reconnects;
    private long _messages;
    private long _subscribesSent;

    /// <param name="name">The feed's name, for logs.</param>
    /// <param name="uri">ws:// or wss:// address.</param>
    /// <param name="subscriptions">The subscribe messages to send on every new connection.</param>
    /// <param name="onFrame">Receives every frame (text or binary) as bytes.</param>
    /// <param name="policy">Backoff between reconnects.</param>
    /// <param name="staleAfter">Reconnect when no message arrived for this long (null = never).</param>
    public WebSocketManager(string name, Uri uri, Func<IReadOnlyList<string>> subscriptions, Action<ReadOnlyMemory<byte>> onFrame, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        _name = name;
        _subscriptions = subscriptions;
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
            if (Interlocked.Exchange(ref _attempt, 0) > 0 || State != ConnectionState.Connected)
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
            }

            SetState(ConnectionState.Connected);
            Subscribe();
        }));
        _subscriptionsToDispose.Add(_client.DisconnectionHappened.Subscribe(info =>
        {
            if (info.Type == DisconnectionType.Exit || info.Type == DisconnectionType.ByUser)
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
            }
            else if (attempt <= _policy.MaxFastAttempts)
            {
                SetState(ConnectionState.Reconnecting);
                s_logger.Warn("{0}: disconnected ({1}); reconnect {2}/{3} in {4:0}ms", _name, info.Type, attempt, _policy.MaxFastAttempts, delay.TotalMilliseconds);
            }
        }));
    }

    public ConnectionState State => (ConnectionState)Volatile.Read(ref _state);

    /// <summary>Reconnects after the first connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Messages received.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Subscribe messages sent, over all connections.</summary>
    public long SubscribesSent => Interlocked.Read(ref _subscribesSent);

    /// <summary>Connects (and keeps reconnecting in the background if the first try fails).</summary>
    public Task StartAsync() => _client.Start();

    /// <summary>Sends a text frame on the current connection (e.g. a PINGPONG echo).</summary>
    public void Send(string text) => _client.Send(text);

    /// <summary>Sends bytes as a text frame (no string allocation for an echo).</summary>
    public void SendAsText(ReadOnlyMemory<byte> bytes) => _client.SendAsText(bytes.ToArray());

    private void Subscribe()
    {
        foreach (string message in _subscriptions())
        {
            _client.Send(message);
            Interlocked.Increment(ref _subscribesSent);
        }
    }

    private void SetState(ConnectionState state) => Volatile.Write(ref _state, (int)state);

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
