namespace Orchestrator.AgentClient.Messages;

/// <summary>One of this agent's orders changed (<c>type</c> <c>order</c>).</summary>
public sealed record OrderUpdate : AgentMessage
{
    public string OrderId { get; init; } = "";

    /// <summary>The id of the signal that made the order (null when the daemon does not know it).</summary>
    public string? SignalId { get; init; }

    public string Symbol { get; init; } = "";

    /// <summary><c>BUY</c> or <c>SELL</c>.</summary>
    public string Side { get; init; } = "";

    /// <summary><c>market</c>, <c>limit</c>, <c>stop</c> or <c>stop_limit</c>.</summary>
    public string? OrderType { get; init; }

    /// <summary><c>day</c>, <c>gtc</c>, <c>ioc</c> or <c>fok</c>.</summary>
    public string? Tif { get; init; }

    public long Quantity { get; init; }

    public long Filled { get; init; }

    public decimal? LimitPrice { get; init; }

    public decimal? StopPrice { get; init; }

    /// <summary>pending_new, accepted, partially_filled, filled, canceled, rejected or expired.</summary>
    public string Status { get; init; } = "";

    /// <summary>Why, when rejected.</summary>
    public string? Reason { get; init; }

    public long Ts { get; init; }

    /// <summary>True on a line replayed after a reconnect.</summary>
    public bool Replay { get; init; }
}
