namespace Orchestrator.AgentClient.Messages;

/// <summary>One of this agent's orders filled, wholly or partly (<c>type</c> <c>fill</c>).</summary>
public sealed record Fill : AgentMessage
{
    /// <summary>Counts this agent's fills from 1 in a daemon run; the client sends the last one it saw when it reconnects.</summary>
    public long FillSeq { get; init; }

    public string OrderId { get; init; } = "";

    public string? SignalId { get; init; }

    public string Symbol { get; init; } = "";

    public string Side { get; init; } = "";

    public long Quantity { get; init; }

    public decimal Price { get; init; }

    public decimal Commission { get; init; }

    /// <summary>Quantity still open on the order.</summary>
    public long Leaves { get; init; }

    public long Ts { get; init; }

    /// <summary>True on a fill replayed after a reconnect (one this agent missed).</summary>
    public bool Replay { get; init; }
}
