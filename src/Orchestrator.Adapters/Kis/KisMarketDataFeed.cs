using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Kis;

/// <summary>
/// KIS real-time trades for a watch list: H0STCNT0 for six-digit domestic codes, HDFSCNT0 for US
/// symbols (tr_key D + NAS/NYS/AMS + ticker, the exchange from the same symbol → exchange map the
/// venue client uses; the parser finds the symbol by that key or by the ticker). The WebSocket
/// Manager keeps the link up and resubscribes once per connection, the parser turns frames into
/// ticks for the sink, and PINGPONG keep-alives are echoed back as KIS requires.
/// </summary>
public sealed class KisMarketDataFeed : IDisposable
{
    private readonly KisRealtimeParser _parser;
    private readonly IMarketDataSink _sink;
    private readonly WebSocketManager _connection;
    private readonly string[] _subscribeMessages;

    /// <summary>A feed for <paramref name="symbols"/>; US symbols' exchanges from <paramref name="overseasExchanges"/> (NASD when not named).</summary>
    public KisMarketDataFeed(Uri webSocketUri, string approvalKey, IReadOnlyList<string> symbols, SymbolTable table, IMarketDataSink sink, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null,
        IReadOnlyDictionary<string, string>? overseasExchanges = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _parser = new KisRealtimeParser(table);
        _sink = sink;
        _subscribeMessages = [.. symbols.Select(s => KisMarkets.IsDomestic(s)
            ? SubscribeMessage(approvalKey, "H0STCNT0", s, subscribe: true)
            : SubscribeMessage(approvalKey, "HDFSCNT0", KisMarkets.RealtimeKey(KisMarkets.ExchangeOf(overseasExchanges, s), s), subscribe: true))];
        _connection = new WebSocketManager("kis-realtime", webSocketUri, () => _subscribeMessages, OnFrame, policy, staleAfter ?? TimeSpan.FromSeconds(30));
    }

    public WebSocketManager Connection => _connection;

    public KisRealtimeParser Parser => _parser;

    public Task StartAsync() => _connection.StartAsync();

    /// <summary>The KIS subscribe (tr_type 1) or unsubscribe (2) message for one TR id and key.</summary>
    public static string SubscribeMessage(string approvalKey, string trId, string trKey, bool subscribe) =>
        "{\"header\":{\"approval_key\":\"" + approvalKey + "\",\"custtype\":\"P\",\"tr_type\":\"" + (subscribe ? "1" : "2")
        + "\",\"content-type\":\"utf-8\"},\"body\":{\"input\":{\"tr_id\":\"" + trId + "\",\"tr_key\":\"" + trKey + "\"}}}";

    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        KisFrameResult result = _parser.Parse(frame.Span, _sink);
        if (result.Kind == KisFrameKind.PingPong)
        {
            _connection.SendAsText(frame); // KIS closes links that do not echo its keep-alive
        }
    }

    public void Dispose() => _connection.Dispose();
}
