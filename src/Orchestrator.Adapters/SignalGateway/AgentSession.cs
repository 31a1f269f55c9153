using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One connection's agent session, from its accepted hello to its end. The connection's writer
/// loop (<see cref="WriteFeed"/>) is the only reader of its cursors: into the shared
/// <see cref="MarketDataRing"/> (ticks and bars of its symbols; droppable) and into its agent's
/// <see cref="AgentEventLog"/> (orders, fills, positions; never dropped — the feed thread asks for
/// a disconnect when the connection lags more than <see cref="QueueSize"/> events behind).
/// Requests and other rare lines come through <see cref="_outOfBand"/> (slow path, may allocate).
/// </summary>
internal sealed class AgentSession
{
    /// <summary>Most market-data events and reliable events written per wake-up (one flush each).</summary>
    private const int MarketBudget = 1024, ReliableBudget = 256;

    private readonly MarketDataRing _ring;
    private readonly AgentFeedShared _shared;
    private readonly bool[] _symbols;
    private readonly ConcurrentQueue<byte[]> _outOfBand = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<GatewayAgentResponse>> _pending = new(StringComparer.Ordinal);
    private readonly byte[] _id = new byte[SignalLineParser.MaxIdBytes];
    private long _marketCursor;
    private long _reliableCursor; // written by the writer, read by the feed thread (lag check)
    private long _droppedSinceNotice;
    private long _heartbeatsSeen;
    private AccountState? _accountSeen;
    private int _kickRequested;
    private int _ended;

    public AgentSession(GatewayAgent agent, AgentHello hello, int slot, MarketDataRing ring, AgentFeedShared shared, int queueSize)
    {
        Agent = agent;
        Slot = slot;
        _ring = ring;
        _shared = shared;
        QueueSize = queueSize;
        _symbols = new bool[shared.SymbolNames.Length];
        foreach (int id in hello.SymbolIds)
        {
            _symbols[id] = true;
        }

        Ticks = hello.Ticks;
        BarMask = hello.BarMask;
        WantsMarketData = hello.SymbolIds.Length > 0 && (Ticks || BarMask != 0);
        _marketCursor = ring.Published; // market data from now on
        _heartbeatsSeen = shared.Heartbeats;
        _accountSeen = shared.Account; // the first account line goes out with the next change
        long count = agent.Log.Count;
        LivePoint = count;
        bool complete = true;
        _reliableCursor = hello.LastFillSeq is { } last ? agent.Log.After(last, out complete) : count;
        ReplayIncomplete = !complete;
    }

    public GatewayAgent Agent { get; }

    /// <summary>The gateway slot (connection) it belongs to.</summary>
    public int Slot { get; }

    public bool Ticks { get; }

    public int BarMask { get; }

    public bool WantsMarketData { get; }

    /// <summary>Reliable events it may lag behind before it is disconnected.</summary>
    public int QueueSize { get; }

    /// <summary>Reliable events before this number are replays (they were logged before the hello).</summary>
    public long LivePoint { get; }

    /// <summary>Its last_fill_seq pointed at a fill the log no longer holds: the replay starts at the oldest held.</summary>
    public bool ReplayIncomplete { get; }

    /// <summary>The next reliable event it will write (acquire; the feed thread's lag check).</summary>
    public long ReliableCursor => Volatile.Read(ref _reliableCursor);

    /// <summary>Whether the feed thread asked for it to be disconnected (reliable queue full).</summary>
    public bool KickRequested => Volatile.Read(ref _kickRequested) != 0;

    /// <summary>Whether its connection ended.</summary>
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>Set by the gateway: wakes the connection's writer.</summary>
    public required AsyncSignal Work { get; init; }

    /// <summary>Closes the connection (set by the gateway; any thread): another hello with this name, or the reliable queue full.</summary>
    public Func<GatewayError, bool>? Close { get; init; }

    /// <summary>Feed thread: the connection lags too far behind; never blocks (the gateway's sweep closes it).</summary>
    public bool RequestKick() => Interlocked.CompareExchange(ref _kickRequested, 1, 0) == 0;

    public bool WantsSymbol(int symbolId) => (uint)symbolId < (uint)_symbols.Length && _symbols[symbolId];

    /// <summary>Queues a request line and returns its answer's task (completed by <see cref="Complete"/> or the session's end).</summary>
    public Task<GatewayAgentResponse> SendRequest(string requestId, string method, JsonElement parameters)
    {
        var answer = new TaskCompletionSource<GatewayAgentResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = answer;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "request"u8);
            json.WriteString("request_id"u8, requestId);
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            if (parameters.ValueKind == JsonValueKind.Undefined)
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }
            else
            {
                parameters.WriteTo(json);
            }

            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        _outOfBand.Enqueue(buffer.WrittenSpan.ToArray());
        Work.Set();
        if (Ended)
        {
            FailPending("disconnected"); // it ended while this was queued: nobody will answer
        }

        return answer.Task;
    }

    public void ForgetRequest(string requestId) => _pending.TryRemove(requestId, out _);

    /// <summary>The agent's <c>response</c> line; false when no request of that id is waiting.</summary>
    public bool Complete(string requestId, GatewayAgentResponse response)
    {
        if (!_pending.TryRemove(requestId, out TaskCompletionSource<GatewayAgentResponse>? answer))
        {
            return false;
        }

        answer.TrySetResult(response);
        return true;
    }

    /// <summary>The connection ended: pending requests fail, the agent is no longer connected through it.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Agent.Detach(this);
        FailPending("disconnected");
    }

    /// <summary>
    /// The connection's writer: writes what is due to <paramref name="output"/> (null = the client is
    /// gone: advance without writing) — requests, a heartbeat, reliable events, market data, a
    /// dropped notice, the account. Allocates nothing in steady state. Returns the lines written;
    /// <paramref name="more"/> tells whether a budget stopped it with more to write.
    /// </summary>
    public int WriteFeed(IBufferWriter<byte>? output, out bool more)
    {
        int written = 0;
        more = false;
        while (_outOfBand.TryDequeue(out byte[]? line))
        {
            output?.Write(line);
            written++;
        }

        long heartbeats = _shared.Heartbeats;
        if (heartbeats != _heartbeatsSeen)
        {
            _heartbeatsSeen = heartbeats;
            if (output is not null)
            {
                AgentFeedFormat.WriteHeartbeat(output, _shared.HeartbeatTsNs);
            }

            written++;
        }

        written += WriteReliable(output, ref more);
        if (WantsMarketData)
        {
            written += WriteMarketData(output, ref more);
        }

        if (_shared.Account is { } account && !ReferenceEquals(account, _accountSeen))
        {
            _accountSeen = account;
            if (output is not null)
            {
                AgentFeedFormat.WriteAccount(output, account);
            }

            written++;
        }

        return written;
    }

    private int WriteReliable(IBufferWriter<byte>? output, ref bool more)
    {
        AgentEventLog log = Agent.Log;
        long count = log.Count;
        long cursor = _reliableCursor;
        int written = 0;
        for (; cursor < count && written < ReliableBudget; cursor++)
        {
            if (!log.TryRead(cursor, out AgentEvent e, _id))
            {
                // Overwritten before it was written out: only a connection already far past its
                // queue gets here, and the feed thread asked for its disconnect; stop writing it.
                RequestKick();
                break;
            }

            if (e.Kind == AgentEventKind.Fill || e.Kind == AgentEventKind.Order || e.Kind == AgentEventKind.Position)
            {
                if (output is not null)
                {
                    AgentFeedFormat.WriteEvent(output, e, _id, _shared.SymbolNames[e.SymbolId], cursor < LivePoint, _shared.QuantityDecimals[e.SymbolId]);
                }

                written++;
            }
        }

        Volatile.Write(ref _reliableCursor, cursor); // release: the feed thread's lag check reads it
        more |= cursor < count;
        if (written > 0)
        {
            Agent.Counters.AddOrderUpdates(written);
        }

        return written;
    }

    private int WriteMarketData(IBufferWriter<byte>? output, ref bool more)
    {
        long published = _ring.Published;
        long cursor = _marketCursor;
        long dropped = _ring.SkipLapped(ref cursor);
        int written = 0, examined = 0;
        for (; cursor < published && examined < MarketBudget; cursor++, examined++)
        {
            if (!_ring.TryRead(cursor, out MarketRecord r))
            {
                // Lapped while reading: skip to the oldest held (or past the slot being rewritten).
                long skipped = _ring.SkipLapped(ref cursor);
                if (skipped == 0)
                {
                    skipped = 1;
                    cursor++;
                }

                dropped += skipped;
                cursor--; // the loop's increment
                continue;
            }

            if (!WantsSymbol(r.SymbolId))
            {
                continue;
            }

            if (r.Kind == MarketRecordKind.Tick)
            {
                if (!Ticks)
                {
                    continue;
                }

                if (output is not null)
                {
                    AgentFeedFormat.WriteTick(output, r, _shared.SymbolNames[r.SymbolId]);
                }
            }
            else
            {
                if ((BarMask & (1 << r.Timeframe)) == 0)
                {
                    continue;
                }

                if (output is not null)
                {
                    AgentFeedFormat.WriteBar(output, r, _shared.SymbolNames[r.SymbolId]);
                }
            }

            written++;
        }

        _marketCursor = cursor;
        more |= cursor < published;
        if (written > 0)
        {
            Agent.Counters.AddMarketDataSent(written);
        }

        if (dropped > 0)
        {
            Agent.Counters.AddMarketDataDropped(dropped);
            _droppedSinceNotice += dropped;
        }

        if (_droppedSinceNotice > 0 && !more)
        {
            if (output is not null)
            {
                AgentFeedFormat.WriteDropped(output, _droppedSinceNotice);
            }

            _droppedSinceNotice = 0;
            written++;
        }

        return written;
    }

    private void FailPending(string why)
    {
        foreach (string requestId in _pending.Keys)
        {
            Complete(requestId, GatewayAgentResponse.Failed($"agent '{Agent.Name}' {why} before it answered"));
        }
    }
}
