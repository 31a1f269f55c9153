using System.Globalization;
using Orchestrator.AgentClient;
using Orchestrator.AgentClient.Messages;

namespace Orchestrator.Examples.SmaAgent;

/// <summary>
/// For each symbol, a fast and a slow SMA of the bar closes: BUY when the fast crosses above the
/// slow (unless already long), SELL what it holds when it crosses below. The engine's risk manager
/// and sizing still decide every order; the agent only asks. Its own position comes from the
/// daemon's <c>position</c> messages (this agent's fills only).
/// </summary>
public sealed class SmaAgent
{
    private readonly AgentClient.AgentClient _client;
    private readonly Dictionary<string, SmaCrossover> _indicators;
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private readonly long _quantity;
    private readonly Action<string> _log;
    private long _bars;
    private long _fills;

    public SmaAgent(AgentClient.AgentClient client, IReadOnlyList<string> symbols, int fast, int slow, long quantity, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _indicators = symbols.ToDictionary(s => s, _ => new SmaCrossover(fast, slow), StringComparer.Ordinal);
        _quantity = quantity;
        _log = log;
        client.OnConnected = welcome => Log($"trading {string.Join(", ", welcome.Symbols)} on {string.Join(", ", welcome.Bars)} bars");
        client.OnBar = OnBarAsync;
        client.OnFill = fill => OnFill(fill);
        client.OnPosition = OnPosition;
        client.HandleRequest("get_state", (_, _) => ValueTask.FromResult<object?>(State()));
    }

    private ValueTask OnFill(Fill fill)
    {
        Interlocked.Increment(ref _fills);
        return Log($"fill {fill.FillSeq} {fill.Side} {fill.Quantity} {fill.Symbol} @ {fill.Price} (order {fill.OrderId}, signal {fill.SignalId}{(fill.Replay ? ", replayed" : "")})");
    }

    /// <summary>Fills received so far (replayed ones included).</summary>
    public long Fills => Interlocked.Read(ref _fills);

    public long Bars => Interlocked.Read(ref _bars);

    private async ValueTask OnBarAsync(Bar bar)
    {
        Interlocked.Increment(ref _bars);
        if (!_indicators.TryGetValue(bar.Symbol, out SmaCrossover? indicator))
        {
            return;
        }

        int crossed = indicator.Update(bar.Close);
        _log(string.Create(CultureInfo.InvariantCulture, $"bar {bar.Symbol} {bar.Timeframe} close {bar.Close} sma {indicator.FastAverage:0.0000}/{indicator.SlowAverage:0.0000}"));
        long held = _positions.GetValueOrDefault(bar.Symbol);
        if (crossed > 0 && held <= 0)
        {
            await SendAsync(bar.Symbol, SignalSide.Buy, _quantity, $"fast sma crossed above slow at {bar.Close}").ConfigureAwait(false);
        }
        else if (crossed < 0 && held > 0)
        {
            await SendAsync(bar.Symbol, SignalSide.Sell, held, $"fast sma crossed below slow at {bar.Close}").ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(string symbol, SignalSide side, long quantity, string reason)
    {
        SignalTicket ticket;
        try
        {
            ticket = await _client.SubmitSignalAsync(new AgentSignal { Symbol = symbol, Side = side, Confidence = 0.8, Quantity = quantity, Reason = reason }).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _log("signal not sent: " + ex.Message);
            return;
        }

        _log($"signal {ticket.Id} {(side == SignalSide.Buy ? "BUY" : "SELL")} {quantity} {symbol}: {reason}");
        _ = ticket.Outcome.ContinueWith(
            t => _log(t.IsCompletedSuccessfully
                ? $"signal {ticket.Id} {t.Result.Status} {t.Result.OrderId ?? t.Result.Reason ?? t.Result.Error}"
                : t.Exception?.InnerException?.Message ?? "signal " + ticket.Id + " canceled"),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    private ValueTask OnPosition(Position position)
    {
        _positions[position.Symbol] = position.Quantity;
        return Log($"position {position.Symbol} {position.Quantity} @ {position.AvgPrice} realized {position.RealizedPnl} unrealized {position.UnrealizedPnl}");
    }

    private Dictionary<string, object> State() => new(StringComparer.Ordinal)
    {
        ["bars"] = Bars,
        ["fills"] = Fills,
        ["last_fill_seq"] = _client.LastFillSeq,
        ["positions"] = new Dictionary<string, long>(_positions, StringComparer.Ordinal),
    };

    private ValueTask Log(string line)
    {
        _log(line);
        return ValueTask.CompletedTask;
    }
}
