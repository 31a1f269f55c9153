namespace Orchestrator.AgentClient.Messages;

/// <summary>This agent's own position in a symbol, after each of its fills (<c>type</c> <c>position</c>).</summary>
public sealed record Position : AgentMessage
{
    public string Symbol { get; init; } = "";

    /// <summary>Signed: negative when short.</summary>
    public long Quantity { get; init; }

    public decimal AvgPrice { get; init; }

    public decimal RealizedPnl { get; init; }

    public decimal UnrealizedPnl { get; init; }

    public bool Replay { get; init; }
}
