namespace Orchestrator.Agents.Health;

/// <summary>How a component, or the whole process, is doing.</summary>
public enum HealthState
{
    /// <summary>Working as it should.</summary>
    Healthy,

    /// <summary>Working, but impaired or recovering (e.g. an agent just restarted, memory over its threshold).</summary>
    Degraded,

    /// <summary>Not working; needs recovery or an operator.</summary>
    Unhealthy,

    /// <summary>Not checked yet.</summary>
    Unknown,
}
