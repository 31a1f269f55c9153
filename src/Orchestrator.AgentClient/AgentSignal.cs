namespace Orchestrator.AgentClient;

/// <summary>
/// A trade signal with its order intent. The daemon validates every field (field-named errors come
/// back in <see cref="SignalTicket.Ack"/>) and its risk manager and sizing still decide the order.
/// Protective exits (take-profit, stop-loss, trailing stop) make the entry an order group the daemon
/// or the venue holds; <see cref="Amend"/> and <see cref="Cancel"/> change or cancel an open order by
/// the <c>order_id</c> the daemon's answer gave (side and confidence are then not sent).
/// </summary>
public sealed record AgentSignal
{
    public required string Symbol { get; init; }

    public required SignalSide Side { get; init; }

    /// <summary>In [0, 1].</summary>
    public required double Confidence { get; init; }

    /// <summary>The most shares sizing may give (null = sizing decides).</summary>
    public long? Quantity { get; init; }

    /// <summary>Null = market, or limit when <see cref="LimitPrice"/> is given.</summary>
    public SignalOrderType? OrderType { get; init; }

    public decimal? LimitPrice { get; init; }

    public decimal? StopPrice { get; init; }

    /// <summary>Null = the daemon's default (day).</summary>
    public SignalTimeInForce? Tif { get; init; }

    /// <summary>Take-profit limit price: above the entry for a buy, below for a sell. Not with <see cref="TakeProfitPct"/>.</summary>
    public decimal? TakeProfit { get; init; }

    /// <summary>Take-profit as a percent from the entry's average fill price (2.5 = 2.5 %).</summary>
    public decimal? TakeProfitPct { get; init; }

    /// <summary>Stop-loss trigger price: below the entry for a buy, above for a sell. Not with <see cref="StopLossPct"/>.</summary>
    public decimal? StopLoss { get; init; }

    /// <summary>Stop-loss as a percent from the entry's average fill price (below 100).</summary>
    public decimal? StopLossPct { get; init; }

    /// <summary>Trailing distance as a price amount (a <see cref="SignalOrderType.TrailingStop"/> order's own, else a trailing exit). Not with <see cref="TrailPercent"/>.</summary>
    public decimal? TrailPrice { get; init; }

    /// <summary>Trailing distance as a percent of the best price since entry (below 100).</summary>
    public decimal? TrailPercent { get; init; }

    /// <summary>New (default), amend or cancel of <see cref="OrderId"/>.</summary>
    public SignalAction Action { get; init; }

    /// <summary>For amend and cancel: the <c>order_id</c> the daemon's answer (or an order update) gave.</summary>
    public string? OrderId { get; init; }

    /// <summary>Why (at most 500 characters; it goes into the audit log).</summary>
    public string? Reason { get; init; }

    /// <summary>A unique id of at most 64 bytes; null = the client makes one.</summary>
    public string? Id { get; init; }

    /// <summary>Changes the open order <paramref name="orderId"/>: a new limit price, stop price and/or total quantity (null = unchanged).</summary>
    public static AgentSignal Amend(string symbol, string orderId, decimal? limitPrice = null, decimal? stopPrice = null, long? quantity = null) =>
        new() { Symbol = symbol, Side = SignalSide.Buy, Confidence = 0, Action = SignalAction.Amend, OrderId = orderId, LimitPrice = limitPrice, StopPrice = stopPrice, Quantity = quantity };

    /// <summary>Cancels what is left of the open order <paramref name="orderId"/>.</summary>
    public static AgentSignal Cancel(string symbol, string orderId) =>
        new() { Symbol = symbol, Side = SignalSide.Buy, Confidence = 0, Action = SignalAction.Cancel, OrderId = orderId };
}
