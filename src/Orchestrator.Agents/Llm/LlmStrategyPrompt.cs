using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Orchestrator.Agents.Strategy;
using Orchestrator.Core;
using Orchestrator.Strategies;
using MarketBar = Orchestrator.Agents.Market.Bar;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// The prompt of one <see cref="LlmStrategy"/> call. The system message is the strategy agent's
/// (<see cref="LlmPrompt.SystemMessage"/>: the user's prompt or the built-in one, then the answer
/// format); the user message is the context as one JSON object:
/// <list type="bullet">
/// <item><c>event_time</c> (UTC) and <c>event_time_ns</c>: the moment of the call, in event time;
/// <c>schedule</c>: why it runs now.</item>
/// <item><c>risk_limits</c>: the limits in force, as the daemon describes them (a JSON object given as text is
/// shown as that object; other text as a string; absent when none given).</item>
/// <item><c>account</c>: cash and equity.</item>
/// <item><c>pnl</c>: per symbol the strategy's own position, average cost, last price, realized and
/// unrealized P&amp;L (from its own fills), and their totals.</item>
/// <item><c>recent_fills</c>: its last fills; <c>previous_signals</c>: its last signals (and amends and
/// cancels), what the engine decided (accepted, rejected and why, refused) and what became of the order
/// (filled, canceled, …); <c>open_orders</c>: its orders still working, each with the <c>order_id</c> an
/// answer's amend or cancel names (issue 19).</item>
/// <item><c>symbols</c>: per symbol the bar still forming, then the last <c>bars_in_prompt</c> closed
/// bars and the indicators over every closed bar it holds (<see cref="LlmPrompt.SymbolContext"/>, the
/// strategy agent's definition).</item>
/// </list>
/// Money is written from decimals; prices as the engine's fixed point gives them. The built-in
/// <c>strategy_agent</c>'s prompt (<see cref="LlmPrompt.Build"/>) is made of the same parts (<see cref="Head"/>,
/// <see cref="AddHistory"/>, <see cref="Symbols"/>), with the account's positions and open orders instead of
/// its own P&amp;L and open orders (it trades the account's book and does not amend or cancel).
/// </summary>
internal static class LlmStrategyPrompt
{
    private static readonly JsonSerializerOptions s_compact = new() { WriteIndented = false };

    public static List<ChatMessage> Build(LlmStrategy strategy, string? riskLimits)
    {
        LlmStrategyOptions options = strategy.Options;
        IStrategyContext context = strategy.Context;
        IReadOnlyList<LlmSymbolState> symbols = strategy.SymbolStates;
        string system = LlmPrompt.SystemMessage(options.SystemPrompt, [.. symbols.Select(s => s.Symbol)], options.MaxSignals, allowActions: true);
        JsonObject root = Head(context.EventTimeNs, strategy.Schedule.ToString(), riskLimits);
        root["account"] = new JsonObject
        {
            ["cash"] = FixedPoint.ToDecimal(context.CashRaw),
            ["equity"] = FixedPoint.ToDecimal(context.EquityRaw),
        };
        root["pnl"] = Pnl(context, symbols);
        AddHistory(root, strategy.History, openOrders: true);
        TimeSpan barLength = TimeSpan.FromTicks(strategy.Schedule.BarLength.DurationNs / 100);
        root["symbols"] = Symbols([.. symbols.Select(s => (s.Symbol, s.History, s.Forming))], options.BarsInPrompt, barLength);
        return Messages(system, root);
    }

    /// <summary>The system message and the context as the user message.</summary>
    public static List<ChatMessage> Messages(string system, JsonObject context) =>
    [
        new ChatMessage(ChatRole.System, system),
        new ChatMessage(ChatRole.User, "Context:\n" + context.ToJsonString(s_compact)),
    ];

    /// <summary>The context's start: <c>event_time</c>, <c>event_time_ns</c>, <c>schedule</c> (when given) and <c>risk_limits</c> (when given).</summary>
    public static JsonObject Head(long eventTimeNs, string? schedule, string? riskLimits)
    {
        var root = new JsonObject
        {
            ["event_time"] = Time(eventTimeNs),
            ["event_time_ns"] = eventTimeNs,
        };
        if (schedule is not null)
        {
            root["schedule"] = schedule;
        }

        if (!string.IsNullOrWhiteSpace(riskLimits))
        {
            root["risk_limits"] = JsonObjectOrText(riskLimits);
        }

        return root;
    }

    /// <summary>Its own <c>recent_fills</c>, <c>previous_signals</c> and what became of them, and (with <paramref name="openOrders"/>) its <c>open_orders</c> by id.</summary>
    public static void AddHistory(JsonObject root, LlmSignalHistory history, bool openOrders)
    {
        root["recent_fills"] = new JsonArray([.. history.Fills.Select(f => (JsonNode)new JsonObject
        {
            ["time"] = Time(f.EventTimeNs),
            ["symbol"] = f.Symbol,
            ["side"] = Side(f.Side),
            ["quantity"] = f.Quantity,
            ["price"] = f.Price,
            ["commission"] = f.Commission,
        })]);
        root["previous_signals"] = new JsonArray([.. history.Signals.Select(Signal)]);
        if (openOrders)
        {
            root["open_orders"] = new JsonArray([.. history.OpenOrders.Select(OpenOrder)]);
        }
    }

    /// <summary>Per symbol the bar still forming (null when none), the last <paramref name="barsInPrompt"/> closed bars and the indicators over them (<see cref="LlmPrompt.SymbolContext"/>).</summary>
    public static JsonObject Symbols(IReadOnlyList<(string Symbol, IReadOnlyList<MarketBar> Closed, MarketBar? Forming)> symbols, int barsInPrompt, TimeSpan barLength)
    {
        var market = new JsonObject();
        foreach ((string name, IReadOnlyList<MarketBar> closed, MarketBar? forming) in symbols)
        {
            JsonObject part = LlmPrompt.SymbolContext(closed, barsInPrompt, barLength);
            part["forming_bar"] = forming is { } bar ? Bar(bar) : null;
            market[name] = part;
        }

        return market;
    }

    private static JsonObject Pnl(IStrategyContext context, IReadOnlyList<LlmSymbolState> symbols)
    {
        var positions = new JsonArray();
        decimal realized = 0m, unrealized = 0m;
        foreach (LlmSymbolState symbol in symbols)
        {
            decimal last = FixedPoint.ToDecimal(context.LastPriceRaw(symbol.SymbolId));
            decimal open = symbol.UnrealizedPnl(last);
            realized += symbol.RealizedPnl;
            unrealized += open;
            positions.Add(new JsonObject
            {
                ["symbol"] = symbol.Symbol,
                ["position"] = symbol.Position,
                ["average_cost"] = symbol.AverageCost,
                ["last_price"] = last,
                ["realized_pnl"] = symbol.RealizedPnl,
                ["unrealized_pnl"] = open,
            });
        }

        return new JsonObject { ["realized"] = realized, ["unrealized"] = unrealized, ["positions"] = positions };
    }

    /// <summary>One of its working orders, by the id an amend or cancel names (issue 19).</summary>
    private static JsonNode OpenOrder(LlmSignalRecord record)
    {
        ProposedSignal p = record.Proposed;
        var node = new JsonObject
        {
            ["order_id"] = record.OrderId,
            ["symbol"] = p.Symbol,
            ["side"] = Side(p.Side),
            ["order_type"] = SignalIntentRules.OrderTypeName(record.OrderType),
        };
        AddPrices(node, record);

        node["filled_quantity"] = record.FilledQuantity;
        node["status"] = record.Order;
        return node;
    }

    /// <summary>The order's limit and stop prices, each only when it has one.</summary>
    private static void AddPrices(JsonObject node, LlmSignalRecord record)
    {
        if (record.LimitPrice > 0)
        {
            node["limit_price"] = record.LimitPrice;
        }

        if (record.StopPrice > 0)
        {
            node["stop_price"] = record.StopPrice;
        }
    }

    private static JsonNode Signal(LlmSignalRecord record)
    {
        ProposedSignal p = record.Proposed;
        if (p.Action != SignalAction.New)
        {
            var action = new JsonObject
            {
                ["time"] = Time(record.EventTimeNs),
                ["symbol"] = p.Symbol,
                ["action"] = SignalIntentRules.ActionName(p.Action),
                ["order_id"] = p.OrderId,
            };
            AddPrices(action, record);

            if (p.Quantity > 0)
            {
                action["quantity"] = p.Quantity;
            }

            action["reason"] = p.Reason;
            action["decision"] = record.Decision;
            return action;
        }

        var node = new JsonObject
        {
            ["time"] = Time(record.EventTimeNs),
            ["symbol"] = p.Symbol,
            ["side"] = Side(p.Side),
            ["order_type"] = SignalIntentRules.OrderTypeName(record.OrderType),
        };
        AddPrices(node, record);

        node["time_in_force"] = SignalIntentRules.TifName(p.Tif);
        if (p.Quantity > 0)
        {
            node["quantity"] = p.Quantity;
        }

        node["confidence"] = p.Confidence;
        node["reason"] = p.Reason;
        node["decision"] = record.Decision;
        node["order"] = record.Order;
        if (record.FilledQuantity > 0)
        {
            node["filled_quantity"] = record.FilledQuantity;
            node["average_fill_price"] = record.AveragePrice;
        }

        return node;
    }

    private static JsonObject Bar(MarketBar bar) => new()
    {
        ["start_utc"] = bar.StartUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["open"] = bar.Open,
        ["high"] = bar.High,
        ["low"] = bar.Low,
        ["close"] = bar.Close,
        ["volume"] = bar.Volume,
    };

    private static JsonNode JsonObjectOrText(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? (JsonNode)JsonValue.Create(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static string Side(Side side) => side == Core.Side.Buy ? "BUY" : "SELL";

    private static string Time(long ns) =>
        DateTimeOffset.UnixEpoch.AddTicks(ns / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
