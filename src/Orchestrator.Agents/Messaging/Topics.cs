namespace Orchestrator.Agents.Messaging;

/// <summary>The well-known topics of the <see cref="MessageBroker"/>; any other non-empty string is a topic too.</summary>
public static class Topics
{
    /// <summary>Trade signals agents produce (before risk).</summary>
    public const string Signals = "signals";

    /// <summary>Executions reported by the venue.</summary>
    public const string Fills = "fills";

    /// <summary>Order lifecycle: submitted, accepted, canceled, rejected.</summary>
    public const string Orders = "orders";

    /// <summary>Conditions an operator should see.</summary>
    public const string Alerts = "alerts";

    /// <summary>Periodic status of agents and the orchestrator.</summary>
    public const string Status = "status";

    /// <summary><see cref="Health.HealthSnapshot"/>s from the health monitor.</summary>
    public const string Health = "health";

    /// <summary>Subscribe-only wildcard: every topic. Publishing to it is refused.</summary>
    public const string All = "*";
}
