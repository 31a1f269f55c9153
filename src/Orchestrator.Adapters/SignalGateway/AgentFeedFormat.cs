using System.Buffers;
using System.Buffers.Text;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Writes the agent protocol's server lines as UTF-8 JSON straight into a connection's output
/// buffer, without allocating: fixed parts are literals, numbers are formatted in place (prices
/// from fixed point as invariant decimal text, never through double).
/// <code>
/// {"type":"tick","symbol":"AAPL","ts":1736000000000000000,"price":175.5,"size":100,"bid":175.49,"ask":175.51}
/// {"type":"bar","symbol":"AAPL","timeframe":"1m","start":..,"open":..,"high":..,"low":..,"close":..,"volume":..}
/// {"type":"order","order_id":"17","signal_id":"a1","symbol":"AAPL","side":"BUY","order_type":"limit","tif":"day","quantity":10,"filled":0,"limit_price":175.5,"status":"accepted","ts":..}
/// {"type":"fill","fill_seq":3,"order_id":"17","signal_id":"a1","symbol":"AAPL","side":"BUY","quantity":10,"price":175.5,"commission":0.5,"leaves":0,"ts":..}
/// {"type":"position","symbol":"AAPL","quantity":10,"avg_price":175.5,"realized_pnl":0,"unrealized_pnl":1.2}
/// {"type":"account","cash":..,"equity":..,"buying_power":..,"ts":..}
/// {"type":"heartbeat","ts":..}    {"type":"dropped","market_data":123}
/// </code>
/// Replayed reliable lines carry <c>"replay":true</c>.
/// </summary>
internal static class AgentFeedFormat
{
    /// <summary>Upper bound of one line (the longest is an order with a 64-byte id and symbol).</summary>
    public const int MaxLineBytes = 768;

    private static readonly byte[][] s_rejectNames = [.. Enum.GetValues<RejectReason>().OrderBy(r => (int)r).Select(r => System.Text.Encoding.UTF8.GetBytes(r.ToString()))];

    public static void WriteTick(IBufferWriter<byte> output, in MarketRecord r, byte[] symbol)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n = Put(s, 0, "{\"type\":\"tick\",\"symbol\":\""u8);
        n = Put(s, n, symbol);
        n = Put(s, n, "\",\"ts\":"u8);
        n = PutNumber(s, n, r.TsNs);
        n = Put(s, n, ",\"price\":"u8);
        n = PutPrice(s, n, r.PriceRaw);
        n = Put(s, n, ",\"size\":"u8);
        n = PutNumber(s, n, r.Size);
        if (r.BidRaw != 0)
        {
            n = Put(s, n, ",\"bid\":"u8);
            n = PutPrice(s, n, r.BidRaw);
        }

        if (r.AskRaw != 0)
        {
            n = Put(s, n, ",\"ask\":"u8);
            n = PutPrice(s, n, r.AskRaw);
        }

        n = Put(s, n, "}\n"u8);
        output.Advance(n);
    }

    public static void WriteBar(IBufferWriter<byte> output, in MarketRecord r, byte[] symbol)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n = Put(s, 0, "{\"type\":\"bar\",\"symbol\":\""u8);
        n = Put(s, n, symbol);
        n = Put(s, n, "\",\"timeframe\":\""u8);
        n = Put(s, n, BarTimeframes.Utf8[r.Timeframe]);
        n = Put(s, n, "\",\"start\":"u8);
        n = PutNumber(s, n, r.TsNs);
        n = Put(s, n, ",\"open\":"u8);
        n = PutPrice(s, n, r.OpenRaw);
        n = Put(s, n, ",\"high\":"u8);
        n = PutPrice(s, n, r.HighRaw);
        n = Put(s, n, ",\"low\":"u8);
        n = PutPrice(s, n, r.LowRaw);
        n = Put(s, n, ",\"close\":"u8);
        n = PutPrice(s, n, r.PriceRaw);
        n = Put(s, n, ",\"volume\":"u8);
        n = PutNumber(s, n, r.Size);
        n = Put(s, n, "}\n"u8);
        output.Advance(n);
    }

    public static void WriteEvent(IBufferWriter<byte> output, in AgentEvent e, ReadOnlySpan<byte> id, byte[] symbol, bool replay)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n;
        switch (e.Kind)
        {
            case AgentEventKind.Order:
                n = Put(s, 0, "{\"type\":\"order\",\"order_id\":\""u8);
                n = PutNumber(s, n, e.OrderId);
                n = PutId(s, n, id, e.IdLength);
                n = PutSymbolSide(s, n, symbol, e.Side);
                n = Put(s, n, ",\"order_type\":\""u8);
                n = Put(s, n, OrderTypeName(e.OrderType));
                n = Put(s, n, "\",\"tif\":\""u8);
                n = Put(s, n, TifName(e.Tif));
                n = Put(s, n, "\",\"quantity\":"u8);
                n = PutNumber(s, n, e.Quantity);
                n = Put(s, n, ",\"filled\":"u8);
                n = PutNumber(s, n, e.Filled);
                if (e.PriceRaw != 0)
                {
                    n = Put(s, n, ",\"limit_price\":"u8);
                    n = PutPrice(s, n, e.PriceRaw);
                }

                if (e.SecondRaw != 0)
                {
                    n = Put(s, n, ",\"stop_price\":"u8);
                    n = PutPrice(s, n, e.SecondRaw);
                }

                n = Put(s, n, ",\"status\":\""u8);
                n = Put(s, n, StatusName(e.Status));
                n = Put(s, n, "\""u8);
                if (e.Status == OrderStatus.Rejected)
                {
                    n = Put(s, n, ",\"reason\":\""u8);
                    n = Put(s, n, (uint)e.Reject < (uint)s_rejectNames.Length ? s_rejectNames[(int)e.Reject] : "Unknown"u8);
                    n = Put(s, n, "\""u8);
                }

                break;
            case AgentEventKind.Fill:
                n = Put(s, 0, "{\"type\":\"fill\",\"fill_seq\":"u8);
                n = PutNumber(s, n, e.FillSeq);
                n = Put(s, n, ",\"order_id\":\""u8);
                n = PutNumber(s, n, e.OrderId);
                n = PutId(s, n, id, e.IdLength);
                n = PutSymbolSide(s, n, symbol, e.Side);
                n = Put(s, n, ",\"quantity\":"u8);
                n = PutNumber(s, n, e.Quantity);
                n = Put(s, n, ",\"price\":"u8);
                n = PutPrice(s, n, e.PriceRaw);
                n = Put(s, n, ",\"commission\":"u8);
                n = PutPrice(s, n, e.SecondRaw);
                n = Put(s, n, ",\"leaves\":"u8);
                n = PutNumber(s, n, e.Filled);
                break;
            default:
                n = Put(s, 0, "{\"type\":\"position\",\"symbol\":\""u8);
                n = Put(s, n, symbol);
                n = Put(s, n, "\",\"quantity\":"u8);
                n = PutNumber(s, n, e.Quantity);
                n = Put(s, n, ",\"avg_price\":"u8);
                n = PutPrice(s, n, e.PriceRaw);
                n = Put(s, n, ",\"realized_pnl\":"u8);
                n = PutPrice(s, n, e.SecondRaw);
                n = Put(s, n, ",\"unrealized_pnl\":"u8);
                n = PutPrice(s, n, e.UnrealizedRaw);
                break;
        }

        n = Put(s, n, ",\"ts\":"u8);
        n = PutNumber(s, n, e.TsNs);
        n = Put(s, n, replay ? ",\"replay\":true}\n"u8 : "}\n"u8);
        output.Advance(n);
    }

    public static void WriteHeartbeat(IBufferWriter<byte> output, long tsNs)
    {
        Span<byte> s = output.GetSpan(64);
        int n = Put(s, 0, "{\"type\":\"heartbeat\",\"ts\":"u8);
        n = PutNumber(s, n, tsNs);
        n = Put(s, n, "}\n"u8);
        output.Advance(n);
    }

    public static void WriteDropped(IBufferWriter<byte> output, long dropped)
    {
        Span<byte> s = output.GetSpan(64);
        int n = Put(s, 0, "{\"type\":\"dropped\",\"market_data\":"u8);
        n = PutNumber(s, n, dropped);
        n = Put(s, n, "}\n"u8);
        output.Advance(n);
    }

    public static void WriteAccount(IBufferWriter<byte> output, AccountState account)
    {
        Span<byte> s = output.GetSpan(160);
        int n = Put(s, 0, "{\"type\":\"account\",\"cash\":"u8);
        n = PutPrice(s, n, account.CashRaw);
        n = Put(s, n, ",\"equity\":"u8);
        n = PutPrice(s, n, account.EquityRaw);
        n = Put(s, n, ",\"buying_power\":"u8);
        n = PutPrice(s, n, account.BuyingPowerRaw);
        n = Put(s, n, ",\"ts\":"u8);
        n = PutNumber(s, n, account.TsNs);
        n = Put(s, n, "}\n"u8);
        output.Advance(n);
    }

    /// <summary>A fixed-point amount as invariant decimal text: sign, integer part, up to 6 decimals without trailing zeros.</summary>
    public static int PutPrice(Span<byte> span, int n, long raw)
    {
        ulong magnitude;
        if (raw < 0)
        {
            span[n++] = (byte)'-';
            magnitude = raw == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)-raw;
        }
        else
        {
            magnitude = (ulong)raw;
        }

        ulong whole = magnitude / FixedPoint.Scale;
        ulong fraction = magnitude % FixedPoint.Scale;
        Utf8Formatter.TryFormat(whole, span[n..], out int written);
        n += written;
        if (fraction == 0)
        {
            return n;
        }

        span[n++] = (byte)'.';
        int digits = FixedPoint.Decimals;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        for (int i = digits - 1; i >= 0; i--)
        {
            span[n + i] = (byte)('0' + (int)(fraction % 10));
            fraction /= 10;
        }

        return n + digits;
    }

    private static int PutSymbolSide(Span<byte> s, int n, byte[] symbol, Side side)
    {
        n = Put(s, n, ",\"symbol\":\""u8);
        n = Put(s, n, symbol);
        return Put(s, n, side == Side.Sell ? "\",\"side\":\"SELL\""u8 : "\",\"side\":\"BUY\""u8);
    }

    private static int PutId(Span<byte> s, int n, ReadOnlySpan<byte> id, int length)
    {
        if (length < 0)
        {
            return Put(s, n, "\",\"signal_id\":null"u8);
        }

        n = Put(s, n, "\",\"signal_id\":\""u8);
        n = Put(s, n, id[..length]);
        return Put(s, n, "\""u8);
    }

    private static ReadOnlySpan<byte> OrderTypeName(OrderType type) => type switch
    {
        OrderType.Limit => "limit"u8,
        OrderType.Stop => "stop"u8,
        OrderType.StopLimit => "stop_limit"u8,
        _ => "market"u8,
    };

    private static ReadOnlySpan<byte> TifName(TimeInForce tif) => tif switch
    {
        TimeInForce.Gtc => "gtc"u8,
        TimeInForce.Ioc => "ioc"u8,
        TimeInForce.Fok => "fok"u8,
        _ => "day"u8,
    };

    private static ReadOnlySpan<byte> StatusName(OrderStatus status) => status switch
    {
        OrderStatus.PendingNew or OrderStatus.New => "pending_new"u8,
        OrderStatus.Accepted => "accepted"u8,
        OrderStatus.PartiallyFilled => "partially_filled"u8,
        OrderStatus.Filled => "filled"u8,
        OrderStatus.Canceled => "canceled"u8,
        OrderStatus.Rejected => "rejected"u8,
        OrderStatus.Expired => "expired"u8,
        _ => "unknown"u8,
    };

    private static int Put(Span<byte> span, int n, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[n..]);
        return n + bytes.Length;
    }

    private static int PutNumber(Span<byte> span, int n, long value)
    {
        Utf8Formatter.TryFormat(value, span[n..], out int written);
        return n + written;
    }
}
