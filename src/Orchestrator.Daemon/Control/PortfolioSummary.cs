namespace Orchestrator.Daemon.Control;

/// <summary>The account in money (decimal from fixed point).</summary>
public sealed record PortfolioSummary(decimal Cash, decimal Equity, decimal StartingCash, decimal DayPnl, decimal TotalPnl, decimal RealizedPnl, decimal UnrealizedPnl, decimal Commission);
