namespace Orchestrator.AgentClient.Messages;

/// <summary>A trade tick: <c>{"type":"tick","symbol":"AAPL","ts":…,"price":175.5,"size":100,"bid":175.49,"ask":175.51}</c>.</summary>
public sealed record Tick : AgentMessage
{
    public string Symbol { get; init; } = "";

    /// <summary>Event time, nanoseconds since the Unix epoch.</summary>
    public long Ts { get; init; }

    public decimal Price { get; init; }

    public long Size { get; init; }

    /// <summary>Best bid, when known.</summary>
    public decimal? Bid { get; init; }

    /// <summary>Best ask, when known.</summary>
    public decimal? Ask { get; init; }
}
