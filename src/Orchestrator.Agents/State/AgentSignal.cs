using Orchestrator.Core;

namespace Orchestrator.Agents.State;

/// <summary>A trade signal an agent wants the engine to consider (risk still decides).</summary>
/// <param name="Symbol">One of the engine's symbols.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Price">Limit price (wire name <c>limit_price</c>, alias <c>price</c>); 0 for none.</param>
/// <param name="Reason">Why, in words (logged with the signal).</param>
/// <param name="Source">The agent that produced it.</param>
/// <remarks>
/// The order intent beyond the price is optional (<see cref="SignalIntentRules"/>): without
/// <see cref="OrderType"/> the prices decide (none = market, a price = limit).
/// </remarks>
public sealed record AgentSignal(string Symbol, Side Side, decimal Confidence, decimal Price, string Reason, string Source)
{
    /// <summary>The order type asked for (<c>order_type</c>); null = the prices decide.</summary>
    public OrderType? OrderType { get; init; }

    /// <summary>Stop (trigger) price (<c>stop_price</c>); 0 for none.</summary>
    public decimal StopPrice { get; init; }

    /// <summary>Time in force (<c>tif</c>), Day unless given.</summary>
    public TimeInForce Tif { get; init; } = TimeInForce.Day;

    /// <summary>
    /// Most shares to trade (<c>quantity</c>); 0 = sizing decides. Sizing and risk still cap it. For an amend: the new total.
    /// Whole shares, or a fraction with at most the symbol's quantity decimals (issue 19); the publisher converts it into the symbol's units.
    /// </summary>
    public decimal Quantity { get; init; }

    /// <summary>New order (default), or amend/cancel (<c>action</c>) of the order <see cref="OrderId"/>; side and confidence do not matter for those.</summary>
    public SignalAction Action { get; init; }

    /// <summary>The engine's order id to amend or cancel (<c>order_id</c>, as an answer gave it); 0 for a new order.</summary>
    public long OrderId { get; init; }

    /// <summary>Take-profit limit price (<c>take_profit</c>); 0 = none.</summary>
    public decimal TakeProfit { get; init; }

    /// <summary>Take-profit as a percent above (buy) / below (sell) the entry's average fill price (<c>take_profit_pct</c>); 0 = none.</summary>
    public decimal TakeProfitPct { get; init; }

    /// <summary>Stop-loss trigger price (<c>stop_loss</c>); 0 = none.</summary>
    public decimal StopLoss { get; init; }

    /// <summary>Stop-loss as a percent below (buy) / above (sell) the entry's average fill price (<c>stop_loss_pct</c>); 0 = none.</summary>
    public decimal StopLossPct { get; init; }

    /// <summary>Trailing distance as a price amount (<c>trail_price</c>); 0 = none. A trailing_stop order's own trail, else a trailing exit.</summary>
    public decimal TrailPrice { get; init; }

    /// <summary>Trailing distance as a percent of the best price (<c>trail_percent</c>); 0 = none.</summary>
    public decimal TrailPercent { get; init; }
}

/// <summary>The outcome of handing a signal to the engine.</summary>
/// <param name="Accepted">Published into the inbound ring (risk decides later).</param>
/// <param name="Sequence">The ring sequence it was published at (0 when refused).</param>
/// <param name="Error">Why it was refused before reaching the ring (unknown symbol, bad numbers).</param>
public sealed record SignalPublishResult(bool Accepted, long Sequence, string? Error)
{
    /// <summary>The id the signal carries in the engine and the audit trail (<c>signal_id</c>); 0 when refused.</summary>
    public long SignalId { get; init; }
}

/// <summary>The agents' only way to act: publishing signals into the engine's inbound ring.</summary>
public interface ISignalPublisher
{
    SignalPublishResult Publish(AgentSignal signal);
}
