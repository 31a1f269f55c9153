using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Market;
using Orchestrator.Agents.State;
using Orchestrator.Engine.Indicators;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// The prompt for one model call: a system message with the task — the user's own prompt
/// (<see cref="LlmStrategyOptions.SystemPrompt"/>) or the built-in one — followed by the exact answer
/// format (<see cref="AnswerFormat"/>), and a user message with the context as JSON, built from the
/// parts the <c>role: strategy</c> agents' prompt uses (<see cref="LlmStrategyPrompt"/>, issue 18): the event
/// time, the risk limits in force, the account (cash, equity, kill switch) and its P&amp;L, the agent's own
/// recent fills and previous signals with what became of them (<see cref="LlmSignalHistory"/>), the
/// account's positions and open orders from the engine's snapshot, and per symbol the bar still forming,
/// the last bars and a few indicator values computed with the engine's <see cref="IndicatorSet"/> — over
/// closed bars only, every one the store holds: the definition <c>data_agent</c> answers with by default,
/// so both give the same RSI for the same moment.
/// </summary>
internal static class LlmPrompt
{
    /// <summary>The task when the user gave no prompt of their own.</summary>
    public const string BuiltInTask = "You are the strategy agent of an automated trading system. From the market context you are given, propose trade signals.";

    /// <summary>The prompt of <c>strategy_agent</c> at event time <paramref name="eventTimeNs"/>; <paramref name="riskLimits"/> as <see cref="LlmStrategyPrompt.Head"/> shows them (null = none).</summary>
    public static List<ChatMessage> Build(IReadOnlyList<string> symbols, BarStore bars, TradingSnapshot snapshot, LlmStrategyOptions options, long eventTimeNs, string? riskLimits, LlmSignalHistory history) =>
        LlmStrategyPrompt.Messages(SystemMessage(options.SystemPrompt, symbols, options.MaxSignals), Context(symbols, bars, snapshot, options.BarsInPrompt, eventTimeNs, riskLimits, history));

    /// <summary>The system message: <paramref name="userPrompt"/> (or <see cref="BuiltInTask"/>), then <see cref="AnswerFormat"/>.</summary>
    public static string SystemMessage(string? userPrompt, IReadOnlyList<string> symbols, int maxSignals, bool allowActions = false) =>
        (string.IsNullOrWhiteSpace(userPrompt) ? BuiltInTask : userPrompt.Trim()) + "\n\n" + AnswerFormat(symbols, maxSignals, allowActions);

    /// <summary>
    /// The answer-format contract <see cref="LlmSignalParser"/> enforces, in words for the model; with
    /// <paramref name="allowActions"/> also the amend and cancel of its own open orders (issue 19).
    /// </summary>
    public static string AnswerFormat(IReadOnlyList<string> symbols, int maxSignals, bool allowActions = false) =>
        NewOrderFormat(symbols, maxSignals) + (allowActions ? "\n" + ActionFormat : string.Empty);

    /// <summary>The rule line for amends and cancels: an item that names one of its open orders by id.</summary>
    private const string ActionFormat = """
        To change or withdraw one of your own open orders (listed in "open_orders" with its "order_id"), give an item
        {"symbol":"AAPL","action":"amend","order_id":1234567890123456789,"limit_price":101.5,"reason":"one sentence"}
        with "action" "amend" (new "limit_price", "stop_price" and/or "quantity", the new total including what is filled; nothing else)
        or "action" "cancel" (only "symbol", "action", "order_id", "reason"). "order_id" is the number exactly as listed.
        """;

    private static string NewOrderFormat(IReadOnlyList<string> symbols, int maxSignals) => string.Create(CultureInfo.InvariantCulture, $$"""
        Answer with one JSON object and nothing else (no prose, no code fences), exactly of this form:
        {"signals":[{"symbol":"AAPL","side":"BUY","confidence":0.7,"reason":"one sentence"}]}
        Rules:
        - "symbol": one of {{string.Join(", ", symbols)}} (exactly as written).
        - "side": "BUY" or "SELL".
        - "confidence": a number from 0 to 1.
        - "reason": one short sentence, at most {{LlmSignalParser.MaxReasonLength}} characters, on one line.
        - Optional, the order: "order_type": "market", "limit", "stop", "stop_limit" or "trailing_stop"; "limit_price" (limit and stop_limit only) and "stop_price" (stop and stop_limit only): numbers above 0 with at most 6 decimals; "time_in_force": "day" (the default), "gtc", "ioc", "fok", "opg" (opening auction) or "cls" (closing auction); "quantity": a whole number of shares, the most you want (position sizing may give fewer). Without order_type and prices the order is a limit at the last close.
        - Optional, protective exits placed with the entry (one cancels the other): "take_profit" (a price: above the entry for a BUY, below for a SELL) or "take_profit_pct" (percent from the entry's fill price); "stop_loss" (a price: below the entry for a BUY, above for a SELL) or "stop_loss_pct" (percent, below 100); "trail_price" or "trail_percent" (a trailing stop's distance; a "trailing_stop" order needs one). Give at most one of each pair.
        - No other fields. At most {{maxSignals}} signals, at most one per symbol.
        - When nothing is worth doing, answer {"signals":[]}.
        A risk manager checks every signal before any order is placed.
        """);

    private static JsonObject Context(IReadOnlyList<string> symbols, BarStore bars, TradingSnapshot snapshot, int barsInPrompt, long eventTimeNs, string? riskLimits, LlmSignalHistory history)
    {
        var positions = new JsonArray();
        decimal realized = 0m, unrealized = 0m;
        foreach (PositionView p in snapshot.Positions)
        {
            realized += p.RealizedPnl;
            unrealized += p.UnrealizedPnl;
            positions.Add(new JsonObject
            {
                ["symbol"] = p.Symbol,
                ["quantity"] = p.Quantity,
                ["average_cost"] = p.AverageCost,
                ["last_price"] = p.LastPrice,
                ["unrealized_pnl"] = p.UnrealizedPnl,
                ["realized_pnl"] = p.RealizedPnl,
            });
        }

        var orders = new JsonArray();
        foreach (OrderView o in snapshot.OpenOrders)
        {
            orders.Add(new JsonObject
            {
                ["symbol"] = o.Symbol,
                ["side"] = o.Side,
                ["quantity"] = o.Quantity,
                ["filled"] = o.Filled,
                ["limit_price"] = o.LimitPrice,
            });
        }

        var market = new List<(string, IReadOnlyList<Bar>, Bar?)>(symbols.Count);
        foreach (string symbol in symbols)
        {
            IReadOnlyList<Bar> newest = bars.GetBars(symbol, 1, includeForming: true); // before the closed bars: a bar closing in between is then not shown twice
            IReadOnlyList<Bar> closed = bars.GetBars(symbol, bars.CapacityPerSymbol);
            Bar? forming = newest.Count > 0 && (closed.Count == 0 || newest[^1].StartNs > closed[^1].StartNs) ? newest[^1] : null;
            market.Add((symbol, closed, forming));
        }

        JsonObject context = LlmStrategyPrompt.Head(eventTimeNs, schedule: null, riskLimits);
        context["account"] = new JsonObject
        {
            ["cash"] = snapshot.Cash,
            ["equity"] = snapshot.Equity,
            ["kill_switch_engaged"] = snapshot.KillSwitchEngaged,
        };
        context["pnl"] = new JsonObject { ["realized"] = realized, ["unrealized"] = unrealized }; // the account's: strategy_agent trades the account's book
        LlmStrategyPrompt.AddHistory(context, history, openOrders: false); // it does not amend or cancel: the account's open orders below
        context["positions"] = positions;
        context["open_orders"] = orders;
        context["symbols"] = LlmStrategyPrompt.Symbols(market, barsInPrompt, bars.BarLength);
        return context;
    }

    /// <summary>One symbol's part of the context: the last <paramref name="barsInPrompt"/> of <paramref name="history"/> (closed bars, oldest first) and indicators over all of it.</summary>
    public static JsonObject SymbolContext(IReadOnlyList<Bar> history, int barsInPrompt, TimeSpan barLength)
    {
        if (history.Count == 0)
        {
            return new JsonObject { ["bars"] = new JsonArray(), ["note"] = "no bars yet" };
        }

        var set = new IndicatorSet();
        foreach (Bar bar in history)
        {
            set.UpdateBar((double)bar.High, (double)bar.Low, (double)bar.Close);
        }

        var recent = new JsonArray();
        for (int i = Math.Max(0, history.Count - barsInPrompt); i < history.Count; i++)
        {
            Bar b = history[i];
            recent.Add(new JsonArray(b.StartUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), b.Open, b.High, b.Low, b.Close, b.Volume));
        }

        return new JsonObject
        {
            ["bar_seconds"] = (long)barLength.TotalSeconds,
            ["bars_columns"] = new JsonArray("start_utc", "open", "high", "low", "close", "volume"),
            ["bars"] = recent,
            ["indicators"] = new JsonObject
            {
                ["bars_used"] = history.Count,
                [Name("sma", set.Sma.Period)] = Ready(set.Sma.IsReady, set.Sma.Value),
                [Name("ema", set.EmaFast.Period)] = Ready(set.EmaFast.IsReady, set.EmaFast.Value),
                [Name("ema", set.EmaSlow.Period)] = Ready(set.EmaSlow.IsReady, set.EmaSlow.Value),
                [Name("rsi", set.Rsi.Period)] = Ready(set.Rsi.IsReady, set.Rsi.Value),
                ["macd_histogram"] = Ready(set.Macd.IsReady, set.Macd.Histogram),
                [Name("atr", set.Atr.Period)] = Ready(set.Atr.IsReady, set.Atr.Value),
                ["bollinger_percent_b"] = Ready(set.Bollinger.IsReady, set.Bollinger.PercentB),
            },
        };
    }

    private static string Name(string indicator, int period) => indicator + "_" + period.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value rounded for the prompt, or null while the indicator is still warming up.</summary>
    private static JsonValue? Ready(bool ready, double value) =>
        ready && double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : null;
}
