using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NLog;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Routing;
using Orchestrator.Agents.State;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Display;
using Orchestrator.Daemon.Metrics;
using Orchestrator.Daemon.Orchestration;

namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// The daemon's MCP tools. Reads go through <see cref="TradingQueries"/> (the control API's own),
/// indicators and backtests through the agent router (data_agent, service_agent, which check
/// their parameters), messages to any agent (built-in or external) through the router as the control
/// API's <c>POST /api/agents/message</c> sends them, signals through the agents' <see cref="ISignalPublisher"/> (its checks are
/// the agents' and the gateway's), the kill switch through the engine command the control API sends.
/// </summary>
public static class OrchestratorMcpTools
{
    /// <summary>Where MCP signals say they come from (audit log, recent signals).</summary>
    public const string SignalSource = "mcp";

    /// <summary>run_backtest: at most this many symbols.</summary>
    public const int MaxBacktestSymbols = 10;

    /// <summary>run_backtest: at most this many days from start_date to end_date.</summary>
    public const int MaxBacktestDays = 3_660;

    private const int MaxReasonLength = SignalLimits.MaxReasonLength;
    private const int MaxIdLength = SignalLimits.MaxIdLength;
    private const int MaxAgentNameLength = 64;

    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Mcp");

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>get_backtest_report: trades in the answer unless asked for fewer or more.</summary>
    public const int DefaultReportTrades = 100;

    /// <summary>get_backtest_report: at most this many trades in one answer.</summary>
    public const int MaxReportTrades = 10_000;

    /// <summary>
    /// The tools <paramref name="config"/> exposes: those listed, the trading ones only with
    /// trading_tools_enabled, <c>ask_orchestrator</c> only when there is an orchestrator agent.
    /// </summary>
    public static IReadOnlyList<McpTool> Select(McpConfig config, McpToolContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return [.. All(context).Where(t => config.Tools.Contains(t.Name) && (!McpTools.Trading.Contains(t.Name) || config.TradingToolsEnabled)
            && (t.Name != AskOrchestratorTool || context.Orchestrator is not null))];
    }

    /// <summary>
    /// The orchestrator agent's tools, on <paramref name="context"/> (whose signal source is the
    /// agent's name): every read-only tool, and each trading tool exactly when MCP exposes it
    /// (<see cref="Select"/>'s rule: listed and trading_tools_enabled); never ask_orchestrator itself.
    /// </summary>
    public static IReadOnlyList<McpTool> ForOrchestrator(McpConfig config, McpToolContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return [.. All(context with { Orchestrator = null }).Where(t => t.Name != AskOrchestratorTool
            && (!McpTools.Trading.Contains(t.Name) || (config.TradingToolsEnabled && config.Tools.Contains(t.Name))))];
    }

    /// <summary>The tool that hands a task to the orchestrator agent.</summary>
    public const string AskOrchestratorTool = "ask_orchestrator";

    /// <summary>Every tool the daemon knows, in the order of <see cref="McpTools"/>.</summary>
    public static IReadOnlyList<McpTool> All(McpToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return
        [
            new("get_portfolio",
                "The trading account now: cash, equity, starting cash, day P&L (since the trading day started), total P&L (since the session started), realized and unrealized P&L, commission paid. Money as exact decimal numbers in the account currency.",
                Schema("{}", []), true, (args, _) => Answer(args, () => TradingQueries.Portfolio(context.Session))),
            new("get_positions",
                "Every symbol with a position or realized P&L this session: quantity (negative = short), average cost, last price, unrealized and realized P&L.",
                Schema("{}", []), true, (args, _) => Answer(args, () => TradingQueries.Positions(context.Session))),
            new("get_open_orders",
                "Orders still working at the broker: client order id, symbol, side, type, status, quantity, filled quantity, limit price.",
                Schema("{}", []), true, (args, _) => Answer(args, () => TradingQueries.OpenOrders(context.Session.Engine))),
            new("get_recent_signals",
                "The latest trade signals (built-in rules, agents, MCP, protective stops), newest first, with their fate: pending, executed (an order went out), filled, or rejected with the risk manager's or broker's reason.",
                Schema("""{"limit":{"type":"integer","minimum":1,"maximum":32,"description":"How many, newest first (default 10)."}}""", []), true,
                (args, _) => RecentSignals(args, context)),
            new("get_system_status",
                "Is the daemon healthy? Engine state (running or halted), kill switch, counters (events, orders, fills, rejects, open orders), and the health of the engine, market data feeds, broker and each agent (healthy, degraded, unhealthy, with detail).",
                Schema("{}", []), true, (args, _) => Answer(args, () => SystemStatus(context))),
            new("get_technical_indicators",
                "Technical indicators for one symbol over the bars the data agent builds from the live feed: rsi, macd (line, signal, histogram), ema, sma, bollinger (upper, middle, lower), atr. An indicator without enough bars yet is null.",
                Schema("""
                    {"symbol":{"type":"string","description":"A symbol this daemon trades, e.g. AAPL."},
                     "indicators":{"type":"array","items":{"type":"string"},"description":"Which ones: rsi, macd, ema, sma, bollinger, atr, in any case (default: all)."},
                     "period":{"type":"integer","minimum":2,"maximum":500,"description":"Period of rsi, ema, sma, bollinger and atr (default 14)."},
                     "bars":{"type":"integer","minimum":1,"maximum":1000,"description":"How many of the latest closed bars to compute over (default: all kept, at most 1000)."}}
                    """, ["symbol"]), true,
                (args, ct) => Indicators(args, context, ct)),
            new("run_backtest",
                "Backtests a strategy on the daemon's historical bars file with the live engine's code and risk settings, and returns the summary: total return, Sharpe, max drawdown, trade count, win rate and more, with a report_id. The full report (every trade) is service_agent's get_backtest_report {\"report_id\": ...} (agent message). Takes seconds for a few months of minute bars.",
                Schema($$$"""
                    {"strategy":{"type":"string","description":"momentum, rsi_reversion, or rules (both); any case, with or without a _strategy suffix (momentum_strategy)."},
                     "symbols":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":{{{MaxBacktestSymbols}}},"description":"Symbols in the bars file."},
                     "start_date":{"type":"string","format":"date","description":"First day, yyyy-MM-dd."},
                     "end_date":{"type":"string","format":"date","description":"Last day, yyyy-MM-dd (at most {{{MaxBacktestDays}}} days after start_date)."}}
                    """, ["strategy", "symbols", "start_date", "end_date"]), true,
                (args, ct) => Backtest(args, context, ct)),
            new("get_backtest_report",
                "The full report of a backtest run_backtest made, by its report_id: the summary figures and the trades (the first max_trades of them, with trades_total and trades_omitted). Only the last few backtests' reports are kept.",
                Schema($$$"""
                    {"report_id":{"type":"string","maxLength":64,"description":"The report_id run_backtest answered with."},
                     "max_trades":{"type":"integer","minimum":0,"maximum":{{{MaxReportTrades}}},"description":"Most trades in the answer (default {{{DefaultReportTrades}}})."}}
                    """, ["report_id"]), true,
                (args, ct) => BacktestReport(args, context, ct)),
            new(AskOrchestratorTool,
                "Gives a task in plain words to the daemon's orchestrator agent (an LLM with this daemon's tools: positions, orders, account, indicators, backtests; signals and agent messages only when this MCP server's trading tools are enabled) and answers what it found, with the steps, tokens and tool calls it took. Bounded by the agent's step limit and token budget.",
                Schema($$$"""
                    {"task":{"type":"string","maxLength":{{{OrchestratorAgent.MaxTaskLength}}},"description":"What to do or find out, e.g. \"what is our exposure to semis?\"."}}
                    """, ["task"]), !(context.TradingToolsEnabled && context.Orchestrator?.CanTrade == true),
                (args, ct) => AskOrchestrator(args, context, ct)),
            new("submit_signal",
                "Proposes a trade to the engine, with optional protective exits (take-profit, stop-loss, trailing stop: the engine or the venue holds them as an order group with the entry), or amends/cancels an open order by its order_id (action amend|cancel; side and confidence are then not needed). The signal is checked (known symbol, side, confidence 0..1, prices, order type, exits on the right side of the entry), then the risk manager decides like for any signal (kill switch, loss and position limits, price collar...) and sizing picks the quantity (at most the quantity given). Answers accepted with the ring sequence and the signal_id the audit trail carries, or why it was refused; follow its fate with get_recent_signals.",
                Schema($$$"""
                    {"symbol":{"type":"string","description":"A symbol this daemon trades."},
                     "side":{"type":"string","enum":["BUY","SELL"]},
                     "confidence":{"type":"number","minimum":0,"maximum":1,"description":"How sure, 0..1."},
                     "order_type":{"type":"string","enum":["market","limit","stop","stop_limit","trailing_stop"],"description":"Any case. Omitted: limit when a limit price is given, else market (a stop price alone: stop). trailing_stop needs trail_price or trail_percent."},
                     "limit_price":{"type":"number","minimum":0,"description":"Limit price (limit and stop_limit orders); omit or 0 for none."},
                     "price":{"type":"number","minimum":0,"description":"Alias of limit_price (give one of them)."},
                     "stop_price":{"type":"number","minimum":0,"description":"Stop (trigger) price (stop and stop_limit orders); omit or 0 for none."},
                     "tif":{"type":"string","enum":["day","gtc","ioc","fok","opg","cls"],"description":"Time in force, any case; default day. opg/cls: the opening/closing auction, where the venue has one."},
                     "quantity":{"type":"number","exclusiveMinimum":0,"description":"The most shares to trade: whole shares, or a fraction with at most the symbol's quantity_decimals; omitted: sizing decides. Sizing and risk still cap it. For amend: the new total quantity."},
                     "take_profit":{"type":"number","minimum":0,"description":"Take-profit limit price: above the entry for a buy, below for a sell. Not with take_profit_pct."},
                     "take_profit_pct":{"type":"number","minimum":0,"maximum":1000,"description":"Take-profit as a percent from the entry's average fill price (2.5 = 2.5 %)."},
                     "stop_loss":{"type":"number","minimum":0,"description":"Stop-loss trigger price: below the entry for a buy, above for a sell. Not with stop_loss_pct."},
                     "stop_loss_pct":{"type":"number","minimum":0,"exclusiveMaximum":100,"description":"Stop-loss as a percent from the entry's average fill price."},
                     "trail_price":{"type":"number","minimum":0,"description":"Trailing stop distance as a price amount (the order's own for trailing_stop, else a trailing exit). Not with trail_percent."},
                     "trail_percent":{"type":"number","minimum":0,"exclusiveMaximum":100,"description":"Trailing stop distance as a percent of the best price since entry."},
                     "action":{"type":"string","enum":["new","amend","cancel"],"description":"new (default); amend changes limit_price, stop_price and/or quantity of the open order order_id; cancel cancels it."},
                     "order_id":{"type":["string","integer"],"description":"For amend and cancel: the engine's order id (get_open_orders, or the order_id a gateway answer gave)."},
                     "reason":{"type":"string","maxLength":{{{MaxReasonLength}}},"description":"Why, in words (logged with the signal)."},
                     "id":{"type":"string","maxLength":{{{MaxIdLength}}},"description":"Your own reference, echoed back and logged."}}
                    """, ["symbol"]), false,
                (args, _) => SubmitSignal(args, context)),
            new("send_agent_message",
                "Sends a message to any agent by name through the Agent Router, exactly as POST /api/agents/message does: the built-in agents (data_agent, strategy_agent, service_agent) and connected external agents, which get it as a request line and answer with their response line. Answers the agent's result, or a clear error: unknown agent or unknown method (listing the agents or methods there are), unavailable (an external agent that is disconnected), timeout, or the agent's own failure. get_system_status lists the agents; an agent's method may act (an external agent may trade), hence a trading tool.",
                Schema($$$"""
                    {"agent":{"type":"string","maxLength":{{{MaxAgentNameLength}}},"description":"The agent's name, e.g. data_agent or an external agent's hello name."},
                     "method":{"type":"string","maxLength":{{{MaxAgentNameLength}}},"description":"One of the agent's methods."},
                     "params":{"type":"object","description":"The method's parameters (default {}); the agent checks them."}}
                    """, ["agent", "method"]), false,
                (args, ct) => SendAgentMessage(args, context, ct)),
            new("engage_kill_switch",
                "Stops all trading now: the risk manager refuses every new order until an operator releases it. With flatten, open orders are canceled and positions closed too. Use when something is wrong.",
                Schema($$$"""
                    {"reason":{"type":"string","maxLength":{{{MaxReasonLength}}},"description":"Why (logged and alerted)."},
                     "flatten":{"type":"boolean","description":"Also cancel open orders and close positions (default false)."}}
                    """, ["reason"]), false,
                (args, ct) => EngageKillSwitch(args, context, ct)),
        ];
    }

    private static JsonElement Schema(string properties, string[] required)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = JsonNode.Parse(properties),
            ["additionalProperties"] = false,
        };
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray([.. required.Select(r => JsonValue.Create(r))]);
        }

        return JsonSerializer.SerializeToElement(schema);
    }

    private static Task<JsonNode?> Answer<T>(McpArguments args, Func<T> read)
    {
        args.AllowOnly();
        return Task.FromResult(JsonSerializer.SerializeToNode(read(), s_json));
    }

    private static Task<JsonNode?> RecentSignals(McpArguments args, McpToolContext context)
    {
        args.AllowOnly("limit");
        int limit = args.Int("limit", 10, 1, 32);
        Engine.TradingEngine engine = context.Session.Engine;
        var list = new JsonArray();
        foreach (SignalView s in context.Signals.Copy(engine.Symbols, engine.Sources).Take(limit))
        {
            list.Add(new JsonObject
            {
                ["time"] = DateTimeOffset.UnixEpoch.AddTicks(s.TsEventNs / 100).ToString("o", CultureInfo.InvariantCulture),
                ["symbol"] = s.Symbol,
                ["side"] = s.Side,
                ["source"] = s.Source,
                ["confidence"] = s.Confidence,
                ["fate"] = s.Fate.ToString().ToLowerInvariant(),
                ["detail"] = s.Detail,
            });
        }

        return Task.FromResult<JsonNode?>(new JsonObject { ["signals"] = list });
    }

    private static JsonObject SystemStatus(McpToolContext context)
    {
        var status = JsonSerializer.SerializeToNode(TradingQueries.Status(context.Session), s_json)!.AsObject();
        status["feed_failed"] = context.Session.FeedFailed;
        status["health"] = JsonSerializer.SerializeToNode(ObservabilityEndpoints.HealthJson(TradingQueries.Health(context.Session, context.Agents?.Health), context.Agents?.Health), s_json);
        status["agents"] = context.Agents is null
            ? null
            : new JsonArray([.. context.Agents.Router.Agents.Select(a => (JsonNode)new JsonObject { ["name"] = a.Name, ["last_heartbeat"] = a.LastHeartbeat })]);
        return status;
    }

    private static Task<JsonNode?> Indicators(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("symbol", "indicators", "period", "bars");
        var parameters = new JsonObject { ["symbols"] = new JsonArray(args.RequiredString("symbol", 32).ToUpperInvariant()) };
        foreach (string name in new[] { "indicators", "period", "bars" })
        {
            if (args.Raw(name) is { } value)
            {
                parameters[name] = JsonNode.Parse(value.GetRawText()); // data_agent checks them, as for every caller
            }
        }

        return AskAgentAsync(context, DataAgent.AgentName, "get_technical_indicators", JsonSerializer.SerializeToElement(parameters), cancellationToken);
    }

    private static Task<JsonNode?> Backtest(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("strategy", "symbols", "start_date", "end_date");
        string start = args.RequiredString("start_date", 10);
        string end = args.RequiredString("end_date", 10);
        if (DateOnly.TryParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly from)
            && DateOnly.TryParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly to)
            && to.DayNumber - from.DayNumber > MaxBacktestDays)
        {
            throw new McpToolException($"end_date: at most {MaxBacktestDays} days after start_date");
        }

        if (args.Raw("symbols") is { ValueKind: JsonValueKind.Array } symbols && symbols.GetArrayLength() > MaxBacktestSymbols)
        {
            throw new McpToolException($"symbols: at most {MaxBacktestSymbols}");
        }

        var parameters = new JsonObject
        {
            ["strategy"] = args.RequiredString("strategy", 32),
            ["symbols"] = args.Raw("symbols") is { } list ? JsonNode.Parse(list.GetRawText()) : throw new McpToolException("symbols: required, a list of symbols"),
            ["start_date"] = start,
            ["end_date"] = end,
        };
        return AskAgentAsync(context, ServiceAgent.AgentName, "run_backtest", JsonSerializer.SerializeToElement(parameters), cancellationToken);
    }

    /// <summary>get_backtest_report: service_agent's full report, its trades cut to max_trades (a model reads the answer: 200 KB of trades would be its whole budget).</summary>
    private static async Task<JsonNode?> BacktestReport(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("report_id", "max_trades");
        string id = args.RequiredString("report_id", 64);
        int maxTrades = args.Int("max_trades", DefaultReportTrades, 0, MaxReportTrades);
        JsonNode? report = await AskAgentAsync(context, ServiceAgent.AgentName, "get_backtest_report", JsonSerializer.SerializeToElement(new JsonObject { ["report_id"] = id }), cancellationToken).ConfigureAwait(false);
        if (report is JsonObject full && full[ServiceAgent.TradesMember] is JsonArray trades)
        {
            int total = trades.Count;
            var kept = new JsonArray([.. trades.Take(maxTrades).Select(t => t?.DeepClone())]);
            full[ServiceAgent.TradesMember] = kept;
            full["trades_total"] = total;
            full["trades_omitted"] = total - kept.Count;
        }

        return report;
    }

    /// <summary>ask_orchestrator: the task runs with trading tools only when this MCP client has them itself.</summary>
    private static async Task<JsonNode?> AskOrchestrator(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("task");
        OrchestratorAgent agent = context.Orchestrator ?? throw new McpToolException(OrchestratorAgent.NotConfigured);
        string task = args.RequiredString("task", OrchestratorAgent.MaxTaskLength);
        OrchestratorAnswer? answer = await agent.AskAsync(task, allowTrading: context.TradingToolsEnabled, cancellationToken).ConfigureAwait(false);
        return answer?.ToJson() ?? throw new McpToolException(OrchestratorAgent.BusyMessage);
    }

    /// <summary>send_agent_message: any agent, any of its methods, through the router (the control API's own path and errors).</summary>
    private static Task<JsonNode?> SendAgentMessage(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("agent", "method", "params");
        string agent = args.RequiredString("agent", MaxAgentNameLength);
        string method = args.RequiredString("method", MaxAgentNameLength);
        JsonElement parameters = args.Raw("params") switch
        {
            null => JsonSerializer.SerializeToElement(new JsonObject()),
            { ValueKind: JsonValueKind.Object } given => given,
            { } other => throw new McpToolException($"params: must be a JSON object, got {other.ValueKind.ToString().ToLowerInvariant()}"),
        };
        return AskAgentAsync(context, agent, method, parameters, cancellationToken);
    }

    private static async Task<JsonNode?> AskAgentAsync(McpToolContext context, string agent, string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        if (context.Agents is null)
        {
            throw new McpToolException($"{agent} is not running: the agents are turned off (daemon.yaml agents.enabled: false)");
        }

        AgentMessage message = new(agent, method, parameters);
        AgentResult result = await context.Agents.Router.SendAgentMessageAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Ok ? result.Result : throw new McpToolException($"{agent}.{method}: {result.ErrorCode}: {result.Error}");
    }

    private static Task<JsonNode?> SubmitSignal(McpArguments args, McpToolContext context)
    {
        args.AllowOnly(
            "symbol", "side", "confidence", "order_type", "limit_price", "price", "stop_price", "tif", "quantity", "reason", "id",
            "take_profit", "take_profit_pct", "stop_loss", "stop_loss_pct", "trail_price", "trail_percent", "action", "order_id");
        string symbol = args.RequiredString("symbol", 32).ToUpperInvariant();
        SignalAction action = args.OptionalString("action", 8) is { } actionText
            ? (SignalIntentRules.TryParseAction(actionText, out SignalAction parsedAction) ? parsedAction : throw new McpToolException(SignalIntentRules.ActionInvalidMessage))
            : SignalAction.New;
        bool newOrder = action == SignalAction.New; // an amend or cancel takes its side from the order
        string? sideText = newOrder ? args.RequiredString("side", 8) : args.OptionalString("side", 8);
        Side side = sideText?.ToUpperInvariant() switch
        {
            null => Side.None,
            "BUY" => Side.Buy,
            "SELL" => Side.Sell,
            string other => throw new McpToolException($"side: must be BUY or SELL, got '{other}'"),
        };
        decimal confidence = newOrder ? args.RequiredDecimal("confidence") : args.OptionalDecimal("confidence") ?? 0m;
        long orderId = args.Raw("order_id") switch
        {
            null => 0,
            { ValueKind: JsonValueKind.Number } number => number.TryGetInt64(out long n) && n is > 0 and <= SignalIntentRules.MaxOrderId ? n : throw new McpToolException(SignalIntentRules.OrderIdInvalidMessage),
            { ValueKind: JsonValueKind.String } text => SignalIntentRules.TryParseOrderId(text.GetString(), out long parsed) ? parsed : throw new McpToolException(SignalIntentRules.OrderIdInvalidMessage),
            _ => throw new McpToolException(SignalIntentRules.OrderIdInvalidMessage),
        };
        decimal? limitPrice = args.OptionalDecimal("limit_price");
        decimal? aliasPrice = args.OptionalDecimal("price");
        if (limitPrice is not null && aliasPrice is not null)
        {
            throw new McpToolException(SignalIntentRules.Message(SignalIntentProblem.PriceAndLimitPrice));
        }

        OrderType? orderType = args.OptionalString("order_type", 16) is { } typeText
            ? (SignalIntentRules.TryParseOrderType(typeText, out OrderType parsedType) ? parsedType : throw new McpToolException(SignalIntentRules.OrderTypeInvalidMessage))
            : null;
        TimeInForce tif = args.OptionalString("tif", 8) is { } tifText
            ? (SignalIntentRules.TryParseTif(tifText, out TimeInForce parsedTif) ? parsedTif : throw new McpToolException(SignalIntentRules.TifInvalidMessage))
            : TimeInForce.Day;
        decimal? quantity = args.OptionalDecimal("quantity");
        if (quantity is { } asked && !SignalIntentRules.IsValidQuantity(asked))
        {
            throw new McpToolException($"{SignalIntentRules.QuantityInvalidMessage}, got {asked.ToString(CultureInfo.InvariantCulture)}");
        }

        string reason = args.OptionalString("reason", MaxReasonLength) ?? (context.SignalSource == SignalSource ? "submitted over MCP" : "submitted by " + context.SignalSource);
        string? id = args.OptionalString("id", MaxIdLength);

        var signal = new AgentSignal(symbol, side, confidence, limitPrice ?? aliasPrice ?? 0m, reason, context.SignalSource)
        {
            OrderType = orderType,
            StopPrice = args.OptionalDecimal("stop_price") ?? 0m,
            Tif = tif,
            Quantity = quantity ?? 0m, // shares; the publisher converts it into the symbol's units (a fraction where it has quantity_decimals)
            Action = action,
            OrderId = orderId,
            TakeProfit = args.OptionalDecimal("take_profit") ?? 0m,
            TakeProfitPct = args.OptionalDecimal("take_profit_pct") ?? 0m,
            StopLoss = args.OptionalDecimal("stop_loss") ?? 0m,
            StopLossPct = args.OptionalDecimal("stop_loss_pct") ?? 0m,
            TrailPrice = args.OptionalDecimal("trail_price") ?? 0m,
            TrailPercent = args.OptionalDecimal("trail_percent") ?? 0m,
        };
        SignalPublishResult published = context.Publisher.Publish(signal);
        if (!published.Accepted)
        {
            throw new McpToolException("signal refused: " + published.Error);
        }

        return Task.FromResult<JsonNode?>(new JsonObject
        {
            ["accepted"] = true,
            ["sequence"] = published.Sequence,
            ["signal_id"] = published.SignalId,
            ["id"] = id,
            ["note"] = "published to the engine; the risk manager decides next (see get_recent_signals)",
        });
    }

    private static async Task<JsonNode?> EngageKillSwitch(McpArguments args, McpToolContext context, CancellationToken cancellationToken)
    {
        args.AllowOnly("reason", "flatten");
        string reason = args.RequiredString("reason", MaxReasonLength);
        bool flatten = args.Bool("flatten", false);
        s_logger.Warn("Kill switch requested over MCP{0}: {1}", flatten ? " (flatten)" : string.Empty, SignalLimits.EscapeUnsafe(reason));
        TradingQueries.EngageKillSwitch(context.Session, flatten);

        // The command goes through the ring; wait a little for the risk handler so the answer can say it took.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            while (!context.Session.Engine.Risk.KillSwitchEngaged)
            {
                await Task.Delay(5, bound.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // not yet applied after the bound: say so below
        }

        bool engaged = context.Session.Engine.Risk.KillSwitchEngaged;
        return new JsonObject { ["kill_switch"] = engaged ? "engaged" : "engaging", ["flatten"] = flatten, ["reason"] = reason };
    }
}
