namespace Orchestrator.ExchangeSimulator;

/// <summary>One order as the simulator booked it.</summary>
/// <param name="OrderNumber">ODNO, ten digits.</param>
/// <param name="Symbol">PDNO.</param>
/// <param name="Buy">True for a buy.</param>
/// <param name="Quantity">Shares ordered.</param>
/// <param name="Filled">Shares filled so far.</param>
/// <param name="FilledAmount">Sum of shares × price over its fills.</param>
/// <param name="Canceled">Whether its remainder was canceled.</param>
public sealed record BookedOrder(string OrderNumber, string Symbol, bool Buy, long Quantity, long Filled, decimal FilledAmount, bool Canceled);
