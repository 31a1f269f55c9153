using System.Buffers;
using System.Text.Json;
using NLog;
using Orchestrator.Engine;
using Orchestrator.Engine.State;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// The gateway's agent protocol side (slow path): hellos and responses read by connections, the
/// periodic work of the sweep (heartbeats to agents, the account once per second on change,
/// disconnecting agents whose reliable queue filled), and the shared feed state. Owns the
/// <see cref="AgentFeed"/> that the outcome consumer drives on the engine's thread.
/// </summary>
internal sealed class AgentHost
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Adapters.SignalGateway.SignalGateway");

    private readonly TradingEngine _engine;
    private readonly GatewayOptions _options;
    private readonly Func<long> _eventTimeNs;
    private readonly SourceClaims _claims;
    private readonly GatewayCounters _counters;
    private readonly SnapshotCopy _snapshot = new();
    private long _lastBeat;
    private long _lastAccount;
    private long _snapshotVersion = -1;

    public AgentHost(TradingEngine engine, GatewayOptions options, Func<long> eventTimeNs, GatewaySlot[] slots, SourceClaims claims, GatewayCounters counters)
    {
        _claims = claims;
        _counters = counters;
        _engine = engine;
        _options = options;
        _eventTimeNs = eventTimeNs;
        Directory = new AgentDirectory(engine.Sources, slots.Length, options.AgentLogSize, options.Time, claims);
        Ring = new MarketDataRing(options.MarketDataRingSize);
        Shared = new AgentFeedShared(engine.Symbols.Names, engine.Instruments.Units);
        Feed = new AgentFeed(Ring, Directory, slots, engine.Symbols.Count, engine.Instruments.Units, [.. Enumerable.Range(0, engine.Symbols.Count).Select(s => engine.Instruments[s].Capabilities)], engine.Calendars, engine.FollowEndedOrders());
        _lastBeat = _lastAccount = options.Time.GetTimestamp();
    }

    public AgentDirectory Directory { get; }

    public MarketDataRing Ring { get; }

    public AgentFeedShared Shared { get; }

    public AgentFeed Feed { get; }

    /// <summary>
    /// A hello on <paramref name="lines"/>'s connection: answers welcome or a field-named error (in line
    /// order). The name must be free or this agent's (<see cref="SourceClaims"/>): a reserved name, one
    /// plain connections already sign with, or one with an agent token this connection did not
    /// authenticate with is refused, counted (<see cref="GatewayError.SourceReserved"/>) and logged.
    /// </summary>
    public void Hello(LineProcessor lines, GatewaySlot slot, ReadOnlySpan<byte> line)
    {
        AgentHello? hello = AgentHello.Parse(line, _engine.Symbols, out string? error);
        if (hello is not null && lines.BoundName is { } bound && !string.Equals(bound, hello.Name, StringComparison.Ordinal))
        {
            error = $"hello.name: this connection's agent token is for '{bound}'";
        }
        else if (hello is not null && lines.Session is not null)
        {
            error = "hello: this connection already said hello";
        }

        GatewayAgent? agent = null;
        if (error is null && hello is not null)
        {
            bool proven = string.Equals(lines.BoundName, hello.Name, StringComparison.Ordinal);
            error = !proven && Directory.HasToken(hello.Name)
                ? $"hello.name: '{hello.Name}' has its own agent token; only a connection authenticated with it may say hello as it"
                : _claims.ClaimForAgent(hello.Name, _engine.Sources.Intern(hello.Name), proven);
            if (error is not null)
            {
                _counters.CountRejected(GatewayError.SourceReserved);
            }
        }

        if (error is null && hello is not null)
        {
            agent = Directory.GetOrAdd(hello.Name);
            error = agent is null ? $"hello.name: no room for another agent name (at most {AgentDirectory.MaxAgents} per run)" : null;
        }

        if (error is not null || hello is null || agent is null)
        {
            slot.Controls.Enqueue(ErrorLine(error ?? "hello: invalid"));
            slot.Append(LineAnswer.Control, GatewayError.None, default, false);
            s_logger.Warn("Signal gateway {0}: hello refused: {1}", lines.Peer, error);
            return;
        }

        var session = new AgentSession(agent, hello, slot.Index, Ring, Shared, _options.AgentQueueSize) { Work = slot.Work, Close = lines.CloseConnection };
        agent.Methods = hello.Methods;
        agent.Version = hello.Version;
        agent.Symbols = [.. hello.SymbolIds.Select(_engine.Symbols.GetName)];
        agent.Touch();
        agent.Counters.CountConnection();
        slot.Controls.Enqueue(WelcomeLine(hello));
        slot.Append(LineAnswer.Control, GatewayError.None, default, false);
        lines.Session = session;
        Volatile.Write(ref Directory.Sessions[slot.Index], session);
        if (agent.Attach(session) is { } older)
        {
            older.Close?.Invoke(GatewayError.AgentReplaced); // one live session per name
            s_logger.Info("Signal gateway: agent '{0}' said hello again from {1}; its older connection is closed", agent.Name, lines.Peer);
        }

        s_logger.Info("Signal gateway {0}: agent '{1}' {2} connected ({3} symbols, ticks {4}, methods [{5}]{6})", lines.Peer, agent.Name, hello.Version, hello.SymbolIds.Length, hello.Ticks ? "on" : "off",
            string.Join(", ", hello.Methods), session.LivePoint > session.ReliableCursor ? $", replaying {session.LivePoint - session.ReliableCursor} events" : "");
        if (session.ReplayIncomplete)
        {
            s_logger.Warn("Signal gateway: agent '{0}' asked for fills after {1}, older than its log holds: the replay starts with the oldest held", agent.Name, hello.LastFillSeq);
        }

        slot.Work.Set();
    }

    /// <summary>A <c>response</c> line: completes its pending request; an error when it names none or is malformed.</summary>
    public static GatewayError Response(AgentSession session, ReadOnlySpan<byte> line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray());
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("request_id", out JsonElement id) || id.ValueKind != JsonValueKind.String)
            {
                return GatewayError.ResponseInvalid;
            }

            GatewayAgentResponse response;
            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind != JsonValueKind.Null)
            {
                response = GatewayAgentResponse.Failed(error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText());
            }
            else if (root.TryGetProperty("result", out JsonElement result))
            {
                response = new GatewayAgentResponse(true, result.Clone(), null);
            }
            else
            {
                return GatewayError.ResponseInvalid;
            }

            return session.Complete(id.GetString()!, response) ? GatewayError.None : GatewayError.ResponseInvalid;
        }
        catch (JsonException)
        {
            return GatewayError.MalformedJson;
        }
    }

    /// <summary>
    /// The gateway's sweep: heartbeats every <see cref="GatewayOptions.HeartbeatInterval"/>, the
    /// account at most once per second (when it changed; from the snapshot it asked the engine for a
    /// second before, or a newer one someone else asked for), and disconnects of agents whose reliable
    /// queue filled (asked for by the feed thread, which must not close sockets itself).
    /// </summary>
    public void Sweep(long now)
    {
        AgentSession?[] sessions = Directory.Sessions;
        bool any = false;
        for (int i = 0; i < sessions.Length; i++)
        {
            if (Volatile.Read(ref sessions[i]) is not { } session)
            {
                continue;
            }

            any = true;
            if (session.KickRequested && session.Close?.Invoke(GatewayError.AgentQueueFull) == true)
            {
                session.Agent.Counters.CountQueueFullDisconnect();
                s_logger.Warn("Signal gateway: agent '{0}' disconnected: it did not read its orders and fills (more than {1} behind); they are replayed on its next hello", session.Agent.Name, session.QueueSize);
            }
        }

        if (!any)
        {
            return;
        }

        bool wake = false;
        if (_options.Time.GetElapsedTime(_lastBeat, now) >= _options.HeartbeatInterval)
        {
            _lastBeat = now;
            Shared.Beat(_eventTimeNs());
            wake = true;
        }

        if (_options.Time.GetElapsedTime(_lastAccount, now) >= TimeSpan.FromSeconds(1))
        {
            _lastAccount = now;
            wake |= PublishAccount();
            RequestSnapshot();
        }

        if (wake)
        {
            for (int i = 0; i < sessions.Length; i++)
            {
                Volatile.Read(ref sessions[i])?.Work.Set();
            }
        }
    }

    /// <summary>
    /// Asks the trading thread for a fresh snapshot for the next account line (one non-blocking
    /// publish; skipped while the ring is more than half full): the agents' account must not depend
    /// on a dashboard or the in-process agents asking for snapshots.
    /// </summary>
    private void RequestSnapshot()
    {
        if (_engine.Inbound.GetRemainingCapacity() > _engine.Inbound.BufferSize / 2)
        {
            _engine.RequestSnapshot(_eventTimeNs());
        }
    }

    private bool PublishAccount()
    {
        EngineSnapshot snapshot = _engine.Snapshot;
        if (snapshot.Version == _snapshotVersion || snapshot.Version == 0)
        {
            return false;
        }

        _snapshotVersion = _engine.Snapshot.Read(_snapshot);
        return Shared.Publish(new AccountState(_snapshot.CashRaw, _snapshot.EquityRaw, Math.Max(0, _snapshot.CashRaw), _snapshot.EventTimeNs));
    }

    private byte[] WelcomeLine(AgentHello hello)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "welcome"u8);
            json.WriteString("name"u8, hello.Name);
            json.WriteNumber("heartbeat_interval_ms"u8, (long)_options.HeartbeatInterval.TotalMilliseconds);
            json.WriteStartArray("symbols"u8);
            foreach (int id in hello.SymbolIds)
            {
                json.WriteStringValue(_engine.Symbols.GetName(id));
            }

            json.WriteEndArray();
            json.WriteStartArray("bars"u8);
            for (int tf = 0; tf < BarTimeframes.Count; tf++)
            {
                if ((hello.BarMask & (1 << tf)) != 0)
                {
                    json.WriteStringValue(BarTimeframes.Names[tf]);
                }
            }

            json.WriteEndArray();
            json.WriteBoolean("ticks"u8, hello.Ticks);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ErrorLine(string error)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, "error"u8);
            json.WriteString("error"u8, error);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
