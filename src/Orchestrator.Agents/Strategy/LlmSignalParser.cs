using System.Globalization;
using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Agents.Strategy;

/// <summary>
/// Reads a model's answer strictly: exactly one JSON object <c>{"signals":[...]}</c>, each item
/// exactly <c>symbol</c>, <c>side</c>, <c>confidence</c>, <c>reason</c> with the right types and
/// values, and optionally the order intent (<see cref="IntentMembers"/>: <c>order_type</c>,
/// <c>limit_price</c>, <c>stop_price</c>, <c>time_in_force</c>, <c>quantity</c>, checked by the same
/// rules as every other edge's, <see cref="SignalIntentRules"/>). Nothing is repaired or guessed: no
/// code fences stripped, no case folded, no strings read as numbers.
/// </summary>
/// <remarks>
/// A document that is not such an object (not JSON, trailing text, comments, another root, a
/// missing or extra top-level member, more than the allowed number of items) is refused whole
/// (<see cref="StrategyFailureKinds.MalformedJson"/>; too many items is
/// <see cref="StrategyFailureKinds.InvalidSignal"/>). Otherwise each item stands alone: a bad one
/// is refused and the good ones are kept. An item is refused when it is not an object, has a
/// missing, duplicated or unknown member, a symbol not among those asked about (exact match),
/// a side other than <c>"BUY"</c>/<c>"SELL"</c>, a confidence that is not a JSON number in
/// [0, 1], a reason that is empty, longer than <see cref="MaxReasonLength"/> or holds control
/// characters, or a symbol already given by an earlier item; or when its intent is bad: an order type
/// other than <c>"market"</c>, <c>"limit"</c>, <c>"stop"</c>, <c>"stop_limit"</c>, <c>"trailing_stop"</c>; a price that is not
/// a JSON number above 0 and at most 1,000,000,000 with at most 6 decimals; prices that do not fit the
/// order type; a time in force other than <c>"day"</c>, <c>"gtc"</c>, <c>"ioc"</c>, <c>"fok"</c>, <c>"opg"</c>, <c>"cls"</c>; a
/// quantity that is not a whole JSON number from 1 to 1,000,000,000; or when its exits are bad
/// (<c>take_profit</c>, <c>take_profit_pct</c>, <c>stop_loss</c>, <c>stop_loss_pct</c>, <c>trail_price</c>,
/// <c>trail_percent</c>: not numbers, out of range, both of a pair, on the wrong side of the entry's
/// price, a <c>trailing_stop</c> without a trail — <see cref="SignalIntentRules.CheckAll"/>). Order types
/// include <c>"trailing_stop"</c> and times in force <c>"opg"</c> and <c>"cls"</c> (issue 19).
/// <para>Where the caller allows actions (an LLM strategy, issue 19), an item may instead amend or cancel one
/// of the caller's own orders: <c>action</c> <c>"amend"</c> or <c>"cancel"</c> with <c>order_id</c> (a whole
/// JSON number above 0), <c>symbol</c> and <c>reason</c>, and for an amend at least one of
/// <c>limit_price</c>, <c>stop_price</c>, <c>quantity</c> (<see cref="ActionMembers"/>; no side, confidence,
/// order type, time in force or exits). At most one item per order id; a new order and an amend of the
/// same symbol may stand together.</para>
/// </remarks>
internal static class LlmSignalParser
{
    /// <summary>Longest reason accepted, in UTF-16 code units.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The optional members of an item that carry the order intent.</summary>
    public const string IntentMembers = "order_type, limit_price, stop_price, time_in_force, quantity, take_profit, take_profit_pct, stop_loss, stop_loss_pct, trail_price, trail_percent";

    /// <summary>The optional members of an item that carry its protective exits (issue 19), in <see cref="ProposedExits"/>'s order.</summary>
    private static readonly string[] s_exitMembers = ["take_profit", "take_profit_pct", "stop_loss", "stop_loss_pct", "trail_price", "trail_percent"];

    private const decimal MaxPrice = 1_000_000_000m;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    /// <summary>The members of an amend or cancel item (issue 19; only where <see cref="Parse"/> allows actions).</summary>
    public const string ActionMembers = "symbol, action, order_id, reason; for amend also limit_price, stop_price, quantity";

    /// <param name="content">The model's answer.</param>
    /// <param name="symbols">The symbols asked about (exact).</param>
    /// <param name="maxSignals">Most items taken.</param>
    /// <param name="allowActions">Whether items may amend or cancel the caller's own orders (<c>action</c>, <c>order_id</c>); otherwise those members are unknown.</param>
    public static LlmAnswer Parse(string? content, IReadOnlySet<string> symbols, int maxSignals, bool allowActions = false)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return Refuse(StrategyFailureKinds.MalformedJson, "the answer was empty");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, s_documentOptions);
        }
        catch (JsonException ex)
        {
            return Refuse(StrategyFailureKinds.MalformedJson, "not JSON: " + JsonErrorText.Of(ex)); // never the reader's message: it quotes the model's text
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refuse(StrategyFailureKinds.MalformedJson, "the answer must be a JSON object, was " + Describe(root.ValueKind));
            }

            JsonElement signals = default;
            int members = 0;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                members++;
                if (!property.NameEquals("signals") || members > 1)
                {
                    return Refuse(StrategyFailureKinds.MalformedJson, "the object must have exactly one member, \"signals\"; found \"" + Clip(property.Name, 40) + "\"");
                }

                signals = property.Value;
            }

            if (members == 0)
            {
                return Refuse(StrategyFailureKinds.MalformedJson, "\"signals\" is missing");
            }

            if (signals.ValueKind != JsonValueKind.Array)
            {
                return Refuse(StrategyFailureKinds.MalformedJson, "\"signals\" must be an array, was " + Describe(signals.ValueKind));
            }

            int count = signals.GetArrayLength();
            if (count > maxSignals)
            {
                return Refuse(StrategyFailureKinds.InvalidSignal, string.Create(CultureInfo.InvariantCulture, $"{count} signals, more than the {maxSignals} allowed; none taken"));
            }

            var accepted = new List<ProposedSignal>(count);
            var refused = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (JsonElement item in signals.EnumerateArray())
            {
                string? problem = TryRead(item, symbols, allowActions, out ProposedSignal? signal);
                if (problem is null && signal!.Action == SignalAction.New && !seen.Add(signal.Symbol))
                {
                    problem = "symbol: " + signal.Symbol + " was already given by an earlier signal";
                }
                else if (problem is null && signal!.Action != SignalAction.New && !seen.Add("order " + signal.OrderId.ToString(CultureInfo.InvariantCulture)))
                {
                    problem = "order_id: " + signal.OrderId.ToString(CultureInfo.InvariantCulture) + " was already named by an earlier signal";
                }

                if (problem is null)
                {
                    accepted.Add(signal!);
                }
                else
                {
                    refused.Add(string.Create(CultureInfo.InvariantCulture, $"signals[{index}]: {problem}"));
                }

                index++;
            }

            return new LlmAnswer(accepted, refused, null, null);
        }
    }

    private static string? TryRead(JsonElement item, IReadOnlySet<string> symbols, bool allowActions, out ProposedSignal? signal)
    {
        signal = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            return "must be an object, was " + Describe(item.ValueKind);
        }

        JsonElement symbol = default, side = default, confidence = default, reason = default;
        JsonElement orderType = default, limitPrice = default, stopPrice = default, tif = default, quantity = default;
        JsonElement action = default, orderId = default;
        bool hasSymbol = false, hasSide = false, hasConfidence = false, hasReason = false;
        bool hasOrderType = false, hasLimit = false, hasStop = false, hasTif = false, hasQuantity = false;
        bool hasAction = false, hasOrderId = false;
        var exits = new JsonElement?[s_exitMembers.Length];
        foreach (JsonProperty property in item.EnumerateObject())
        {
            int exit = Array.IndexOf(s_exitMembers, property.Name);
            if (exit >= 0)
            {
                if (exits[exit] is not null)
                {
                    return "member \"" + property.Name + "\" appears twice";
                }

                exits[exit] = property.Value;
                continue;
            }

            ref bool has = ref hasSymbol;
            switch (property.Name)
            {
                case "symbol":
                    has = ref hasSymbol;
                    symbol = property.Value;
                    break;
                case "side":
                    has = ref hasSide;
                    side = property.Value;
                    break;
                case "confidence":
                    has = ref hasConfidence;
                    confidence = property.Value;
                    break;
                case "reason":
                    has = ref hasReason;
                    reason = property.Value;
                    break;
                case "order_type":
                    has = ref hasOrderType;
                    orderType = property.Value;
                    break;
                case "limit_price":
                    has = ref hasLimit;
                    limitPrice = property.Value;
                    break;
                case "stop_price":
                    has = ref hasStop;
                    stopPrice = property.Value;
                    break;
                case "time_in_force":
                    has = ref hasTif;
                    tif = property.Value;
                    break;
                case "quantity":
                    has = ref hasQuantity;
                    quantity = property.Value;
                    break;
                case "action" when allowActions:
                    has = ref hasAction;
                    action = property.Value;
                    break;
                case "order_id" when allowActions:
                    has = ref hasOrderId;
                    orderId = property.Value;
                    break;
                default:
                    return "unknown member \"" + Clip(property.Name, 40) + "\" (only symbol, side, confidence, reason; " + IntentMembers + (allowActions ? "; action, order_id" : string.Empty) + ")";
            }

            if (has)
            {
                return "member \"" + property.Name + "\" appears twice";
            }

            has = true;
        }

        SignalAction parsedAction = SignalAction.New;
        if (hasAction && (action.ValueKind != JsonValueKind.String || !SignalIntentRules.TryParseAction(action.GetString(), out parsedAction)
            || SignalIntentRules.ActionName(parsedAction) != action.GetString()))
        {
            return SignalIntentRules.ActionInvalidMessage + " (lower case), was " + Shown(action);
        }

        if (parsedAction == SignalAction.New && (!hasSymbol || !hasSide || !hasConfidence || !hasReason))
        {
            return "symbol, side, confidence and reason are all required";
        }

        if (parsedAction != SignalAction.New && (!hasSymbol || !hasReason || !hasOrderId))
        {
            return "symbol, order_id and reason are all required for action " + SignalIntentRules.ActionName(parsedAction);
        }

        if (parsedAction != SignalAction.New && (hasSide || hasConfidence || hasOrderType || hasTif || Array.Exists(exits, e => e is not null)))
        {
            return "action " + SignalIntentRules.ActionName(parsedAction) + " takes only " + ActionMembers;
        }

        if (symbol.ValueKind != JsonValueKind.String)
        {
            return "symbol: must be a string";
        }

        string symbolText = symbol.GetString()!;
        if (!symbols.Contains(symbolText))
        {
            return "symbol: \"" + Clip(symbolText, 20) + "\" is not one of the symbols asked about";
        }

        if (parsedAction != SignalAction.New || hasOrderId)
        {
            return ReadAction(parsedAction, symbolText, hasOrderId ? orderId : null, reason, hasLimit ? limitPrice : null, hasStop ? stopPrice : null, hasQuantity ? quantity : null, out signal);
        }

        Side parsedSide = side.ValueKind != JsonValueKind.String ? Side.None : side.GetString() switch
        {
            "BUY" => Side.Buy,
            "SELL" => Side.Sell,
            _ => Side.None,
        };
        if (parsedSide == Side.None)
        {
            return "side: must be \"BUY\" or \"SELL\", was " + (side.ValueKind == JsonValueKind.String ? "\"" + Clip(side.GetString()!, 20) + "\"" : Describe(side.ValueKind));
        }

        if (confidence.ValueKind != JsonValueKind.Number)
        {
            return "confidence: must be a number, was " + Describe(confidence.ValueKind);
        }

        if (!confidence.TryGetDecimal(out decimal confidenceValue) || confidenceValue < 0 || confidenceValue > 1)
        {
            return "confidence: " + Clip(confidence.GetRawText(), 30) + " is not in [0, 1]";
        }

        if (ReadReason(reason) is { } reasonProblem)
        {
            return reasonProblem;
        }

        string reasonText = reason.GetString()!;
        var proposed = new ProposedSignal(symbolText, parsedSide, confidenceValue, reasonText);
        string? intentProblem = ReadIntent(
            hasOrderType ? orderType : null, hasLimit ? limitPrice : null, hasStop ? stopPrice : null, hasTif ? tif : null, hasQuantity ? quantity : null, ref proposed);
        if (intentProblem is not null)
        {
            return intentProblem;
        }

        string? exitProblem = ReadExits(exits, ref proposed);
        if (exitProblem is not null)
        {
            return exitProblem;
        }

        signal = proposed;
        return null;
    }

    /// <summary>
    /// An amend or cancel of the caller's own order <c>order_id</c> (a whole JSON number above 0): amend's new
    /// limit_price, stop_price and quantity as a new order's, checked by <see cref="SignalIntentRules.CheckAll"/>
    /// (an amend changes something; a cancel takes no figures; an order_id only with one of them).
    /// </summary>
    private static string? ReadAction(SignalAction action, string symbol, JsonElement? orderId, JsonElement reason, JsonElement? limitPrice, JsonElement? stopPrice, JsonElement? quantity, out ProposedSignal? signal)
    {
        signal = null;
        long target = 0;
        if (orderId is { } idElement && (idElement.ValueKind != JsonValueKind.Number || !SignalIntentRules.TryParseOrderId(idElement.GetRawText(), out target)))
        {
            return SignalIntentRules.OrderIdInvalidMessage + ", was " + Shown(idElement);
        }

        if (ReadReason(reason) is { } reasonProblem)
        {
            return reasonProblem;
        }

        if (ReadPrice(limitPrice, "limit_price", out decimal? limit) is { } limitProblem)
        {
            return limitProblem;
        }

        if (ReadPrice(stopPrice, "stop_price", out decimal? stop) is { } stopProblem)
        {
            return stopProblem;
        }

        if (ReadQuantity(quantity, out long cap) is { } quantityProblem)
        {
            return quantityProblem;
        }

        var intent = new SignalIntent
        {
            Action = action,
            TargetOrderId = target,
            LimitRaw = FixedPoint.FromDecimal(limit ?? 0m),
            StopRaw = FixedPoint.FromDecimal(stop ?? 0m),
            Quantity = cap,
        };
        SignalIntentProblem problem = SignalIntentRules.CheckAll(false, Side.None, in intent);
        if (problem != SignalIntentProblem.None)
        {
            return SignalIntentRules.Message(problem);
        }

        signal = new ProposedSignal(symbol, Side.None, 0m, reason.GetString()!) { Action = action, OrderId = target, LimitPrice = limit, StopPrice = stop, Quantity = cap };
        return null;
    }

    /// <summary>The optional order intent of an item (null members were not given), onto <paramref name="signal"/>; the first problem, or null.</summary>
    private static string? ReadIntent(JsonElement? orderType, JsonElement? limitPrice, JsonElement? stopPrice, JsonElement? tif, JsonElement? quantity, ref ProposedSignal signal)
    {
        OrderType? type = null;
        if (orderType is { } typeElement)
        {
            if (typeElement.ValueKind != JsonValueKind.String
                || !SignalIntentRules.TryParseOrderType(typeElement.GetString(), out OrderType parsed)
                || SignalIntentRules.OrderTypeName(parsed) != typeElement.GetString())
            {
                return SignalIntentRules.OrderTypeInvalidMessage + " (lower case), was " + Shown(typeElement);
            }

            type = parsed;
        }

        if (ReadPrice(limitPrice, "limit_price", out decimal? limit) is { } limitProblem)
        {
            return limitProblem;
        }

        if (ReadPrice(stopPrice, "stop_price", out decimal? stop) is { } stopProblem)
        {
            return stopProblem;
        }

        SignalIntentProblem shape = SignalIntentRules.Check(type is not null, type ?? OrderType.Market, limit is not null, stop is not null);
        if (shape != SignalIntentProblem.None)
        {
            return SignalIntentRules.Message(shape);
        }

        TimeInForce timeInForce = TimeInForce.Day;
        if (tif is { } tifElement)
        {
            if (tifElement.ValueKind != JsonValueKind.String
                || !SignalIntentRules.TryParseTif(tifElement.GetString(), out timeInForce)
                || SignalIntentRules.TifName(timeInForce) != tifElement.GetString())
            {
                return "time_in_force: must be day, gtc, ioc, fok, opg or cls (lower case), was " + Shown(tifElement);
            }
        }

        if (ReadQuantity(quantity, out long cap) is { } quantityProblem)
        {
            return quantityProblem;
        }

        signal = signal with { OrderType = type, LimitPrice = limit, StopPrice = stop, Tif = timeInForce, Quantity = cap };
        return null;
    }

    /// <summary>
    /// The item's exits (each a JSON number, 0 = none), onto <paramref name="signal"/>, checked with its
    /// side and prices by the rules every edge applies (<see cref="SignalIntentRules.CheckAll"/>).
    /// </summary>
    private static string? ReadExits(JsonElement?[] members, ref ProposedSignal signal)
    {
        var values = new decimal[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            if (members[i] is not { } value)
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out values[i]))
            {
                return s_exitMembers[i] + ": must be a number, was " + Shown(value);
            }
        }

        var exits = new ProposedExits(values[0], values[1], values[2], values[3], values[4], values[5]);
        SignalIntentProblem problem = SignalIntentRules.TryExits(exits.TakeProfit, exits.TakeProfitPct, exits.StopLoss, exits.StopLossPct, exits.TrailPrice, exits.TrailPercent, out ProtectiveExits converted);
        if (problem == SignalIntentProblem.None)
        {
            var intent = new SignalIntent
            {
                OrderType = signal.OrderType ?? OrderType.Market,
                LimitRaw = FixedPoint.FromDecimal(signal.LimitPrice ?? 0m),
                StopRaw = FixedPoint.FromDecimal(signal.StopPrice ?? 0m),
                Exits = converted,
            };
            problem = SignalIntentRules.CheckAll(signal.OrderType is not null, signal.Side, in intent);
        }

        if (problem != SignalIntentProblem.None)
        {
            return SignalIntentRules.Message(problem);
        }

        signal = signal with { Exits = exits };
        return null;
    }

    /// <summary>The optional quantity (0 when not given): a whole JSON number from 1 to 1,000,000,000.</summary>
    private static string? ReadQuantity(JsonElement? quantity, out long cap)
    {
        cap = 0;
        if (quantity is not { } quantityElement)
        {
            return null;
        }

        if (quantityElement.ValueKind != JsonValueKind.Number || !quantityElement.TryGetDecimal(out decimal wanted) || !SignalIntentRules.TryQuantity(wanted, 0, out cap)) // whole shares: a model's fraction is not taken (issue 19)
        {
            cap = 0;
            return SignalIntentRules.QuantityInvalidMessage + ", was " + Shown(quantityElement);
        }

        return null;
    }

    /// <summary>The reason's problem: not a string, empty, too long, or not one line; null when fine.</summary>
    private static string? ReadReason(JsonElement reason)
    {
        if (reason.ValueKind != JsonValueKind.String)
        {
            return "reason: must be a string, was " + Describe(reason.ValueKind);
        }

        string reasonText = reason.GetString()!;
        if (string.IsNullOrWhiteSpace(reasonText))
        {
            return "reason: must not be empty";
        }

        if (reasonText.Length > MaxReasonLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"reason: {reasonText.Length} characters, more than {MaxReasonLength}");
        }

        return reasonText.Any(char.IsControl) ? "reason: must be one line without control characters" : null;
    }

    private static string? ReadPrice(JsonElement? element, string name, out decimal? price)
    {
        price = null;
        if (element is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal parsed) || parsed <= 0 || parsed > MaxPrice
            || decimal.Round(parsed, FixedPoint.Decimals) != parsed)
        {
            return name + ": must be a number above 0 and at most 1000000000 with at most 6 decimals, was " + Shown(value);
        }

        price = parsed;
        return null;
    }

    /// <summary>A JSON value as an error may echo it: a string quoted and clipped, a number's text, else its kind.</summary>
    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "\"" + Clip(value.GetString()!, 20) + "\"",
        JsonValueKind.Number => Clip(value.GetRawText(), 30),
        _ => Describe(value.ValueKind),
    };

    private static LlmAnswer Refuse(string kind, string error) => new([], [], error, kind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Model text echoed in an error: at most <paramref name="max"/> characters, one line.</summary>
    internal static string Clip(string text, int max)
    {
        string clipped = text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
        return clipped.ReplaceLineEndings(" ");
    }
}
