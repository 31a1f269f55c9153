namespace Orchestrator.Agents.Supervision;

/// <summary>
/// The environment variables every supervised agent is started with (protocol C3), so that an agent
/// runs unchanged whether the daemon starts it or a person does.
/// </summary>
public static class SupervisedAgentVariables
{
    /// <summary>Where the gateway listens: <c>127.0.0.1:PORT</c>.</summary>
    public const string Gateway = "ORCHESTRATOR_GATEWAY";

    /// <summary>The agent's name (the one it says hello with).</summary>
    public const string Name = "ORCHESTRATOR_AGENT_NAME";

    /// <summary>Its token for this start: fresh at every start, registered with the gateway, never logged.</summary>
    public const string Token = "ORCHESTRATOR_AGENT_TOKEN";
}
