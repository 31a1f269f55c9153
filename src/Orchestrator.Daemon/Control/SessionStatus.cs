namespace Orchestrator.Daemon.Control;

/// <summary>The session's state and counters.</summary>
public sealed record SessionStatus(string State, bool KillSwitch, long RiskParametersVersion, long Events, long Orders, long Fills, long Rejects, int OpenOrders, decimal Cash, decimal Equity);
