namespace Orchestrator.AgentClient;

/// <summary>How long a signal's order may work (wire names <c>day</c>, <c>gtc</c>, <c>ioc</c>, <c>fok</c>).</summary>
public enum SignalTimeInForce
{
    Day,
    Gtc,
    Ioc,
    Fok,
}
