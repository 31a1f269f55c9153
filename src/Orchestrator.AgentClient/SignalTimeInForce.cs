namespace Orchestrator.AgentClient;

/// <summary>How long a signal's order may work (wire names <c>day</c>, <c>gtc</c>, <c>ioc</c>, <c>fok</c>, <c>opg</c>, <c>cls</c>).</summary>
public enum SignalTimeInForce
{
    Day,
    Gtc,
    Ioc,
    Fok,

    /// <summary>The opening auction only, where the venue has one.</summary>
    Opg,

    /// <summary>The closing auction only, where the venue has one.</summary>
    Cls,
}
