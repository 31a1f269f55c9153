using System.Buffers;
using System.Text.Json;
using NLog;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One connection's input side, synchronous: finds lines in the bytes read, parses each into a
/// signal, publishes it into the inbound ring and records its answer in the slot — or records
/// the refusal. Steady state allocates nothing. Stops (without consuming the line at hand) when
/// the slot's table or the ring is full, so nothing is ever dropped or buffered without bound.
/// Every non-blank line gets exactly one answer, whatever its bytes: an unexpected exception while
/// handling a line (a bug — the parser itself never throws) answers that line with
/// <see cref="GatewayError.Internal"/>, is counted and logged, and the connection goes on.
/// </summary>
internal sealed class LineProcessor
{
    private static readonly Logger s_logger = LogManager.GetCurrentClassLogger();

    private readonly TradingEngine _engine;
    private readonly GatewaySlot _slot;
    private readonly GatewayCounters _counters;
    private readonly SignalLineParser _parser;
    private readonly Func<long> _eventTimeNs;
    private readonly byte[]? _tokenHash;
    private readonly byte[] _line;
    private readonly int _maxLineBytes;
    private readonly int _logLimit;
    private readonly string _peer;
    private readonly AgentHost? _agents;
    private readonly SourceClaims _claims;
    private int _boundSourceId;
    private AgentSession? _session;
    private volatile bool _authenticated;
    private int _logged;

    public LineProcessor(TradingEngine engine, GatewaySlot slot, GatewayCounters counters, GatewayOptions options, byte[]? tokenHash, Func<long> eventTimeNs, string peer, SourceClaims claims, AgentHost? agents = null)
    {
        _claims = claims;
        _agents = agents;
        _engine = engine;
        _slot = slot;
        _counters = counters;
        _parser = new SignalLineParser(engine.Symbols, engine.Sources, engine.Reasons, options.MaxLineBytes, engine.Instruments.Units);
        _eventTimeNs = eventTimeNs;
        _tokenHash = tokenHash;
        _line = new byte[options.MaxLineBytes];
        _maxLineBytes = options.MaxLineBytes;
        _logLimit = options.LoggedRejectsPerConnection;
        _peer = peer;
        _authenticated = tokenHash is null;
    }

    /// <summary>Whether the connection is authenticated (always, without a token). Any thread may read it.</summary>
    public bool Authenticated => _authenticated;

    /// <summary>Called on the reader once the token was accepted (the gateway's admission).</summary>
    public Action? OnAuthenticated { get; set; }

    /// <summary>The agent session once a hello was accepted (written by the reader; any thread may read it).</summary>
    public AgentSession? Session
    {
        get => Volatile.Read(ref _session);
        set => Volatile.Write(ref _session, value);
    }

    /// <summary>The agent name an agent token bound this connection to (its hello must use it, its signals carry it); null = any name.</summary>
    public string? BoundName { get; private set; }

    /// <summary>Closes the connection with a reason (set by the gateway; for agent sessions).</summary>
    public Func<GatewayError, bool>? CloseConnection { get; set; }

    public string Peer => _peer;

    /// <summary>True while the rest of an over-long line is being skipped.</summary>
    public bool Skipping { get; private set; }

    /// <summary>Refused lines not logged (past the per-connection limit).</summary>
    public long Unlogged { get; private set; }

    /// <summary>Handles the whole lines at the start of <paramref name="buffer"/> and slices them off.</summary>
    public ProcessResult Process(ref ReadOnlySequence<byte> buffer)
    {
        long accepted = 0, bytes = 0;
        ProcessResult result = ProcessLines(ref buffer, ref accepted, ref bytes);
        if (accepted > 0)
        {
            _counters.AddAccepted(accepted);
        }

        _counters.AddBytes(bytes);
        return result;
    }

    private ProcessResult ProcessLines(ref ReadOnlySequence<byte> buffer, ref long accepted, ref long bytes)
    {
        while (true)
        {
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (Skipping)
            {
                // The rest of an over-long line: dropped as it arrives, never buffered.
                ReadOnlySequence<byte> skipped = newline is { } end ? buffer.Slice(0, buffer.GetPosition(1, end)) : buffer;
                bytes += skipped.Length;
                buffer = buffer.Slice(skipped.End);
                Skipping = newline is null;
                if (Skipping)
                {
                    return ProcessResult.NeedMore;
                }

                continue;
            }

            if (newline is null)
            {
                if (buffer.Length <= _maxLineBytes)
                {
                    return ProcessResult.NeedMore;
                }

                if (!_slot.HasRoom)
                {
                    return ProcessResult.NoRoom;
                }

                Refuse(GatewayError.LineTooLong, default, false);
                Skipping = true;
                continue;
            }

            if (!_slot.HasRoom)
            {
                return ProcessResult.NoRoom;
            }

            ReadOnlySequence<byte> lineBytes = buffer.Slice(0, newline.Value);
            SequencePosition next = buffer.GetPosition(1, newline.Value);
            if (lineBytes.Length > _maxLineBytes)
            {
                Refuse(GatewayError.LineTooLong, default, false);
            }
            else
            {
                ProcessResult? stop = ProcessLineGuarded(Contiguous(lineBytes), ref accepted);
                if (stop == ProcessResult.RingFull)
                {
                    return ProcessResult.RingFull; // the line stays in the buffer: read again after the wait
                }

                if (stop == ProcessResult.Close)
                {
                    bytes += lineBytes.Length + 1;
                    buffer = buffer.Slice(next);
                    return ProcessResult.Close;
                }
            }

            bytes += lineBytes.Length + 1;
            buffer = buffer.Slice(next);
        }
    }

    /// <summary><see cref="ProcessLine"/>, with any exception turned into the line's answer (when it has none yet).</summary>
    private ProcessResult? ProcessLineGuarded(ReadOnlySpan<byte> line, ref long accepted)
    {
        long answered = _slot.Lines;
        try
        {
            return ProcessLine(line, ref accepted);
        }
        catch (Exception ex)
        {
            _counters.CountInternalError(ex, _peer);
            if (_slot.Lines == answered)
            {
                Refuse(GatewayError.Internal, default, false);
            }

            return _authenticated ? null : ProcessResult.Close;
        }
    }

    private ProcessResult? ProcessLine(ReadOnlySpan<byte> line, ref long accepted)
    {
        line = line.Trim(" \t\r"u8);
        if (line.IsEmpty)
        {
            return null; // blank lines are not requests and get no answer
        }

        if (!_authenticated)
        {
            return Authenticate(line);
        }

        if (_agents is not null)
        {
            if (_tokenHash is null && IsAuthLine(line))
            {
                return Authenticate(line); // auth off: any token is answered authenticated; an agent token binds its name
            }

            switch (AgentLine.Classify(line))
            {
                case AgentLineType.Signal:
                    break;
                case AgentLineType.Hello:
                    _agents.Hello(this, _slot, line);
                    return null;
                case AgentLineType.Heartbeat:
                    if (Session is null)
                    {
                        RefuseAgent(GatewayError.HelloRequired);
                    }

                    return null; // the read itself counted as the agent's heartbeat
                case AgentLineType.Response:
                    GatewayError problem = Session is { } session ? AgentHost.Response(session, line) : GatewayError.HelloRequired;
                    if (problem != GatewayError.None)
                    {
                        RefuseAgent(problem);
                    }

                    return null;
                default:
                    RefuseAgent(GatewayError.UnknownMessageType);
                    return null;
            }
        }

        GatewayError error = _parser.Parse(line, out ParsedSignal signal);
        bool hasId = signal.IdOffset >= 0;
        ReadOnlySpan<byte> id = hasId ? line.Slice(signal.IdOffset, signal.IdLength) : default;
        if (error != GatewayError.None)
        {
            Refuse(error, id, hasId);
            return null;
        }

        // Who signs: an agent's signals carry its name whatever they say (hello, else an agent token);
        // a plain connection's source is a label of its own, refused when it is reserved or an agent's.
        AgentSession? agent = Session;
        if (agent is not null)
        {
            signal.SourceId = agent.Agent.SourceId;
        }
        else if (_boundSourceId != 0)
        {
            signal.SourceId = _boundSourceId;
        }
        else if (!_claims.TryUseAsLabel(signal.SourceId))
        {
            Refuse(GatewayError.SourceReserved, id, hasId);
            return null;
        }

        long signalId = _slot.NextSignalId;
        _slot.Prepare(signalId, id, hasId); // before the publish: the outcome thread may decide at once
        long sequence = _engine.TryPublishSignal(signal.SymbolId, signal.Side, signal.ConfidencePpm, signal.Intent, signalId, signal.SourceId, signal.ReasonId, _eventTimeNs());
        if (sequence < 0)
        {
            return ProcessResult.RingFull;
        }

        _slot.Commit(sequence);
        accepted++;
        agent?.Agent.Counters.AddSignals(1);
        return null;
    }

    private ProcessResult? Authenticate(ReadOnlySpan<byte> line)
    {
        Span<byte> token = stackalloc byte[256];
        int length = ReadToken(line, token);
        if (length < 0)
        {
            Refuse(GatewayError.AuthRequired, default, false);
            return ProcessResult.Close;
        }

        string? agentName = _agents?.Directory.MatchToken(token[..length]);
        if (agentName is null && _tokenHash is not null && !TokenDigest.Matches(token[..length], _tokenHash))
        {
            Refuse(GatewayError.AuthFailed, default, false);
            return ProcessResult.Close;
        }

        if (agentName is not null)
        {
            BoundName = agentName; // its hello must use this name
            _boundSourceId = _engine.Sources.Intern(agentName); // and its signals carry it, hello or not
        }

        bool first = !_authenticated;
        _authenticated = true;
        _slot.Append(LineAnswer.Authenticated, GatewayError.None, default, false);
        if (first)
        {
            OnAuthenticated?.Invoke();
        }

        return null;
    }

    /// <summary>Whether a line after authentication is an auth line (valid UTF-8 only: the signal parser names anything else).</summary>
    private static bool IsAuthLine(ReadOnlySpan<byte> line) =>
        (line.StartsWith("auth "u8) || (line.StartsWith("{"u8) && line.IndexOf("\"auth\""u8) >= 0)) && System.Text.Unicode.Utf8.IsValid(line) && ReadToken(line, stackalloc byte[256]) >= 0;

    /// <summary>An agent protocol line refused with a fixed text: <c>{"type":"error","error":"…"}</c>, counted.</summary>
    private void RefuseAgent(GatewayError error)
    {
        _slot.Append(LineAnswer.AgentError, error, default, false);
        _counters.CountRejected(error);
    }

    /// <summary>The token of <c>auth &lt;token&gt;</c> or <c>{"auth":"&lt;token&gt;"}</c>; -1 when the line is neither.</summary>
    private static int ReadToken(ReadOnlySpan<byte> line, Span<byte> token)
    {
        if (line.StartsWith("auth "u8))
        {
            ReadOnlySpan<byte> value = line[5..].Trim(" \t"u8);
            return value.Length <= token.Length && value.TryCopyTo(token) ? value.Length : 0;
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && !reader.ValueIsEscaped && reader.ValueTextEquals("auth"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= token.Length)
            {
                return reader.ValueIsEscaped && JsonEscapes.HasLoneSurrogate(reader.ValueSpan) ? 0 : reader.CopyString(token); // 0: no token that can match
            }
        }
        catch (JsonException)
        {
            // not an auth object
        }

        return -1;
    }

    private void Refuse(GatewayError error, ReadOnlySpan<byte> id, bool hasId)
    {
        _slot.Append(LineAnswer.Rejected, error, id, hasId);
        _counters.CountRejected(error);
        if (_logged < _logLimit)
        {
            _logged++;
            s_logger.Warn("Signal gateway {0}: line refused: {1}{2}", _peer, GatewayErrorText.Get(error), _logged == _logLimit ? " (further refusals on this connection are only counted)" : string.Empty);
        }
        else
        {
            Unlogged++;
        }
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        line.CopyTo(_line);
        return _line.AsSpan(0, (int)line.Length);
    }
}
