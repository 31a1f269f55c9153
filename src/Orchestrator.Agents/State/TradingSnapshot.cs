namespace Orchestrator.Agents.State;

/// <summary>One position in a <see cref="TradingSnapshot"/>.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Quantity">Shares held (negative when short).</param>
/// <param name="AverageCost">Average cost per share.</param>
/// <param name="LastPrice">Last trade price seen (0 when none yet).</param>
/// <param name="UnrealizedPnl">Unrealized profit or loss at the last price.</param>
/// <param name="RealizedPnl">Profit or loss realized today.</param>
public sealed record PositionView(string Symbol, decimal Quantity, decimal AverageCost, decimal LastPrice, decimal UnrealizedPnl, decimal RealizedPnl);

/// <summary>One working order in a <see cref="TradingSnapshot"/>.</summary>
/// <param name="ClientOrderId">The engine's order id.</param>
/// <param name="Symbol">The symbol.</param>
/// <param name="Side">BUY or SELL.</param>
/// <param name="Quantity">Shares ordered.</param>
/// <param name="Filled">Shares filled so far.</param>
/// <param name="LimitPrice">Limit price (0 for market).</param>
/// <param name="Status">The order's state.</param>
public sealed record OrderView(long ClientOrderId, string Symbol, string Side, decimal Quantity, decimal Filled, decimal LimitPrice, string Status);

/// <summary>
/// A consistent, versioned picture of the account that agents read: every figure in it was
/// true at the same moment of the engine (the trading thread wrote it between two events), and a
/// higher <see cref="Version"/> is a later picture. Agents never read engine state directly.
/// </summary>
/// <param name="Version">Increases with every picture the engine publishes.</param>
/// <param name="EventTimeNs">Event time of the last input the picture includes (ns since the Unix epoch).</param>
/// <param name="Cash">Cash.</param>
/// <param name="Equity">Cash plus positions at their last prices.</param>
/// <param name="Positions">Positions, one per symbol with shares or P&amp;L.</param>
/// <param name="OpenOrders">Orders still working.</param>
/// <param name="KillSwitchEngaged">Whether new risk is blocked.</param>
public sealed record TradingSnapshot(
    long Version,
    long EventTimeNs,
    decimal Cash,
    decimal Equity,
    IReadOnlyList<PositionView> Positions,
    IReadOnlyList<OrderView> OpenOrders,
    bool KillSwitchEngaged);

/// <summary>Where agents read the engine's published pictures of the account.</summary>
public interface ITradingView
{
    /// <summary>The latest picture (cheap; never blocks the engine).</summary>
    TradingSnapshot Current { get; }

    /// <summary>The symbols the engine trades.</summary>
    IReadOnlyList<string> Symbols { get; }
}
