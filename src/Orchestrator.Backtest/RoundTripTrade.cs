namespace Orchestrator.Backtest;

/// <summary>
/// One trade of the report: a round trip in one symbol, opened when the position leaves 0 and
/// closed when it returns to 0. A fill that flips the sign closes the trade at the flip and opens
/// the next with the rest (its commission split pro rata by quantity).
/// </summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Direction">Long or short.</param>
/// <param name="EntryTsNs">Time of the fill that opened the trade, ns since the Unix epoch.</param>
/// <param name="ExitTsNs">Time of the fill that closed it; null while open.</param>
/// <param name="Quantity">Largest absolute position held during the trade, shares.</param>
/// <param name="OpenQuantity">Shares still held at the end (absolute); 0 once closed.</param>
/// <param name="AverageEntryPrice">Quantity-weighted price of the fills that opened or added to the position.</param>
/// <param name="AverageExitPrice">Quantity-weighted price of the fills that reduced it; null when none did.</param>
/// <param name="RealizedPnl">
/// Realized P&amp;L by the average-cost method, net of every commission charged to the trade. For an
/// open trade: what partial exits realized so far, less the fees so far.
/// </param>
/// <param name="Fees">Commissions charged to the trade.</param>
/// <param name="FillCount">Fills (or parts of a flipping fill) that made the trade.</param>
/// <param name="IsOpen">True when the position was still open at the end of the data.</param>
public sealed record RoundTripTrade(
    string Symbol,
    TradeDirection Direction,
    long EntryTsNs,
    long? ExitTsNs,
    decimal Quantity,
    decimal OpenQuantity,
    decimal AverageEntryPrice,
    decimal? AverageExitPrice,
    decimal RealizedPnl,
    decimal Fees,
    int FillCount,
    bool IsOpen);
