using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS execution notices for one HTS id (H0STCNI0; VIRTUAL accounts H0STCNI9) on the WebSocket
/// Manager: subscribes once per connection, takes each connection's AES key from the ack, decrypts
/// the notices and, for each, asks the <see cref="IVenueUpdateSink"/> to re-read the day's orders
/// (<see cref="IVenueUpdateSink.RequestRefresh"/>: a notice is one event, not a cumulative state, so
/// the gateway settles from the venue's own figures) and hands the notice to an optional callback.
/// It rides on a <see cref="KisRealtimeSession"/> (its own, or the one shared with market data), which
/// echoes keep-alives and checks the ack. Malformed or undecryptable frames are counted and skipped.
/// </summary>
/// <remarks>Callbacks run on the WebSocket's receive thread and must not block.</remarks>
public sealed class KisExecutionNoticeStream : IDisposable
{
    private readonly KisExecutionNoticeParser _parser = new();
    private readonly IVenueUpdateSink? _sink;
    private readonly Action<KisExecutionNotice>? _onNotice;
    private readonly KisRealtimeSession _session;
    private readonly bool _ownsSession;
    private readonly List<KisExecutionNotice> _decoded = [];
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notices;

    /// <param name="webSocketUri">The KIS real-time address (ws://…:21000 REAL, :31000 VIRTUAL).</param>
    /// <param name="approvalKey">The WebSocket approval key (<c>/oauth2/Approval</c>).</param>
    /// <param name="htsId">The customer's HTS id: the notice subscription's tr_key.</param>
    /// <param name="realAccount">REAL (H0STCNI0) or VIRTUAL (H0STCNI9).</param>
    /// <param name="sink">Told to refresh on every notice (null: callback only).</param>
    /// <param name="onNotice">Receives every decoded notice (optional).</param>
    /// <param name="policy">Reconnect backoff.</param>
    /// <param name="staleAfter">Reconnect after this long without a message (null = never: notices are rare).</param>
    public KisExecutionNoticeStream(Uri webSocketUri, string approvalKey, string htsId, bool realAccount, IVenueUpdateSink? sink, Action<KisExecutionNotice>? onNotice = null, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null)
        : this(new KisRealtimeSession(webSocketUri, approvalKey, policy, staleAfter), htsId, realAccount, sink, onNotice)
    {
        _ownsSession = true;
    }

    /// <summary>Notices registered on <paramref name="session"/>, shared with market data (KIS allows one session per app key).</summary>
    public KisExecutionNoticeStream(KisRealtimeSession session, string htsId, bool realAccount, IVenueUpdateSink? sink, Action<KisExecutionNotice>? onNotice = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(htsId);
        _sink = sink;
        _onNotice = onNotice;
        _session = session;
        TrId = realAccount ? "H0STCNI0" : "H0STCNI9";
        session.Register(TrId, htsId, KisRealtimeSession.NoticesLabel, OnFrame);
    }

    /// <summary>H0STCNI0 (REAL) or H0STCNI9 (VIRTUAL).</summary>
    public string TrId { get; }

    public WebSocketManager Connection => _session.Connection;

    /// <summary>Malformed and undecryptable frames, acks and counts (read on the receive thread, or after it is quiet).</summary>
    public KisExecutionNoticeParser Parser => _parser;

    /// <summary>Notices decoded and delivered.</summary>
    public long Notices => Interlocked.Read(ref _notices);

    /// <summary>Completes when the first ack with a key arrived: notices sent from then on reach this stream.</summary>
    public Task Subscribed => _subscribed.Task;

    public Task StartAsync() => _session.StartAsync();

    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        _decoded.Clear();
        KisFrameResult result = _parser.Parse(frame.Span, _decoded); // keep-alives are echoed by the session

        if (result.Kind == KisFrameKind.SubscribeAck && result.Reason is null && _parser.HasKey)
        {
            _subscribed.TrySetResult();
        }

        foreach (KisExecutionNotice notice in _decoded)
        {
            Interlocked.Increment(ref _notices); // read by other threads (health, tests)
            _sink?.RequestRefresh();
            _onNotice?.Invoke(notice);
        }
    }

    public void Dispose()
    {
        if (_ownsSession)
        {
            _session.Dispose();
        }

        _parser.Dispose();
    }
}
