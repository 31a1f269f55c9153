using System.Text.Json.Nodes;
using NLog;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Alpaca;

/// <summary>Which market-data channels to subscribe for the watch list.</summary>
[Flags]
public enum AlpacaChannels
{
    None = 0,
    Trades = 1,
    Quotes = 2,
    Bars = 4,
}

/// <summary>
/// Alpaca market data stream v2 (<c>wss://stream.data.alpaca.markets/v2/iex</c> or <c>/v2/sip</c>)
/// for a watch list: on every (re)connection the WebSocket Manager logs in with
/// <c>{"action":"auth",…}</c>, waits for <c>authenticated</c>, then subscribes once; the parser
/// turns data frames into ticks for the sink. Errors are logged with their meaning and counted;
/// those only a person can fix (402 wrong keys, 406 connection limit, 409 no subscription) halt
/// the feed instead of reconnecting into the same refusal — see <see cref="NeedsAttention"/>.
/// </summary>
/// <remarks>Frames arrive on the WebSocket library's receive thread; the sink is called there.</remarks>
public sealed class AlpacaMarketDataFeed : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Alpaca");

    private readonly AlpacaMarketDataParser _parser;
    private readonly IMarketDataSink _sink;
    private readonly WebSocketManager _connection;
    private readonly string[] _authentication;
    private readonly string[] _subscription;
    private string? _needsAttention;
    private int _halting;

    /// <param name="streamUri">e.g. wss://stream.data.alpaca.markets/v2/iex.</param>
    /// <param name="credentials">The key pair for the log-in message.</param>
    /// <param name="symbols">The watch list, as Alpaca spells the symbols.</param>
    /// <param name="channels">Trades, quotes and/or bars for every symbol.</param>
    /// <param name="table">The engine's symbols (ids for the ticks).</param>
    /// <param name="sink">Receives the ticks on the receive thread.</param>
    /// <param name="policy">Backoff between reconnects.</param>
    /// <param name="staleAfter">Reconnect when nothing arrived for this long (default 30 s; null keeps the default).</param>
    public AlpacaMarketDataFeed(Uri streamUri, AlpacaCredentials credentials, IReadOnlyList<string> symbols, AlpacaChannels channels, SymbolTable table, IMarketDataSink sink, ReconnectPolicy? policy = null, TimeSpan? staleAfter = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(symbols);
        _parser = new AlpacaMarketDataParser(table);
        _sink = sink;
        _authentication = [credentials.AuthMessage()];
        _subscription = [SubscribeMessage(symbols, channels)];
        _connection = new WebSocketManager("alpaca-data", streamUri, () => _subscription, OnFrame, policy, staleAfter ?? TimeSpan.FromSeconds(30), () => _authentication);
    }

    public WebSocketManager Connection => _connection;

    public AlpacaMarketDataParser Parser => _parser;

    /// <summary>Why the feed halted and a person must act, or null while it runs.</summary>
    public string? NeedsAttention => Volatile.Read(ref _needsAttention);

    /// <summary>Raised once, on the receive thread, when the feed halts for a person.</summary>
    public event Action<string>? AttentionNeeded;

    public Task StartAsync() => _connection.StartAsync();

    /// <summary><c>{"action":"subscribe","trades":[…],"quotes":[…],"bars":[…]}</c> for the chosen channels.</summary>
    public static string SubscribeMessage(IReadOnlyList<string> symbols, AlpacaChannels channels)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var message = new JsonObject { ["action"] = "subscribe" };
        foreach ((AlpacaChannels channel, string name) in (ReadOnlySpan<(AlpacaChannels, string)>)[(AlpacaChannels.Trades, "trades"), (AlpacaChannels.Quotes, "quotes"), (AlpacaChannels.Bars, "bars")])
        {
            if (channels.HasFlag(channel))
            {
                message[name] = new JsonArray([.. symbols.Select(s => (JsonNode?)JsonValue.Create(s))]);
            }
        }

        return message.ToJsonString();
    }

    private void OnFrame(ReadOnlyMemory<byte> frame)
    {
        AlpacaFrameResult result = _parser.Parse(frame.Span, _sink);
        if ((result.Flags & AlpacaFrameFlags.Authenticated) != 0)
        {
            _connection.OnAuthenticated();
        }

        if ((result.Flags & AlpacaFrameFlags.Error) != 0)
        {
            OnError(result.ErrorCode);
        }
    }

    private void OnError(int code)
    {
        string meaning = AlpacaStreamErrors.Describe(code);
        if (!AlpacaStreamErrors.NeedsPerson(code))
        {
            s_logger.Error("alpaca-data: stream error {0}: {1}", code, meaning);
            return;
        }

        string reason = "Alpaca market data error " + code.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + meaning;
        if (Interlocked.Exchange(ref _halting, 1) == 0)
        {
            _connection.Halt(reason); // stopped first, then announced: whoever sees the reason sees a stopped link
            Volatile.Write(ref _needsAttention, reason);
            AttentionNeeded?.Invoke(reason);
        }
    }

    public void Dispose() => _connection.Dispose();
}
