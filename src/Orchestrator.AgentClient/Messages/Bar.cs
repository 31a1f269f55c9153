namespace Orchestrator.AgentClient.Messages;

/// <summary>A closed bar: <c>{"type":"bar","symbol":"AAPL","timeframe":"1m","start":…,"open":…,"high":…,"low":…,"close":…,"volume":…}</c>.</summary>
public sealed record Bar : AgentMessage
{
    public string Symbol { get; init; } = "";

    /// <summary>The timeframe asked for in hello, e.g. <c>1m</c>.</summary>
    public string Timeframe { get; init; } = "";

    /// <summary>The bar's start, nanoseconds since the Unix epoch.</summary>
    public long Start { get; init; }

    public decimal Open { get; init; }

    public decimal High { get; init; }

    public decimal Low { get; init; }

    public decimal Close { get; init; }

    public long Volume { get; init; }
}
