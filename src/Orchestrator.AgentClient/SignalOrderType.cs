namespace Orchestrator.AgentClient;

/// <summary>The order type a signal asks for (wire names <c>market</c>, <c>limit</c>, <c>stop</c>, <c>stop_limit</c>).</summary>
public enum SignalOrderType
{
    Market,
    Limit,
    Stop,
    StopLimit,
}
