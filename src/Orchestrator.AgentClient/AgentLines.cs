using System.Text.Json;

namespace Orchestrator.AgentClient;

/// <summary>The lines an agent sends, written as JSON objects (the session adds the newline).</summary>
internal static class AgentLines
{
    private static readonly JsonSerializerOptions s_results = new(JsonSerializerDefaults.General) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What hello announces.</summary>
    public readonly record struct Hello(AgentClientOptions Options, IReadOnlyList<string> Methods, long LastFillSeq);

    /// <summary><c>{"auth":"…"}</c></summary>
    public static void WriteAuth(Utf8JsonWriter w, string token)
    {
        w.WriteStartObject();
        w.WriteString("auth", token);
        w.WriteEndObject();
    }

    /// <summary><c>{"type":"hello","name":…,"version":…,"symbols":[…],"ticks":…,"bars":[…],"methods":[…],"last_fill_seq":…}</c></summary>
    public static void WriteHello(Utf8JsonWriter w, Hello hello)
    {
        w.WriteStartObject();
        w.WriteString("type", "hello");
        w.WriteString("name", hello.Options.Name);
        w.WriteString("version", hello.Options.Version);
        WriteArray(w, "symbols", hello.Options.Symbols);
        w.WriteBoolean("ticks", hello.Options.Ticks);
        WriteArray(w, "bars", hello.Options.Bars);
        WriteArray(w, "methods", hello.Methods);
        w.WriteNumber("last_fill_seq", hello.LastFillSeq);
        w.WriteEndObject();
    }

    /// <summary>The signal object (C2/C3 field names); decimals are written as their exact text.</summary>
    public static void WriteSignal(Utf8JsonWriter w, AgentSignal signal, string id)
    {
        w.WriteStartObject();
        w.WriteString("type", "signal");
        w.WriteString("id", id);
        w.WriteString("symbol", signal.Symbol);
        if (signal.Action == SignalAction.New)
        {
            w.WriteString("side", signal.Side == SignalSide.Buy ? "BUY" : "SELL");
            w.WriteNumber("confidence", signal.Confidence);
        }
        else
        {
            w.WriteString("action", signal.Action == SignalAction.Amend ? "amend" : "cancel"); // side and confidence are the order's
            w.WriteString("order_id", signal.OrderId);
        }

        if (signal.Quantity is { } quantity)
        {
            w.WriteNumber("quantity", quantity);
        }

        if (signal.OrderType is { } type)
        {
            w.WriteString("order_type", type switch
            {
                SignalOrderType.Limit => "limit",
                SignalOrderType.Stop => "stop",
                SignalOrderType.StopLimit => "stop_limit",
                SignalOrderType.TrailingStop => "trailing_stop",
                _ => "market",
            });
        }

        if (signal.LimitPrice is { } limit)
        {
            w.WriteNumber("limit_price", limit);
        }

        if (signal.StopPrice is { } stop)
        {
            w.WriteNumber("stop_price", stop);
        }

        if (signal.Tif is { } tif)
        {
            w.WriteString("tif", tif switch
            {
                SignalTimeInForce.Gtc => "gtc",
                SignalTimeInForce.Ioc => "ioc",
                SignalTimeInForce.Fok => "fok",
                SignalTimeInForce.Opg => "opg",
                SignalTimeInForce.Cls => "cls",
                _ => "day",
            });
        }

        WriteOptional(w, "take_profit", signal.TakeProfit);
        WriteOptional(w, "take_profit_pct", signal.TakeProfitPct);
        WriteOptional(w, "stop_loss", signal.StopLoss);
        WriteOptional(w, "stop_loss_pct", signal.StopLossPct);
        WriteOptional(w, "trail_price", signal.TrailPrice);
        WriteOptional(w, "trail_percent", signal.TrailPercent);

        if (signal.Reason is { } reason)
        {
            w.WriteString("reason", reason);
        }

        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } number)
        {
            w.WriteNumber(name, number);
        }
    }

    /// <summary><c>{"type":"heartbeat"}</c></summary>
    public static void WriteHeartbeat(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "heartbeat");
        w.WriteEndObject();
    }

    /// <summary><c>{"type":"response","request_id":…,"result":…}</c> or with <c>"error"</c>.</summary>
    /// <exception cref="NotSupportedException">The result cannot be serialised.</exception>
    public static void WriteResponse(Utf8JsonWriter w, string requestId, object? result, string? error)
    {
        w.WriteStartObject();
        w.WriteString("type", "response");
        w.WriteString("request_id", requestId);
        if (error is not null)
        {
            w.WriteString("error", error);
        }
        else
        {
            w.WritePropertyName("result");
            if (result is null)
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(w, result, result.GetType(), s_results);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
