using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Orchestrator.AgentClient.Messages;

namespace Orchestrator.AgentClient;

/// <summary>
/// An external agent's connection to the orchestrator (agent protocol v1, line-delimited JSON over
/// the signal gateway's TCP port):
/// <code>
/// await using var client = new AgentClient(AgentClientOptions.FromEnvironment("my_agent"));
/// client.OnBar = async bar => { if (…) await client.SubmitSignalAsync(new AgentSignal { Symbol = bar.Symbol, Side = SignalSide.Buy, Confidence = 0.8 }); };
/// client.OnFill = fill => { Console.WriteLine(fill); return ValueTask.CompletedTask; };
/// await client.RunAsync(stoppingToken);
/// </code>
/// <see cref="RunAsync"/> connects, authenticates, says hello, then calls the handlers one at a time
/// in arrival order until cancelled; it reconnects with exponential backoff (with jitter) when the
/// connection ends, sending <see cref="LastFillSeq"/> so the daemon replays the fills it missed.
/// <para>
/// Threads: a reader loop settles signal answers (<see cref="SignalTicket"/>) itself and queues
/// every other line; one dispatch loop runs the handlers, so a handler may await a ticket. A
/// heartbeat goes out every <see cref="Welcome.HeartbeatIntervalMs"/> unless a handler has been
/// running longer than that (a stuck agent looks stuck). When the handlers fall behind by
/// <see cref="AgentClientOptions.QueueCapacity"/> lines the reader stops, TCP pushes back and the
/// daemon drops this agent's oldest market data (<see cref="OnDropped"/>); orders and fills are never dropped.
/// </para>
/// Money is <see cref="decimal"/>, read from and written to the JSON number text exactly.
/// </summary>
public sealed class AgentClient : IAsyncDisposable
{
    private readonly AgentClientOptions _options;
    private readonly Dictionary<string, Func<AgentRequest, CancellationToken, ValueTask<object?>>> _requestHandlers = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<string, SignalTicket> _pendingAcks = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SignalTicket> _pendingOutcomes = [];
    private readonly CancellationTokenSource _disposed = new();
    private readonly string _idPrefix;
    private AgentSession? _session;
    private Task _run = Task.CompletedTask;
    private long _nextId;
    private long _lastFillSeq;
    private long _handlerStartedTimestamp;
    private long _malformedLines;

    public AgentClient(AgentClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new ArgumentException("Name: the agent needs a name", nameof(options));
        }

        _options = options;
        _lastFillSeq = options.LastFillSeq;
        _idPrefix = string.Create(CultureInfo.InvariantCulture, $"{options.Name}-{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
    }

    public string Name => _options.Name;

    /// <summary>A session began (the daemon's welcome), also after each reconnect.</summary>
    public Func<Welcome, ValueTask>? OnConnected { get; set; }

    /// <summary>The connection ended (why); the client reconnects unless stopping or <see cref="AgentClientOptions.Reconnect"/> is off.</summary>
    public Func<string, ValueTask>? OnDisconnected { get; set; }

    public Func<Tick, ValueTask>? OnTick { get; set; }

    public Func<Bar, ValueTask>? OnBar { get; set; }

    public Func<OrderUpdate, ValueTask>? OnOrder { get; set; }

    public Func<Fill, ValueTask>? OnFill { get; set; }

    public Func<Position, ValueTask>? OnPosition { get; set; }

    public Func<Account, ValueTask>? OnAccount { get; set; }

    public Func<DroppedNotice, ValueTask>? OnDropped { get; set; }

    public Func<ErrorNotice, ValueTask>? OnError { get; set; }

    /// <summary>The current session's welcome; null while disconnected.</summary>
    public Welcome? Welcome { get; private set; }

    public bool IsConnected => Welcome is not null && _session is { IsClosed: false };

    /// <summary>The last fill sequence received (sent in hello on reconnect, so missed fills are replayed).</summary>
    public long LastFillSeq => Interlocked.Read(ref _lastFillSeq);

    /// <summary>Lines from the daemon that were no valid protocol line (skipped).</summary>
    public long MalformedLines => Interlocked.Read(ref _malformedLines);

    /// <summary>
    /// Answers request <paramref name="method"/> with <paramref name="handler"/>'s result (serialised
    /// as JSON; an exception becomes the response's error). Register before <see cref="RunAsync"/>:
    /// the methods are announced in hello.
    /// </summary>
    public void HandleRequest(string method, Func<AgentRequest, CancellationToken, ValueTask<object?>> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(handler);
        _requestHandlers[method] = handler;
    }

    /// <summary>
    /// Connects and serves until <paramref name="cancellationToken"/> fires (or the client is
    /// disposed), reconnecting with backoff; returns normally when stopped.
    /// </summary>
    /// <exception cref="AgentProtocolException">The daemon refused the token or the hello.</exception>
    public Task RunAsync(CancellationToken cancellationToken = default)
    {
        _run = RunCoreAsync(cancellationToken);
        return _run;
    }

    /// <summary>
    /// Sends a signal; completes once the line is written. The ticket's <see cref="SignalTicket.Ack"/>
    /// and <see cref="SignalTicket.Outcome"/> complete when the daemon answers.
    /// </summary>
    /// <exception cref="IOException">Not connected.</exception>
    /// <exception cref="ArgumentException">A field the client can tell is wrong (the daemon checks the rest).</exception>
    public async ValueTask<SignalTicket> SubmitSignalAsync(AgentSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        Validate(signal);
        string id = signal.Id ?? string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{Interlocked.Increment(ref _nextId)}");
        var ticket = new SignalTicket(id);
        lock (_pendingLock)
        {
            if (!_pendingAcks.TryAdd(id, ticket))
            {
                throw new ArgumentException($"Id: '{id}' is still waiting for its answer", nameof(signal));
            }
        }

        try
        {
            AgentSession session = _session ?? throw new IOException("not connected to the daemon");
            await session.WriteLineAsync((signal, id), static (w, s) => AgentLines.WriteSignal(w, s.signal, s.id), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_pendingLock)
            {
                _pendingAcks.Remove(id);
            }

            throw;
        }

        return ticket;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        _session?.Close();
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AgentProtocolException or IOException)
        {
            // RunAsync's caller saw it
        }

        _disposed.Dispose();
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        CancellationToken token = stop.Token;
        TimeSpan backoff = _options.InitialBackoff;
        while (!token.IsCancellationRequested)
        {
            AgentSession session;
            try
            {
                session = await ConnectAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (!_options.Reconnect)
                {
                    throw;
                }

                Log($"cannot reach the daemon at {_options.Host}:{_options.Port} ({ex.Message}); retrying in {backoff.TotalSeconds:0.0}s");
                if (!await DelayAsync(backoff, token).ConfigureAwait(false))
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                continue;
            }

            backoff = _options.InitialBackoff;
            string reason = await ServeAsync(session, token).ConfigureAwait(false);
            await EndSessionAsync(session, reason).ConfigureAwait(false);
            if (token.IsCancellationRequested || !_options.Reconnect)
            {
                break;
            }

            Log($"disconnected ({reason}); reconnecting");
            if (!await DelayAsync(backoff, token).ConfigureAwait(false))
            {
                break;
            }
        }

        Log("stopped");
    }

    private async Task<AgentSession> ConnectAsync(CancellationToken token)
    {
        Log($"connecting to {_options.Host}:{_options.Port} as {_options.Name}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(_options.ConnectTimeout);
        AgentSession session;
        try
        {
            session = await AgentSession.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            throw new TimeoutException($"no connection within {_options.ConnectTimeout.TotalSeconds:0.#}s");
        }

        try
        {
            if (_options.Token is { } secret)
            {
                await session.WriteLineAsync(secret, static (w, t) => AgentLines.WriteAuth(w, t), timeout.Token).ConfigureAwait(false);
                using JsonDocument answer = await ReadHandshakeLineAsync(session, timeout, token).ConfigureAwait(false);
                if (Text(answer.RootElement, "status") != "authenticated")
                {
                    throw new AgentProtocolException("the daemon refused the token: " + (Text(answer.RootElement, "error") ?? answer.RootElement.GetRawText()));
                }
            }

            var hello = new AgentLines.Hello(_options, [.. _requestHandlers.Keys.Order(StringComparer.Ordinal)], LastFillSeq);
            await session.WriteLineAsync(hello, static (w, h) => AgentLines.WriteHello(w, h), timeout.Token).ConfigureAwait(false);
            using JsonDocument reply = await ReadHandshakeLineAsync(session, timeout, token).ConfigureAwait(false);
            string? type = Text(reply.RootElement, "type");
            if (type == "error")
            {
                throw new AgentProtocolException("the daemon refused the hello: " + Text(reply.RootElement, "error"));
            }

            if (type != "welcome")
            {
                throw new AgentProtocolException("the daemon does not speak the agent protocol (it answered " + reply.RootElement.GetRawText() + ")");
            }

            Welcome welcome = reply.RootElement.Deserialize(AgentJsonContext.Default.Welcome)!;
            _session = session;
            Welcome = welcome;
            Log($"connected: {welcome.Name} (symbols {string.Join(',', welcome.Symbols)}, bars {string.Join(',', welcome.Bars)}, ticks {welcome.Ticks}, heartbeat every {welcome.HeartbeatIntervalMs} ms)");
            return session;
        }
        catch (Exception ex)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new TimeoutException($"no handshake answer within {_options.ConnectTimeout.TotalSeconds:0.#}s", ex);
            }

            throw;
        }
    }

    private static async Task<JsonDocument> ReadHandshakeLineAsync(AgentSession session, CancellationTokenSource timeout, CancellationToken token)
    {
        JsonDocument? document = null;
        string ended = await session.ReadLinesAsync(
            line =>
            {
                document = ParseObject(line);
                return ValueTask.CompletedTask;
            },
            single: true,
            timeout.Token).ConfigureAwait(false);
        if (document is not null)
        {
            return document;
        }

        token.ThrowIfCancellationRequested();
        timeout.Token.ThrowIfCancellationRequested();
        throw new IOException("during the handshake: " + ended);
    }

    private async Task<string> ServeAsync(AgentSession session, CancellationToken token)
    {
        var queue = Channel.CreateBounded<AgentMessage>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(token);
        using CancellationTokenRegistration closeOnStop = token.Register(static s => ((AgentSession)s!).Close(), session);
        Task<string> reader = ReadLoopAsync(session, queue.Writer, sessionStop.Token);
        Task heartbeats = HeartbeatLoopAsync(session, TimeSpan.FromMilliseconds(Math.Max(50, Welcome!.HeartbeatIntervalMs)), sessionStop.Token);
        try
        {
            await InvokeAsync(OnConnected, Welcome).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log($"the connected handler failed (the agent goes on): {ex}");
        }

        try
        {
            await foreach (AgentMessage message in queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await DispatchAsync(session, message, sessionStop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // stopping: what is still queued is not dispatched
        }
        finally
        {
            session.Close();
            await sessionStop.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }

        string reason = await reader.ConfigureAwait(false); // it ends once the session is closed
        return token.IsCancellationRequested ? "stopping" : reason;
    }

    private async Task<string> ReadLoopAsync(AgentSession session, ChannelWriter<AgentMessage> queue, CancellationToken token)
    {
        string reason;
        try
        {
            reason = await session.ReadLinesAsync(
                line =>
                {
                    AgentMessage? message = OnLine(line);
                    return message is null ? ValueTask.CompletedTask : queue.WriteAsync(message, token);
                },
                single: false,
                token).ConfigureAwait(false);
        }
        finally
        {
            queue.TryComplete();
        }

        FailPending(reason);
        return reason;
    }

    private async Task HeartbeatLoopAsync(AgentSession session, TimeSpan interval, CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                long started = Interlocked.Read(ref _handlerStartedTimestamp);
                if (started != 0 && Stopwatch.GetElapsedTime(started) > interval)
                {
                    continue; // a handler is stuck: no heartbeat, so the daemon sees it
                }

                try
                {
                    await session.WriteLineAsync(0, static (w, _) => AgentLines.WriteHeartbeat(w), token).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    Log($"heartbeat not sent ({ex.Message}); closing");
                    session.Close();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // session over
        }
    }

    /// <summary>The reader's side of a line: settles a signal answer, or returns the message for the handlers (null = nothing to dispatch).</summary>
    private AgentMessage? OnLine(ReadOnlySequence<byte> line)
    {
        try
        {
            using JsonDocument document = ParseObject(line);
            JsonElement root = document.RootElement;
            string? type = Text(root, "type");
            if (type is null)
            {
                Settle(root);
                return null;
            }

            AgentMessage? message = type switch
            {
                "tick" => root.Deserialize(AgentJsonContext.Default.Tick),
                "bar" => root.Deserialize(AgentJsonContext.Default.Bar),
                "order" => root.Deserialize(AgentJsonContext.Default.OrderUpdate),
                "fill" => root.Deserialize(AgentJsonContext.Default.Fill),
                "position" => root.Deserialize(AgentJsonContext.Default.Position),
                "account" => root.Deserialize(AgentJsonContext.Default.Account),
                "request" => root.Deserialize(AgentJsonContext.Default.AgentRequest),
                "dropped" => root.Deserialize(AgentJsonContext.Default.DroppedNotice),
                "error" => root.Deserialize(AgentJsonContext.Default.ErrorNotice),
                _ => null, // heartbeat, and types a later protocol adds
            };
            if (message is Fill fill)
            {
                Interlocked.Exchange(ref _lastFillSeq, fill.FillSeq);
            }

            return message;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            Interlocked.Increment(ref _malformedLines);
            Log("skipped a malformed line from the daemon: " + ex.Message);
            return null;
        }
    }

    private void Settle(JsonElement answer)
    {
        string? status = Text(answer, "status");
        long seq = answer.TryGetProperty("seq", out JsonElement s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
        SignalTicket? ticket = null;
        lock (_pendingLock)
        {
            if (status is "accepted" or "rejected")
            {
                if (Text(answer, "id") is { } id && _pendingAcks.Remove(id, out ticket) && status == "accepted")
                {
                    _pendingOutcomes[seq] = ticket;
                }
            }
            else if (status is "ordered" or "risk_rejected" or "no_order")
            {
                _pendingOutcomes.Remove(seq, out ticket);
            }
        }

        if (ticket is null)
        {
            Log("an answer for no pending signal: " + answer.GetRawText());
            return;
        }

        if (status is "accepted" or "rejected")
        {
            ticket.SetAck(new SignalAck(ticket.Id, status == "accepted", seq, Text(answer, "error")));
            return;
        }

        ticket.SetOutcome(new SignalOutcome(ticket.Id, status!, seq, Text(answer, "order_id"), Text(answer, "reason"), null));
    }

    private void FailPending(string reason)
    {
        List<SignalTicket> failed;
        lock (_pendingLock)
        {
            failed = [.. _pendingAcks.Values, .. _pendingOutcomes.Values];
            _pendingAcks.Clear();
            _pendingOutcomes.Clear();
        }

        foreach (SignalTicket ticket in failed)
        {
            ticket.Fail(reason);
        }
    }

    private async ValueTask DispatchAsync(AgentSession session, AgentMessage message, CancellationToken token)
    {
        Interlocked.Exchange(ref _handlerStartedTimestamp, Stopwatch.GetTimestamp());
        try
        {
            ValueTask handled = message switch
            {
                Tick m => InvokeAsync(OnTick, m),
                Bar m => InvokeAsync(OnBar, m),
                OrderUpdate m => InvokeAsync(OnOrder, m),
                Fill m => InvokeAsync(OnFill, m),
                Position m => InvokeAsync(OnPosition, m),
                Account m => InvokeAsync(OnAccount, m),
                DroppedNotice m => OnDropped is null ? LogAsync($"the daemon dropped {m.MarketData} market data messages for this agent (reading too slowly)") : InvokeAsync(OnDropped, m),
                ErrorNotice m => OnError is null ? LogAsync("daemon: " + m.Error) : InvokeAsync(OnError, m),
                AgentRequest m => AnswerAsync(session, m, token),
                _ => ValueTask.CompletedTask,
            };
            await handled.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log($"the {message.Type} handler failed (the agent goes on): {ex}");
        }
        finally
        {
            Interlocked.Exchange(ref _handlerStartedTimestamp, 0);
        }
    }

    private async ValueTask AnswerAsync(AgentSession session, AgentRequest request, CancellationToken token)
    {
        object? result = null;
        string? error = null;
        if (!_requestHandlers.TryGetValue(request.Method, out Func<AgentRequest, CancellationToken, ValueTask<object?>>? handler))
        {
            error = $"method: '{request.Method}' is not handled by {_options.Name}";
        }
        else
        {
            try
            {
                result = await handler(request, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                error = ex.GetType().Name + ": " + ex.Message;
            }
        }

        try
        {
            await session.WriteLineAsync((request.RequestId, result, error), static (w, r) => AgentLines.WriteResponse(w, r.RequestId, r.result, r.error), token).ConfigureAwait(false);
        }
        catch (NotSupportedException ex)
        {
            await session.WriteLineAsync((request.RequestId, ex.Message), static (w, r) => AgentLines.WriteResponse(w, r.RequestId, null, "result: not serialisable: " + r.Message), token).ConfigureAwait(false);
        }
    }

    private async Task EndSessionAsync(AgentSession session, string reason)
    {
        _session = null;
        Welcome = null;
        await session.DisposeAsync().ConfigureAwait(false);
        FailPending(reason);
        try
        {
            await InvokeAsync(OnDisconnected, reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log("the disconnect handler failed: " + ex.Message);
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan backoff, CancellationToken token)
    {
        TimeSpan jittered = TimeSpan.FromTicks((long)(backoff.Ticks * (0.8 + (0.4 * Random.Shared.NextDouble()))));
        try
        {
            await Task.Delay(jittered, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static ValueTask InvokeAsync<T>(Func<T, ValueTask>? handler, T message) => handler is null ? ValueTask.CompletedTask : handler(message);

    private ValueTask LogAsync(string message)
    {
        Log(message);
        return ValueTask.CompletedTask;
    }

    private void Log(string message) => _options.Log?.Invoke(message);

    private static void Validate(AgentSignal signal)
    {
        if (string.IsNullOrWhiteSpace(signal.Symbol))
        {
            throw new ArgumentException("Symbol: required", nameof(signal));
        }

        if (signal.Quantity is <= 0)
        {
            throw new ArgumentException("Quantity: must be > 0", nameof(signal));
        }

        if (signal.LimitPrice is <= 0 || signal.StopPrice is <= 0)
        {
            throw new ArgumentException("LimitPrice/StopPrice: must be > 0", nameof(signal));
        }

        if (signal.TakeProfit is < 0 || signal.TakeProfitPct is < 0 || signal.StopLoss is < 0 || signal.StopLossPct is < 0 || signal.TrailPrice is < 0 || signal.TrailPercent is < 0)
        {
            throw new ArgumentException("TakeProfit/StopLoss/Trail: must not be negative", nameof(signal));
        }

        if (signal.Action != SignalAction.New && string.IsNullOrWhiteSpace(signal.OrderId))
        {
            throw new ArgumentException("OrderId: required for Amend and Cancel", nameof(signal));
        }

        if (signal.Id is { } id && System.Text.Encoding.UTF8.GetByteCount(id) > 64)
        {
            throw new ArgumentException("Id: at most 64 bytes", nameof(signal));
        }
    }

    private static JsonDocument ParseObject(ReadOnlySequence<byte> line)
    {
        JsonDocument document = JsonDocument.Parse(line);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new JsonException("not a JSON object");
        }

        return document;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
