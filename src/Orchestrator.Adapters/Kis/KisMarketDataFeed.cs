using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS real-time trades for a watch list: H0STCNT0 for six-digit domestic codes, HDFSCNT0 for US
/// symbols (tr_key D + NAS/NYS/AMS + ticker, the exchange from the same symbol → exchange map the
/// venue client uses; the parser finds the symbol by that key or by the ticker). The subscriptions ride
/// on a <see cref="KisRealtimeSession"/> (its own, or the one shared with execution notices), which keeps
/// the link up, resubscribes once per connection, checks every ack and echoes PINGPONG keep-alives;
/// the parser turns frames into ticks for the sink.
/// </summary>
public sealed class KisMarketDataFeed : IDisposable
{
    private readonly KisRealtimeParser _parser;
    private readonly IMarketDataSink _sink;
    private readonly KisRealtimeSession _session;
    private readonly bool _ownsSession;
    private volatile bool _stopped;

    /// <summary>A feed for <paramref name="symbols"/> on a session of its own; US symbols' exchanges from <paramref name="overseasExchanges"/> (NASD when not named).</summary>
    public KisMarketDataFeed(Uri webSocketUri, string approvalKey, IReadOnlyList<string> symbols, SymbolTable table, IMarketDataSink sink, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null,
        IReadOnlyDictionary<string, string>? overseasExchanges = null)
        : this(new KisRealtimeSession(webSocketUri, approvalKey, policy, staleAfter ?? TimeSpan.FromSeconds(30)), symbols, table, sink, overseasExchanges)
    {
        _ownsSession = true;
    }

    /// <summary>A feed for <paramref name="symbols"/> registered on <paramref name="session"/> (shared with execution notices: KIS allows one session per app key).</summary>
    public KisMarketDataFeed(KisRealtimeSession session, IReadOnlyList<string> symbols, SymbolTable table, IMarketDataSink sink, IReadOnlyDictionary<string, string>? overseasExchanges = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(symbols);
        _parser = new KisRealtimeParser(table);
        _sink = sink;
        _session = session;
        foreach (string symbol in symbols)
        {
            if (KisMarkets.IsDomestic(symbol))
            {
                session.Register("H0STCNT0", symbol, symbol, OnFrame);
            }
            else
            {
                session.Register("HDFSCNT0", KisMarkets.RealtimeKey(KisMarkets.ExchangeOf(overseasExchanges, symbol), symbol), symbol, OnFrame);
            }
        }
    }

    public WebSocketManager Connection => _session.Connection;

    /// <summary>The session the feed's subscriptions ride on.</summary>
    public KisRealtimeSession Session => _session;

    public KisRealtimeParser Parser => _parser;

    public Task StartAsync() => _session.StartAsync();

    /// <summary>The KIS subscribe (tr_type 1) or unsubscribe (2) message for one TR id and key.</summary>
    public static string SubscribeMessage(string approvalKey, string trId, string trKey, bool subscribe) =>
        "{\"header\":{\"approval_key\":\"" + approvalKey + "\",\"custtype\":\"P\",\"tr_type\":\"" + (subscribe ? "1" : "2")
        + "\",\"content-type\":\"utf-8\"},\"body\":{\"input\":{\"tr_id\":\"" + trId + "\",\"tr_key\":\"" + trKey + "\"}}}";

    /// <summary>Trade frames and acks of this feed's TR ids (the session echoes keep-alives).</summary>
    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        if (!_stopped)
        {
            _parser.Parse(frame.Span, _sink);
        }
    }

    /// <summary>Stops the feed's intake (no tick reaches the sink from now on); a session of its own is closed, a shared one keeps carrying the notices.</summary>
    public void Dispose()
    {
        _stopped = true;
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}
