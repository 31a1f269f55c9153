namespace Orchestrator.AgentClient.Messages;

/// <summary>The daemon's answer to hello: what this session gets.</summary>
public sealed record Welcome : AgentMessage
{
    public string Name { get; init; } = "";

    /// <summary>Send a heartbeat at least this often.</summary>
    public int HeartbeatIntervalMs { get; init; } = 5000;

    public IReadOnlyList<string> Symbols { get; init; } = [];

    public IReadOnlyList<string> Bars { get; init; } = [];

    public bool Ticks { get; init; }
}
