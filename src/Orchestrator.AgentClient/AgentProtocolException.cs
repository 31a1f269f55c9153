namespace Orchestrator.AgentClient;

/// <summary>The daemon refused this agent's token or hello: reconnecting cannot help.</summary>
public sealed class AgentProtocolException : Exception
{
    public AgentProtocolException()
    {
    }

    public AgentProtocolException(string message)
        : base(message)
    {
    }

    public AgentProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
