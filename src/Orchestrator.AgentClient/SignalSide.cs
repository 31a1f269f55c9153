namespace Orchestrator.AgentClient;

/// <summary>Which way a signal leans.</summary>
public enum SignalSide
{
    Buy,
    Sell,
}
