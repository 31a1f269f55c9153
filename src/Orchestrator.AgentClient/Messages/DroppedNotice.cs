namespace Orchestrator.AgentClient.Messages;

/// <summary>The daemon dropped market data for this agent because it read too slowly (<c>type</c> <c>dropped</c>).</summary>
public sealed record DroppedNotice : AgentMessage
{
    /// <summary>Ticks and bars dropped since the last notice.</summary>
    public long MarketData { get; init; }
}
