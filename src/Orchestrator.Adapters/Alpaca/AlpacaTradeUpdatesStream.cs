using System.Text.Json;
using NLog;
using Orchestrator.Adapters.Venues;
using Orchestrator.Adapters.WebSockets;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// Alpaca's account stream (<c>wss://paper-api.alpaca.markets/stream</c>): on every
/// (re)connection logs in with <c>{"action":"auth","key":…,"secret":…}</c>, waits for
/// <c>{"stream":"authorization","data":{"status":"authorized"}}</c>, then listens to
/// <c>trade_updates</c> once. Each update's <c>order</c> — cumulative filled quantity and average
/// price — goes to <see cref="IVenueUpdateSink.OnVenueOrderUpdate"/>, so a repeated or reordered
/// event cannot miscount. Frames may be binary (Alpaca's paper host) or text: both are read.
/// </summary>
/// <remarks>
/// <para>After a reconnect the stream asks the sink to <see cref="IVenueUpdateSink.RequestRefresh"/>:
/// updates sent while the link was down are not replayed. A refused log-in halts the stream
/// (see <see cref="NeedsAttention"/>) instead of reconnecting into the same refusal. Unreadable
/// frames are counted and skipped.</para>
/// <para>The sink is called on the WebSocket library's receive thread. Silence is normal here (no
/// orders, no updates), so there is no staleness reconnect unless <c>staleAfter</c> asks for one.</para>
/// </remarks>
public sealed class AlpacaTradeUpdatesStream : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Alpaca");

    private readonly IVenueUpdateSink _sink;
    private readonly WebSocketManager _connection;
    private readonly string[] _authentication;
    private readonly string[] _listen = [ListenMessage];
    private long _updates;
    private long _malformed;
    private long _authorizations;
    private string? _needsAttention;
    private int _refused;

    /// <summary><c>{"action":"listen","data":{"streams":["trade_updates"]}}</c>.</summary>
    public const string ListenMessage = "{\"action\":\"listen\",\"data\":{\"streams\":[\"trade_updates\"]}}";

    /// <summary>A symbol's quantity decimals (issue 19): the orders' quantities are read into its units; null = whole shares.</summary>
    public Func<string, int>? QuantityDecimals { get; init; }

    /// <param name="streamUri">e.g. wss://paper-api.alpaca.markets/stream.</param>
    /// <param name="credentials">The key pair for the log-in message.</param>
    /// <param name="sink">Receives order states on the receive thread.</param>
    /// <param name="policy">Backoff between reconnects.</param>
    /// <param name="staleAfter">Reconnect when nothing arrived for this long (null = never).</param>
    public AlpacaTradeUpdatesStream(Uri streamUri, AlpacaCredentials credentials, IVenueUpdateSink sink, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        _authentication = [credentials.AuthMessage()];
        _connection = new WebSocketManager("alpaca-trade-updates", streamUri, () => _listen, OnFrame, policy, staleAfter, () => _authentication);
    }

    public WebSocketManager Connection => _connection;

    /// <summary>Order updates handed to the sink.</summary>
    public long Updates => Interlocked.Read(ref _updates);

    /// <summary>Frames that could not be read.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Why the stream halted and a person must act, or null while it runs.</summary>
    public string? NeedsAttention => Volatile.Read(ref _needsAttention);

    /// <summary>Raised once, on the receive thread, when the stream halts for a person.</summary>
    public event Action<string>? AttentionNeeded;

    /// <summary>Raised on the receive thread each time Alpaca confirms <c>trade_updates</c> is being listened to (once per connection).</summary>
    public event Action? Listening;

    public Task StartAsync() => _connection.StartAsync();

    /// <summary>Handles one frame as received (internal so tests can feed recorded frames).</summary>
    internal void OnFrame(ReadOnlyMemory<byte> frame)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(frame);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Object)
            {
                CountMalformed("not a {stream, data} object");
                return;
            }

            switch (AlpacaOrderJson.String(root, "stream"))
            {
                case "trade_updates":
                    OnTradeUpdate(data);
                    break;
                case "authorization":
                    OnAuthorization(data);
                    break;
                case "listening" when IsListeningToTradeUpdates(data):
                    s_logger.Info("alpaca-trade-updates: listening");
                    Listening?.Invoke();
                    break;
                case "listening":
                    s_logger.Error("alpaca-trade-updates: Alpaca did not grant the trade_updates stream");
                    break;
                default:
                    CountMalformed("unknown stream");
                    break;
            }
        }
        catch (JsonException)
        {
            CountMalformed("not JSON");
        }
    }

    private static bool IsListeningToTradeUpdates(JsonElement data) =>
        data.TryGetProperty("streams", out JsonElement streams) && streams.ValueKind == JsonValueKind.Array
        && streams.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.ValueEquals("trade_updates"));

    private void OnTradeUpdate(JsonElement data)
    {
        string? update = AlpacaOrderJson.String(data, "event");
        string? reason = update is "canceled" or "rejected" or "expired" or "done_for_day" or "replaced" ? update : null;
        if (!data.TryGetProperty("order", out JsonElement order) || !AlpacaOrderJson.TryRead(order, out VenueOrderState? state, reason, QuantityDecimals))
        {
            CountMalformed("trade update without a readable order");
            return;
        }

        Interlocked.Increment(ref _updates);
        _sink.OnVenueOrderUpdate(state!);
    }

    private void OnAuthorization(JsonElement data)
    {
        if (AlpacaOrderJson.String(data, "status") == "authorized")
        {
            // Increment: counts log-ins; any after the first follows a reconnect, and updates
            // sent while the link was down are not replayed, so the gateway must re-read.
            if (Interlocked.Increment(ref _authorizations) > 1)
            {
                _sink.RequestRefresh();
            }

            _connection.OnAuthenticated();
            return;
        }

        const string Reason = "Alpaca refused the trade_updates log-in: check the key id and secret";
        if (Interlocked.Exchange(ref _refused, 1) == 0)
        {
            _connection.Halt(Reason); // stopped first, then announced: whoever sees the reason sees a stopped link
            Volatile.Write(ref _needsAttention, Reason);
            AttentionNeeded?.Invoke(Reason);
        }
    }

    private void CountMalformed(string what)
    {
        Interlocked.Increment(ref _malformed);
        s_logger.Warn("alpaca-trade-updates: skipped a frame: {0}", what);
    }

    public void Dispose() => _connection.Dispose();
}
