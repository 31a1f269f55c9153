using System.Buffers;
using System.Runtime.CompilerServices;
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
    private const int FlushBytes = 1 << 16;
    private static readonly JsonWriterOptions s_options = new() { Indented = false };

    /// <summary>Writes the lines to a file (UTF-8, LF line ends), replacing it.</summary>
    public static void WriteFile(BacktestResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(result, stream);
    }

    /// <summary>Writes the lines to <paramref name="stream"/> (left open).</summary>
    /// <remarks>
    /// One JSON writer over one buffer for every line (reset per line: each line is its own JSON
    /// value), written to the stream 64 KiB at a time, not flushed per line: no allocation per line,
    /// no system call per line.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(BacktestResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new ArrayBufferWriter<byte>(FlushBytes + 1024);
        using var json = new Utf8JsonWriter(buffer, s_options);
        IReadOnlyList<OrderSent> orders = result.Orders;
        for (int i = 0; i < orders.Count; i++)
        {
            OrderSent order = orders[i];
            json.Reset();
            json.WriteStartObject();
            Common(json, "order_submitted"u8, order.TsNs, order.Symbol, order.Side, order.Shares, order.ClientOrderId);
            json.WriteString("order_type"u8, order.OrderType switch
            {
                OrderType.Limit => "limit"u8,
                OrderType.Stop => "stop"u8,
                OrderType.StopLimit => "stop_limit"u8,
                _ => "market"u8,
            });
            Money(json, "price"u8, order.LimitPriceRaw);
            Money(json, "stop_price"u8, order.StopPriceRaw);
            EndLine(json, buffer, stream);
        }

        IReadOnlyList<FillRecord> fills = result.Fills;
        for (int i = 0; i < fills.Count; i++)
        {
            FillRecord fill = fills[i];
            json.Reset();
            json.WriteStartObject();
            Common(json, "order_filled"u8, fill.TsNs, fill.Symbol, fill.Side, fill.Shares, fill.ClientOrderId);
            Money(json, "price"u8, fill.PriceRaw);
            json.WritePropertyName("commission"u8);
            RawMoney(json, fill.CommissionRaw);
            EndLine(json, buffer, stream);
        }

        stream.Write(buffer.WrittenSpan);
    }

    /// <summary>Ends the line's object and the line; hands the buffer to the stream once it holds 64 KiB.</summary>
    private static void EndLine(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, Stream stream)
    {
        json.WriteEndObject();
        json.Flush(); // into the buffer
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);
        if (buffer.WrittenCount >= FlushBytes)
        {
            stream.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
        }
    }

    private static void Common(Utf8JsonWriter json, ReadOnlySpan<byte> name, long tsNs, string symbol, Side side, decimal quantity, long orderId)
    {
        json.WriteString("event"u8, name);
        json.WriteNumber("ts_event"u8, tsNs);
        Span<byte> time = stackalloc byte[ReportFormat.MaxLength];
        json.WriteString("time"u8, time[..ReportFormat.WriteTimestamp(tsNs, time)]);
        json.WriteString("symbol"u8, symbol);
        json.WriteString("side"u8, side == Side.Buy ? "BUY"u8 : "SELL"u8);
        json.WriteNumber("qty"u8, quantity);
        json.WriteNumber("order_id"u8, orderId);
    }

    /// <summary>A price when the order has one (0 = none: left out).</summary>
    private static void Money(Utf8JsonWriter json, ReadOnlySpan<byte> name, long raw)
    {
        if (raw != 0)
        {
            json.WritePropertyName(name);
            RawMoney(json, raw);
        }
    }

    private static void RawMoney(Utf8JsonWriter json, long raw)
    {
        Span<byte> text = stackalloc byte[ReportFormat.MaxLength];
        json.WriteRawValue(text[..ReportFormat.WriteFixedPoint(raw, text)], skipInputValidation: true); // a plain number
    }
}
