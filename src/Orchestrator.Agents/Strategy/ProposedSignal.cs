using Orchestrator.Core;

namespace Orchestrator.Agents.Strategy;

/// <summary>A signal the rules or the model proposed, before it is published.</summary>
/// <param name="Symbol">One of the engine's symbols.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Reason">Why, in words.</param>
/// <remarks>
/// The order intent is optional (a model's answer may carry it, issue 18): without an order type and
/// prices the signal becomes a limit order at the last close (<see cref="Order"/>).
/// </remarks>
public sealed record ProposedSignal(string Symbol, Side Side, decimal Confidence, string Reason)
{
    /// <summary><c>order_type</c>; null = the prices decide (none = a limit at the last close).</summary>
    public OrderType? OrderType { get; init; }

    /// <summary><c>limit_price</c> (limit and stop_limit orders); null = none.</summary>
    public decimal? LimitPrice { get; init; }

    /// <summary><c>stop_price</c> (stop and stop_limit orders); null = none.</summary>
    public decimal? StopPrice { get; init; }

    /// <summary><c>time_in_force</c>; day unless given.</summary>
    public TimeInForce Tif { get; init; } = TimeInForce.Day;

    /// <summary><c>quantity</c>: the most shares sizing may give; 0 = sizing decides.</summary>
    public long Quantity { get; init; }

    /// <summary>
    /// Protective exits as the model wrote them (issue 19; prices, percents as percent; 0 = none):
    /// <c>take_profit</c>, <c>take_profit_pct</c>, <c>stop_loss</c>, <c>stop_loss_pct</c>, <c>trail_price</c>, <c>trail_percent</c>.
    /// </summary>
    public ProposedExits Exits { get; init; } = ProposedExits.None;

    /// <summary>
    /// <c>action</c> (issue 19): a new order (default), or an amend or cancel of the proposer's own open order
    /// <see cref="OrderId"/> — then <see cref="Side"/> is None, and an amend's new figures are
    /// <see cref="LimitPrice"/>, <see cref="StopPrice"/> and <see cref="Quantity"/> (the new total).
    /// </summary>
    public SignalAction Action { get; init; }

    /// <summary><c>order_id</c>: the engine's id of the order an amend or cancel names; 0 for a new order.</summary>
    public long OrderId { get; init; }

    /// <summary>
    /// The order this signal asks for: the type and prices given (an order type alone decides; without
    /// one the prices decide, as <see cref="SignalIntentRules.Resolve"/> says), or — with neither — a
    /// limit order at <paramref name="lastClose"/> (a market order while no close is known, 0).
    /// Prices are 0 where the type takes none.
    /// </summary>
    public (OrderType Type, decimal LimitPrice, decimal StopPrice) Order(decimal lastClose)
    {
        if (OrderType is null && LimitPrice is null && StopPrice is null)
        {
            return lastClose > 0 ? (Core.OrderType.Limit, lastClose, 0m) : (Core.OrderType.Market, 0m, 0m);
        }

        decimal limit = LimitPrice ?? 0m;
        decimal stop = StopPrice ?? 0m;
        Core.OrderType type = OrderType ?? SignalIntentRules.Resolve(Core.OrderType.Market, limit > 0 ? 1 : 0, stop > 0 ? 1 : 0);
        return (type, limit, stop);
    }
}

/// <summary>A proposed signal's protective exits, as written (0 = none; percents as percent).</summary>
public sealed record ProposedExits(decimal TakeProfit, decimal TakeProfitPct, decimal StopLoss, decimal StopLossPct, decimal TrailPrice, decimal TrailPercent)
{
    /// <summary>No exits.</summary>
    public static ProposedExits None { get; } = new(0m, 0m, 0m, 0m, 0m, 0m);

    /// <summary>The exits in the engine's units (checked by the parser, so always in range here).</summary>
    public ProtectiveExits ToExits()
    {
        SignalIntentRules.TryExits(TakeProfit, TakeProfitPct, StopLoss, StopLossPct, TrailPrice, TrailPercent, out ProtectiveExits exits);
        return exits;
    }
}
