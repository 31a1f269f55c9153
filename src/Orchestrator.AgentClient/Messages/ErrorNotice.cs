namespace Orchestrator.AgentClient.Messages;

/// <summary>An error line from the daemon (<c>type</c> <c>error</c>); most are followed by the connection closing.</summary>
public sealed record ErrorNotice : AgentMessage
{
    public string Error { get; init; } = "";
}
