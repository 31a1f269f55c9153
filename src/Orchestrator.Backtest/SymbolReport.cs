namespace Orchestrator.Backtest;

/// <summary>The report's figures for one symbol.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="ClosedTrades">Round trips closed in this symbol.</param>
/// <param name="OpenTrades">Round trips still open at the end (0 or 1).</param>
/// <param name="WinningTrades">Closed round trips with a positive net P&amp;L.</param>
/// <param name="WinRate">Winning / closed round trips; null when none closed.</param>
/// <param name="RealizedPnl">Realized P&amp;L of every fill in the symbol (closed and open trades), net of fees.</param>
/// <param name="Fees">Commissions paid in the symbol.</param>
/// <param name="FinalPosition">Signed position after the last fill, shares (replayed from the fills).</param>
public sealed record SymbolReport(
    string Symbol,
    int ClosedTrades,
    int OpenTrades,
    int WinningTrades,
    double? WinRate,
    decimal RealizedPnl,
    decimal Fees,
    decimal FinalPosition);
