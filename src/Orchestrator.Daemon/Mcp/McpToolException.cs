namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// A tool call the daemon refuses or cannot answer (bad arguments, an agent's refusal, a signal
/// the engine would not take). The server turns it into a tool result with <c>isError: true</c>
/// and this message, never a broken session.
/// </summary>
public sealed class McpToolException : Exception
{
    public McpToolException(string message)
        : base(message)
    {
    }

    public McpToolException()
    {
    }

    public McpToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
