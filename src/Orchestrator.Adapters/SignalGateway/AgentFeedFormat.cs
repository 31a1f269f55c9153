using System.Buffers;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using static Orchestrator.Adapters.SignalGateway.Utf8Line;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// Writes the agent protocol's server lines as UTF-8 JSON straight into a connection's output
/// buffer, without allocating: fixed parts are literals, numbers are formatted in place (prices
/// from fixed point as invariant decimal text, never through double; see <see cref="Utf8Line"/>).
/// <code>
/// {"type":"tick","symbol":"AAPL","ts":1736000000000000000,"price":175.5,"size":100,"bid":175.49,"ask":175.51}
/// {"type":"bar","symbol":"AAPL","timeframe":"1m","start":..,"open":..,"high":..,"low":..,"close":..,"volume":..}
/// {"type":"order","order_id":"17","signal_id":"a1","symbol":"AAPL","side":"BUY","order_type":"limit","tif":"day","quantity":10,"filled":0,"limit_price":175.5,"status":"accepted","ts":..}
/// {"type":"order",..,"limit_price":175.5,"group_role":"entry","take_profit":190,"stop_loss_pct":2.5,"status":"accepted","ts":..}
/// {"type":"order","order_id":"18","signal_id":"a1",..,"order_type":"stop","stop_price":171,"group_role":"stop_loss","group_id":"17","status":"accepted","ts":..}
/// {"type":"fill","fill_seq":3,"order_id":"17","signal_id":"a1","symbol":"AAPL","side":"BUY","quantity":10,"price":175.5,"commission":0.5,"leaves":0,"ts":..}
/// {"type":"position","symbol":"AAPL","quantity":10,"avg_price":175.5,"realized_pnl":0,"unrealized_pnl":1.2}
/// {"type":"account","cash":..,"equity":..,"buying_power":..,"ts":..}
/// {"type":"heartbeat","ts":..}    {"type":"dropped","market_data":123}
/// </code>
/// Replayed reliable lines carry <c>"replay":true</c>. Quantities are in shares: a symbol with
/// <c>quantity_decimals</c> writes "0.5" (issue 19).
/// </summary>
internal static class AgentFeedFormat
{
    /// <summary>Upper bound of one line (the longest is an order with a 64-byte id and symbol, and a group entry's exits).</summary>
    public const int MaxLineBytes = 1024;

    public static void WriteTick(IBufferWriter<byte> output, in MarketRecord r, byte[] symbol)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n = PutString(s, 0, "{\"type\":\"tick\",\"symbol\":\""u8, symbol);
        n = PutNumber(s, n, ",\"ts\":"u8, r.TsNs);
        n = PutFixedPoint(s, n, ",\"price\":"u8, r.PriceRaw);
        n = PutNumber(s, n, ",\"size\":"u8, r.Size);
        n = PutFixedPointIfSet(s, n, ",\"bid\":"u8, r.BidRaw);
        n = PutFixedPointIfSet(s, n, ",\"ask\":"u8, r.AskRaw);
        output.Advance(Put(s, n, "}\n"u8));
    }

    public static void WriteBar(IBufferWriter<byte> output, in MarketRecord r, byte[] symbol)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n = PutString(s, 0, "{\"type\":\"bar\",\"symbol\":\""u8, symbol);
        n = PutString(s, n, ",\"timeframe\":\""u8, BarTimeframes.Utf8[r.Timeframe]);
        n = PutNumber(s, n, ",\"start\":"u8, r.TsNs);
        n = PutFixedPoint(s, n, ",\"open\":"u8, r.OpenRaw);
        n = PutFixedPoint(s, n, ",\"high\":"u8, r.HighRaw);
        n = PutFixedPoint(s, n, ",\"low\":"u8, r.LowRaw);
        n = PutFixedPoint(s, n, ",\"close\":"u8, r.PriceRaw);
        n = PutNumber(s, n, ",\"volume\":"u8, r.Size);
        output.Advance(Put(s, n, "}\n"u8));
    }

    /// <summary>An order, fill or position line; quantities in shares by <paramref name="quantityDecimals"/>, the symbol's (issue 19: "0.5").</summary>
    public static void WriteEvent(IBufferWriter<byte> output, in AgentEvent e, ReadOnlySpan<byte> id, byte[] symbol, bool replay, int quantityDecimals = 0)
    {
        Span<byte> s = output.GetSpan(MaxLineBytes);
        int n;
        switch (e.Kind)
        {
            case AgentEventKind.Order:
                n = PutOrderId(s, 0, "{\"type\":\"order\",\"order_id\":\""u8, e, id, symbol);
                n = PutString(s, n, ",\"order_type\":\""u8, OrderTypeName(e.OrderType));
                n = PutString(s, n, ",\"tif\":\""u8, TifName(e.Tif));
                n = PutQuantity(s, n, ",\"quantity\":"u8, e.Quantity, quantityDecimals);
                n = PutQuantity(s, n, ",\"filled\":"u8, e.Filled, quantityDecimals);
                n = PutFixedPointIfSet(s, n, ",\"limit_price\":"u8, e.PriceRaw);
                n = PutFixedPointIfSet(s, n, ",\"stop_price\":"u8, e.SecondRaw);
                n = e.GroupRole is OrderGroupRole.None or OrderGroupRole.Entry ? PutExits(s, n, in e.Exits, e.OrderType) : PutExitRole(s, n, e.GroupRole, e.GroupId);
                n = PutString(s, n, ",\"status\":\""u8, StatusName(e.Status));
                if (e.Status == OrderStatus.Rejected)
                {
                    n = PutString(s, n, ",\"reason\":\""u8, Utf8EnumNames<RejectReason>.Get(e.Reject));
                }

                break;
            case AgentEventKind.Fill:
                n = PutNumber(s, 0, "{\"type\":\"fill\",\"fill_seq\":"u8, e.FillSeq);
                n = PutOrderId(s, n, ",\"order_id\":\""u8, e, id, symbol);
                n = PutQuantity(s, n, ",\"quantity\":"u8, e.Quantity, quantityDecimals);
                n = PutFixedPoint(s, n, ",\"price\":"u8, e.PriceRaw);
                n = PutFixedPoint(s, n, ",\"commission\":"u8, e.SecondRaw);
                n = PutQuantity(s, n, ",\"leaves\":"u8, e.Filled, quantityDecimals);
                break;
            default:
                n = PutString(s, 0, "{\"type\":\"position\",\"symbol\":\""u8, symbol);
                n = PutQuantity(s, n, ",\"quantity\":"u8, e.Quantity, quantityDecimals);
                n = PutFixedPoint(s, n, ",\"avg_price\":"u8, e.PriceRaw);
                n = PutFixedPoint(s, n, ",\"realized_pnl\":"u8, e.SecondRaw);
                n = PutFixedPoint(s, n, ",\"unrealized_pnl\":"u8, e.UnrealizedRaw);
                break;
        }

        n = PutNumber(s, n, ",\"ts\":"u8, e.TsNs);
        output.Advance(Put(s, n, replay ? ",\"replay\":true}\n"u8 : "}\n"u8));
    }

    public static void WriteHeartbeat(IBufferWriter<byte> output, long tsNs)
    {
        Span<byte> s = output.GetSpan(64);
        output.Advance(Put(s, PutNumber(s, 0, "{\"type\":\"heartbeat\",\"ts\":"u8, tsNs), "}\n"u8));
    }

    public static void WriteDropped(IBufferWriter<byte> output, long dropped)
    {
        Span<byte> s = output.GetSpan(64);
        output.Advance(Put(s, PutNumber(s, 0, "{\"type\":\"dropped\",\"market_data\":"u8, dropped), "}\n"u8));
    }

    public static void WriteAccount(IBufferWriter<byte> output, AccountState account)
    {
        Span<byte> s = output.GetSpan(160);
        int n = PutFixedPoint(s, 0, "{\"type\":\"account\",\"cash\":"u8, account.CashRaw);
        n = PutFixedPoint(s, n, ",\"equity\":"u8, account.EquityRaw);
        n = PutFixedPoint(s, n, ",\"buying_power\":"u8, account.BuyingPowerRaw);
        n = PutNumber(s, n, ",\"ts\":"u8, account.TsNs);
        output.Advance(Put(s, n, "}\n"u8));
    }

    /// <summary>
    /// A group entry's exits (issue 19), only when its signal asked for some: <c>"group_role":"entry"</c>, then
    /// each exit given, as a price or (<c>_pct</c>, <c>trail_percent</c>) a percent of the entry's fill price.
    /// A trailing_stop order's own trail is shown without the role (it is the order, not an exit of it).
    /// </summary>
    private static int PutExits(Span<byte> s, int n, in ProtectiveExits exits, OrderType type)
    {
        if (!exits.Any)
        {
            return n;
        }

        bool entry = type != OrderType.TrailingStop || ((exits.TakeProfitRaw | exits.StopLossRaw) != 0) || ((exits.TakeProfitPpm | exits.StopLossPpm) != 0);
        n = entry ? Put(s, n, ",\"group_role\":\"entry\""u8) : n;
        n = PutFixedPointIfSet(s, n, ",\"take_profit\":"u8, exits.TakeProfitRaw);
        n = PutFixedPointIfSet(s, n, ",\"take_profit_pct\":"u8, PpmAsPercentRaw(exits.TakeProfitPpm));
        n = PutFixedPointIfSet(s, n, ",\"stop_loss\":"u8, exits.StopLossRaw);
        n = PutFixedPointIfSet(s, n, ",\"stop_loss_pct\":"u8, PpmAsPercentRaw(exits.StopLossPpm));
        n = PutFixedPointIfSet(s, n, ",\"trail_price\":"u8, exits.TrailRaw);
        return PutFixedPointIfSet(s, n, ",\"trail_percent\":"u8, PpmAsPercentRaw(exits.TrailPpm));
    }

    /// <summary>
    /// A group exit the engine placed for an agent's entry (issue 19): <c>"group_role":"take_profit"</c> (or
    /// <c>stop_loss</c>, <c>trailing_stop</c>) and the entry's order id as <c>"group_id"</c>.
    /// </summary>
    private static int PutExitRole(Span<byte> s, int n, OrderGroupRole role, long groupId)
    {
        n = PutString(s, n, ",\"group_role\":\""u8, role switch
        {
            OrderGroupRole.TakeProfit => "take_profit"u8,
            OrderGroupRole.StopLoss => "stop_loss"u8,
            _ => "trailing_stop"u8,
        });
        n = PutNumber(s, n, ",\"group_id\":\""u8, groupId);
        return Put(s, n, "\""u8);
    }

    /// <summary>Millionths of a price as a percent in fixed point (1 % = 10,000 ppm), so it prints as a decimal percent.</summary>
    private static long PpmAsPercentRaw(int ppm) => ppm * (FixedPoint.Scale / 10_000L);

    /// <summary>The order id (after <paramref name="key"/>), the signal's client id or null, the symbol and the side: the start every order and fill line shares.</summary>
    private static int PutOrderId(Span<byte> s, int n, ReadOnlySpan<byte> key, in AgentEvent e, ReadOnlySpan<byte> id, byte[] symbol)
    {
        n = PutNumber(s, n, key, e.OrderId);
        n = e.IdLength < 0 ? Put(s, n, "\",\"signal_id\":null"u8) : PutString(s, n, "\",\"signal_id\":\""u8, id[..e.IdLength]);
        n = PutString(s, n, ",\"symbol\":\""u8, symbol);
        return Put(s, n, e.Side == Side.Sell ? ",\"side\":\"SELL\""u8 : ",\"side\":\"BUY\""u8);
    }

    private static ReadOnlySpan<byte> OrderTypeName(OrderType type) => type switch
    {
        OrderType.Limit => "limit"u8,
        OrderType.Stop => "stop"u8,
        OrderType.StopLimit => "stop_limit"u8,
        OrderType.TrailingStop => "trailing_stop"u8,
        _ => "market"u8,
    };

    private static ReadOnlySpan<byte> TifName(TimeInForce tif) => tif switch
    {
        TimeInForce.Gtc => "gtc"u8,
        TimeInForce.Ioc => "ioc"u8,
        TimeInForce.Fok => "fok"u8,
        TimeInForce.Opg => "opg"u8,
        TimeInForce.Cls => "cls"u8,
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
        OrderStatus.Held => "held"u8,
        _ => "unknown"u8,
    };
}
