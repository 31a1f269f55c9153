namespace Orchestrator.Daemon.Control;

/// <summary>One open order.</summary>
public sealed record OpenOrderView(long ClientOrderId, string Symbol, string Side, string Type, string Status, decimal Quantity, decimal Filled, decimal LimitPrice);
