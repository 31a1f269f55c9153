namespace Orchestrator.AgentClient.Messages;

/// <summary>A line the daemon sends this agent (every such line has a <c>type</c>).</summary>
public abstract record AgentMessage
{
    /// <summary>The line's <c>type</c> (<c>tick</c>, <c>bar</c>, <c>order</c>, ...).</summary>
    public string Type { get; init; } = "";
}
