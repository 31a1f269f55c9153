namespace Orchestrator.Adapters.SignalGateway;

/// <summary>What the engine decided about an accepted signal.</summary>
internal enum SignalOutcome : byte
{
    Pending = 0,
    Ordered,
    RiskRejected,
    NoOrder,
}
