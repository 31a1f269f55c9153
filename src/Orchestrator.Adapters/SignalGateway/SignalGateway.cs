using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NLog;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// A low-latency TCP intake for trade signals, on 127.0.0.1 only. An agent streams one JSON
/// object per line and gets one answer line per request line, in order, then one outcome line
/// per accepted signal once the engine decided it:
/// <code>
/// → {"symbol":"AAPL","side":"BUY","confidence":0.85,"price":175.5,"reason":"…","source":"my_script","id":"a1"}
/// ← {"id":"a1","status":"accepted","seq":42}                      (seq = inbound ring sequence)
/// ← {"id":"a1","seq":42,"status":"ordered","order_id":"17"}        or "risk_rejected" + "reason", or "no_order"
/// → {"symbol":"AAPL","side":"BUY","confidence":1.5,"id":"a2"}
/// ← {"id":"a2","status":"rejected","error":"confidence: must be between 0 and 1"}
/// </code>
/// Fields: symbol (string, required, a traded symbol), side ("BUY"/"SELL", any case, required),
/// confidence (number in [0, 1], required), price or limit_price (number in [0, 1e9], optional,
/// 0/absent = none), order_type ("market"/"limit"/"stop"/"stop_limit", any case; absent = the
/// prices decide), stop_price (number in [0, 1e9], 0/absent = none), tif ("day"/"gtc"/"ioc"/"fok",
/// default day), quantity (integer in [1, 1e9], the most shares; absent = sizing decides), reason
/// (string ≤ 500 characters), source (string ≤ 64 characters, default "gateway"; a plain
/// connection's own label, refused when reserved or an external agent's — see <see cref="SourceClaims"/>;
/// a connection that said hello or holds an agent token signs as that agent whatever it says), id (string ≤ 64
/// bytes, echoed back; null when absent). Unknown properties are
/// ignored; a property given twice, malformed JSON, invalid UTF-8, a string escape that is no text
/// (a lone surrogate), a wrong type or a value out of range is refused with a field-named error.
/// Every other line gets exactly one answer, whatever its bytes (even a bug answers the line with an
/// internal error and the connection goes on). Blank lines get no answer. A line longer than
/// <see cref="GatewayOptions.MaxLineBytes"/> is refused and skipped to its newline without being
/// buffered; a line cut by a disconnect is discarded. With a token, the first line must be
/// <c>auth &lt;token&gt;</c> (or <c>{"auth":"&lt;token&gt;"}</c>), answered
/// <c>{"status":"authenticated"}</c>; a wrong one is answered with an error and closes that
/// connection only.
/// <para>
/// Threads: an accept loop and two async loops per connection on the thread pool (slow path),
/// plus the engine's outcome consumer (<see cref="SignalOutcomeHandler"/>). Back-pressure: when
/// the ring is full, or a connection has <see cref="GatewayOptions.MaxInFlight"/> lines not yet
/// settled (its client reads slowly, or the engine is behind), that connection stops reading —
/// TCP then slows the client. Nothing is dropped and nothing buffers without bound.
/// </para>
/// <para>
/// Connections (no client can lock the others out): a connection must authenticate within
/// <see cref="GatewayOptions.AuthTimeout"/>, and one that sent no line for
/// <see cref="GatewayOptions.IdleTimeout"/> with nothing outstanding is closed; each gets one line
/// saying why. At most <see cref="GatewayOptions.MaxConnections"/> are authenticated at once: one
/// more that authenticates (or connects, with auth off) closes the authenticated connection that
/// sent nothing for longest (<see cref="GatewayError.Evicted"/>) — a newcomer is never refused for
/// an idle one. At most as many again may be authenticating: one more closes the one that has
/// waited longest, so unauthenticated connections can never push out authenticated ones. A
/// connection is refused only when every slot of the pool (2 × max + 1) is held by a connection
/// already closing.
/// </para>
/// <para>
/// A client that does not read cannot wedge a close, the sweep or a slot: an agent whose reliable
/// queue is full is disconnected at once (counted in <see cref="GatewayAgentCounters.QueueFullDisconnects"/>,
/// logged) and any other close gives up a write still pending after <see cref="GatewayOptions.DrainTimeout"/>:
/// the blocked socket write is canceled and what it had not sent is discarded, so such a client may
/// see its last line cut and not get the error line (its socket buffer is full); the connection ends
/// and frees its slot all the same.
/// </para>
/// Create it before the engine starts (it attaches its outcome consumer), then <see cref="Start"/>.
/// </summary>
public sealed class SignalGateway : IAsyncDisposable
{
    private static readonly Logger s_logger = LogManager.GetCurrentClassLogger();

    private readonly TradingEngine _engine;
    private readonly GatewayOptions _options;
    private readonly Func<long> _eventTimeNs;
    private readonly GatewaySlot[] _slots;
    private readonly GatewayConnection?[] _connections;
    private readonly Task?[] _connectionTasks;
    private readonly int[] _slotState; // 0 free, 1 in use, 2 retired (outcomes never arrived)
    private readonly byte[]? _tokenHash;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _admission = new();
    private readonly AgentHost _agents;
    private readonly SourceClaims _claims;
    private ITimer? _sweeper;
    private long _accepted;
    private Socket? _listener;
    private Task? _acceptLoop;
    private int _stopped;

    public SignalGateway(TradingEngine engine, GatewayOptions options, Func<long>? eventTimeNs = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid signal gateway settings: " + string.Join("; ", errors), nameof(options));
        }

        _engine = engine;
        _options = options;
        _eventTimeNs = eventTimeNs ?? engine.NowNs;
        int pool = (2 * options.MaxConnections) + 1; // authenticated + authenticating + one closing
        _slots = new GatewaySlot[pool];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new GatewaySlot(i, options.MaxInFlight);
        }

        _connections = new GatewayConnection?[pool];
        _connectionTasks = new Task?[pool];
        _slotState = new int[pool];
        _tokenHash = options.AuthToken is { } token ? TokenDigest.Of(Encoding.UTF8.GetBytes(token)) : null;
        _claims = new SourceClaims(engine);
        _agents = new AgentHost(engine, options, _eventTimeNs, _slots, _claims, Counters);
        engine.AttachSignalOutcomeConsumer(new SignalOutcomeHandler(_slots, Counters, _agents.Feed));
    }

    public GatewayCounters Counters { get; } = new();

    /// <summary>The external agents that said hello (agent protocol), by name; kept for the run.</summary>
    public IReadOnlyCollection<GatewayAgent> Agents => _agents.Directory.All;

    /// <summary>Raised (on a connection's reader) when an agent name says hello for the first time.</summary>
    public event Action<GatewayAgent>? AgentAdded
    {
        add => _agents.Directory.AgentAdded += value;
        remove => _agents.Directory.AgentAdded -= value;
    }

    /// <summary>The external agent named <paramref name="name"/>, once it said hello.</summary>
    public bool TryGetAgent(string name, out GatewayAgent? agent) => _agents.Directory.TryGet(name, out agent);

    /// <summary>
    /// Registers an agent token (the supervisor's, per agent): a connection authenticating with it is
    /// bound to <paramref name="agentName"/> (a hello with another name is refused, and its signals
    /// carry that name with or without a hello). From now on the name is the agent's: a hello with it
    /// from a connection without the token is refused, and so is a plain signal naming it as its source.
    /// Works with gateway auth on (besides the gateway token) or off.
    /// </summary>
    public void RegisterAgentToken(string agentName, string token)
    {
        if (_agents.Directory.RegisterToken(agentName, token) is { } problem)
        {
            s_logger.Warn("Signal gateway: agent token for '{0}' registered, but its hello will be refused: {1}", agentName, problem);
        }
    }

    /// <summary>The source a plain connection's signal is booked to when it names none; no agent may take it.</summary>
    public const string DefaultSource = SignalLineParser.DefaultSource;

    /// <summary>
    /// Reserves source names for the host's own signal sources (its in-process agents, MCP): from now
    /// on a plain connection naming one as its <c>source</c> is refused (<see cref="GatewayError.SourceReserved"/>)
    /// and so is a hello with that name. The engine's own sources and in-process strategies are reserved
    /// already. Call before <see cref="Start"/>.
    /// </summary>
    public void ReserveSources(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (string name in names)
        {
            _claims.Reserve(name);
        }
    }

    /// <summary>Removes an agent token; connections already bound stay bound.</summary>
    public bool UnregisterAgentToken(string agentName) => _agents.Directory.UnregisterToken(agentName);

    /// <summary>Execution reports of agents' orders that arrived after the feed stopped tracking the order.</summary>
    public long AgentUntrackedReports => _agents.Feed.UntrackedReports;

    /// <summary>Held orders the engine ended (expired, canceled by cancel-all or the kill switch) whose end the agent feed never heard of: the engine's ring of them was full.</summary>
    public long AgentEndsDropped => _agents.Feed.EndsDropped;

    /// <summary>The port listened on (the ephemeral one when configured as 0); 0 before <see cref="Start"/>.</summary>
    public int Port { get; private set; }

    public bool AuthEnabled => _tokenHash is not null;

    /// <summary>Connections served at once (<see cref="GatewayOptions.MaxConnections"/>).</summary>
    public int MaxConnections => _options.MaxConnections;

    /// <summary>How often the gateway and its agents send heartbeats (<see cref="GatewayOptions.HeartbeatInterval"/>).</summary>
    public TimeSpan HeartbeatInterval => _options.HeartbeatInterval;

    /// <summary>Binds 127.0.0.1:<see cref="GatewayOptions.Port"/> and starts accepting.</summary>
    public void Start()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, _options.Port));
            listener.Listen(128);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new IOException($"the signal gateway's port 127.0.0.1:{_options.Port} is already in use; choose another with daemon.yaml gateway.port or --gateway-port", ex);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync(listener);
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(Math.Min(_options.AuthTimeout.Ticks, _options.IdleTimeout.Ticks) / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        _sweeper = _options.Time.CreateTimer(_ => Sweep(), null, period, period);
        s_logger.Info("Signal gateway listening on 127.0.0.1:{0} (auth {1}; max {2} connections, {3} in flight each, lines up to {4} bytes)",
            Port, AuthEnabled ? "on" : "off", _options.MaxConnections, _options.MaxInFlight, _options.MaxLineBytes);
    }

    /// <summary>
    /// Stops accepting, stops reading, lets each connection answer what it read and write the
    /// outcomes of its signals (up to the drain timeout; the engine must still run), then closes.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        var running = new List<Task>();
        for (int i = 0; i < _connections.Length; i++)
        {
            if (Volatile.Read(ref _connections[i]) is { } connection && Volatile.Read(ref _connectionTasks[i]) is { } task)
            {
                connection.StopReading();
                running.Add(task);
            }
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(_options.DrainTimeout + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            for (int i = 0; i < _connections.Length; i++)
            {
                Volatile.Read(ref _connections[i])?.Abort();
            }

            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        s_logger.Info("Signal gateway stopped: {0} signals accepted, {1} lines refused, {2} connections served", Counters.Accepted, Counters.Rejected, Counters.ConnectionsOpened);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            int slot = await AcquireSlotAsync().ConfigureAwait(false);
            if (slot < 0)
            {
                Counters.CountRefused();
                Counters.CountRejected(GatewayError.TooManyConnections);
                _ = RefuseAsync(socket);
                continue;
            }

            string peer = socket.RemoteEndPoint?.ToString() ?? "?";
            var lines = new LineProcessor(_engine, _slots[slot], Counters, _options, _tokenHash, _eventTimeNs, peer, _claims, _agents);
            var connection = new GatewayConnection(socket, _slots[slot], Counters, lines, _options.DrainTimeout, _options.Time, peer);
            lines.CloseConnection = connection.CloseAgent;
            connection.Ordinal = Interlocked.Increment(ref _accepted);
            Volatile.Write(ref _connections[slot], connection);
            int admitted = slot;
            lines.OnAuthenticated = () => Admit(admitted, authenticated: true);
            connection.SlotDone = () => ReleaseSlot(connection, admitted);
            Admit(slot, authenticated: !AuthEnabled);
            Counters.CountConnection();
            Counters.AddActive(1);
            Volatile.Write(ref _connectionTasks[slot], Task.Run(() => ServeAsync(connection, slot)));
        }
    }

    private async Task ServeAsync(GatewayConnection connection, int slot)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Signal gateway {0}: the connection failed", connection.Peer); // one client; the others go on
        }
        finally
        {
            Counters.AddActive(-1);
            connection.EndAgentSession();
            Interlocked.CompareExchange(ref _agents.Directory.Sessions[slot], null, connection.AgentSession);
            ReleaseSlot(connection, slot); // when the connection failed before it could
        }
    }

    /// <summary>Frees the slot of a connection done with it (once): for the next connection, or retired while outcomes are outstanding.</summary>
    private void ReleaseSlot(GatewayConnection connection, int slot)
    {
        if (Interlocked.CompareExchange(ref _connections[slot], null, connection) != connection)
        {
            return; // released already
        }

        if (connection.Drained)
        {
            Volatile.Write(ref _slotState[slot], 0); // release: free for the next connection
        }
        else
        {
            Volatile.Write(ref _slotState[slot], 2);
            s_logger.Warn("Signal gateway: slot {0} retired: outcomes of its signals are still outstanding", slot);
        }
    }

    /// <summary>
    /// Makes room for the connection in <paramref name="slot"/>: when as many others of its kind
    /// (authenticated, or still authenticating) are open as <see cref="GatewayOptions.MaxConnections"/>,
    /// closes the one that sent nothing for longest (authenticated) or has waited longest (authenticating).
    /// </summary>
    private void Admit(int slot, bool authenticated)
    {
        lock (_admission)
        {
            int count = 0, victim = -1;
            long oldest = long.MaxValue, oldestOrdinal = long.MaxValue;
            for (int i = 0; i < _connections.Length; i++)
            {
                if (i == slot || Volatile.Read(ref _slotState[i]) != 1 || Volatile.Read(ref _connections[i]) is not { Closing: false } other || other.Authenticated != authenticated)
                {
                    continue;
                }

                count++;
                long age = authenticated ? other.LastActive : other.AcceptedAt;
                if (age < oldest || (age == oldest && other.Ordinal < oldestOrdinal))
                {
                    (oldest, oldestOrdinal, victim) = (age, other.Ordinal, i); // ties: the one accepted first
                }
            }

            if (count >= _options.MaxConnections && victim >= 0 && _connections[victim]?.Close(GatewayError.Evicted) == true)
            {
                Counters.CountEvicted();
            }
        }
    }

    /// <summary>The timeouts, on the gateway's clock: authentication not sent in time, or idle (nothing sent, nothing outstanding).</summary>
    private void Sweep()
    {
        long now = _options.Time.GetTimestamp();
        _agents.Sweep(now);
        for (int i = 0; i < _connections.Length; i++)
        {
            if (Volatile.Read(ref _slotState[i]) != 1 || Volatile.Read(ref _connections[i]) is not { Closing: false } connection)
            {
                continue;
            }

            if (!connection.Authenticated)
            {
                if (_options.Time.GetElapsedTime(connection.AcceptedAt, now) >= _options.AuthTimeout)
                {
                    connection.Close(GatewayError.AuthTimeout);
                }
            }
            else if (connection.Idle && _options.Time.GetElapsedTime(connection.LastActive, now) >= _options.IdleTimeout)
            {
                connection.Close(GatewayError.IdleTimeout);
            }
        }
    }

    /// <summary>
    /// A free slot; when none is free but some connection is closing, waits for it (polled). A closing
    /// connection is gone within its drain and linger bounds; waiting just as long (not a fixed second,
    /// which raced the 1 s linger of a connection evicted a moment before) refuses nobody for a close
    /// that is merely in progress.
    /// </summary>
    private async Task<int> AcquireSlotAsync()
    {
        int slot = AcquireSlot();
        long start = Stopwatch.GetTimestamp();
        TimeSpan bound = _options.DrainTimeout + GatewayConnection.LingerTimeout + TimeSpan.FromSeconds(1);
        while (slot < 0 && AnyClosing() && Stopwatch.GetElapsedTime(start) < bound && !_stop.IsCancellationRequested)
        {
            await Task.Delay(1).ConfigureAwait(false);
            slot = AcquireSlot();
        }

        return slot;
    }

    private bool AnyClosing()
    {
        for (int i = 0; i < _connections.Length; i++)
        {
            if (Volatile.Read(ref _connections[i]) is { Closing: true })
            {
                return true;
            }
        }

        return false;
    }

    private int AcquireSlot()
    {
        for (int i = 0; i < _slotState.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slotState[i], 1, 0) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task RefuseAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync(GatewayAnswerFormat.ErrorLine(GatewayError.TooManyConnections), SocketFlags.None).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // gone already
        }
        finally
        {
            socket.Dispose();
        }
    }
}
