using Orchestrator.Adapters.Paper;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Paper;

/// <summary>Builders for the paper exchange's inputs. Prices are raw (100_000_000 = 100.00).</summary>
internal static class PaperInputs
{
    public const long StartingCashRaw = 100_000 * FixedPoint.Scale;

    public static PaperExchange NewExchange(long slippageBps = 5, long commissionBps = 0, long minimumCommissionRaw = 0, bool allowShortSelling = false, int maxOpenOrders = 64) =>
        new(new PaperExchangeOptions
        {
            SymbolCount = 2,
            SlippageBps = slippageBps,
            CommissionBps = commissionBps,
            MinimumCommissionRaw = minimumCommissionRaw,
            AllowShortSelling = allowShortSelling,
            MaxOpenOrders = maxOpenOrders,
        });

    public static OrderCommand Market(long id, Side side, long quantity, TimeInForce tif = TimeInForce.Gtc, int symbolId = 0) =>
        Order(id, side, OrderType.Market, quantity, 0, 0, tif, symbolId);

    public static OrderCommand Limit(long id, Side side, long quantity, long limitRaw, TimeInForce tif = TimeInForce.Gtc, int symbolId = 0) =>
        Order(id, side, OrderType.Limit, quantity, limitRaw, 0, tif, symbolId);

    public static OrderCommand Stop(long id, Side side, long quantity, long stopRaw, TimeInForce tif = TimeInForce.Gtc, int symbolId = 0) =>
        Order(id, side, OrderType.Stop, quantity, 0, stopRaw, tif, symbolId);

    public static OrderCommand StopLimit(long id, Side side, long quantity, long stopRaw, long limitRaw, TimeInForce tif = TimeInForce.Gtc, int symbolId = 0) =>
        Order(id, side, OrderType.StopLimit, quantity, limitRaw, stopRaw, tif, symbolId);

    public static OrderCommand Order(long id, Side side, OrderType type, long quantity, long limitRaw, long stopRaw, TimeInForce tif, int symbolId) => new()
    {
        Kind = OrderCommandKind.SubmitOrder,
        ClientOrderId = id,
        SymbolId = symbolId,
        Side = side,
        OrderType = type,
        TimeInForce = tif,
        Quantity = quantity,
        LimitPriceRaw = limitRaw,
        StopPriceRaw = stopRaw,
    };

    /// <summary>A trade print; size 0 means unlimited.</summary>
    public static MarketTick Trade(long priceRaw, long size = 0, long tsNs = 0, int symbolId = 0) => new()
    {
        Kind = EventKind.TradeTick,
        SymbolId = symbolId,
        TsEventNs = tsNs,
        PriceRaw = priceRaw,
        Size = size,
    };

    public static MarketTick Quote(long bidRaw, long bidSize, long askRaw, long askSize, long tsNs = 0, int symbolId = 0) => new()
    {
        Kind = EventKind.QuoteTick,
        SymbolId = symbolId,
        TsEventNs = tsNs,
        BidRaw = bidRaw,
        BidSize = bidSize,
        AskRaw = askRaw,
        AskSize = askSize,
    };

    public static MarketTick Bar(long openRaw, long highRaw, long lowRaw, long closeRaw, long volume = 0, long tsNs = 0, int symbolId = 0) => new()
    {
        Kind = EventKind.Bar,
        SymbolId = symbolId,
        TsEventNs = tsNs,
        OpenRaw = openRaw,
        HighRaw = highRaw,
        LowRaw = lowRaw,
        PriceRaw = closeRaw,
        Size = volume,
    };

    /// <summary>Gives the account a long position of <paramref name="quantity"/> at 100.00 (one market buy and one trade).</summary>
    public static void BuyPosition(PaperExchange exchange, long id, long quantity, int symbolId = 0)
    {
        var sink = new RecordingSink();
        exchange.OnMarketData(Trade(100_000_000, symbolId: symbolId), sink);
        exchange.Submit(Market(id, Side.Buy, quantity, symbolId: symbolId), sink);
        exchange.OnMarketData(Trade(100_000_000, symbolId: symbolId), sink);
        Assert.Equal(ExecutionType.Fill, sink.Last.ExecType);
    }
}
