using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Backtest;

/// <summary>
/// Writes what a backtest traded as JSON lines, in the fields of the daemon's JSON audit log
/// (<c>logs/orchestrator.jsonl</c>), so one tool reads both: every order sent to the venue
/// (<c>"event":"order_submitted"</c>, with <c>order_type</c>, and <c>price</c> / <c>stop_price</c> when
/// the order has them), then every fill (<c>"event":"order_filled"</c>, with <c>price</c> and
/// <c>commission</c>); each with <c>ts_event</c> (ns since the Unix epoch), <c>time</c>, <c>symbol</c>,
/// <c>side</c> (BUY/SELL), <c>qty</c> and <c>order_id</c>. Money as invariant decimals.
/// </summary>
public static class OrdersLogWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = false };

    /// <summary>Writes the lines to a file (UTF-8, LF line ends), replacing it.</summary>
    public static void WriteFile(BacktestResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(result, stream);
    }

    /// <summary>Writes the lines to <paramref name="stream"/> (left open).</summary>
    public static void Write(BacktestResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stream);
        foreach (OrderSent order in result.Orders)
        {
            Line(stream, json =>
            {
                Common(json, "order_submitted", order.TsNs, order.Symbol, order.Side, order.Shares, order.ClientOrderId);
                json.WriteString("order_type", order.OrderType switch
                {
                    OrderType.Limit => "limit",
                    OrderType.Stop => "stop",
                    OrderType.StopLimit => "stop_limit",
                    _ => "market",
                });
                Money(json, "price", order.LimitPriceRaw);
                Money(json, "stop_price", order.StopPriceRaw);
            });
        }

        foreach (FillRecord fill in result.Fills)
        {
            Line(stream, json =>
            {
                Common(json, "order_filled", fill.TsNs, fill.Symbol, fill.Side, fill.Shares, fill.ClientOrderId);
                Money(json, "price", fill.PriceRaw);
                json.WritePropertyName("commission");
                json.WriteRawValue(ReportFormat.Decimal(FixedPoint.ToDecimal(fill.CommissionRaw)));
            });
        }
    }

    private static void Line(Stream stream, Action<Utf8JsonWriter> body)
    {
        using (var json = new Utf8JsonWriter(stream, s_options))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    private static void Common(Utf8JsonWriter json, string name, long tsNs, string symbol, Side side, decimal quantity, long orderId)
    {
        json.WriteString("event", name);
        json.WriteNumber("ts_event", tsNs);
        json.WriteString("time", ReportFormat.Timestamp(tsNs));
        json.WriteString("symbol", symbol);
        json.WriteString("side", side == Side.Buy ? "BUY" : "SELL");
        json.WriteNumber("qty", quantity);
        json.WriteNumber("order_id", orderId);
    }

    /// <summary>A price when the order has one (0 = none: left out).</summary>
    private static void Money(Utf8JsonWriter json, string name, long raw)
    {
        if (raw != 0)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(ReportFormat.Decimal(FixedPoint.ToDecimal(raw)));
        }
    }
}
