namespace Orchestrator.AgentClient;

/// <summary>
/// A trade signal with its order intent. The daemon validates every field (field-named errors come
/// back in <see cref="SignalTicket.Ack"/>) and its risk manager and sizing still decide the order.
/// </summary>
public sealed record AgentSignal
{
    public required string Symbol { get; init; }

    public required SignalSide Side { get; init; }

    /// <summary>In [0, 1].</summary>
    public required double Confidence { get; init; }

    /// <summary>The most shares sizing may give (null = sizing decides).</summary>
    public long? Quantity { get; init; }

    /// <summary>Null = market, or limit when <see cref="LimitPrice"/> is given.</summary>
    public SignalOrderType? OrderType { get; init; }

    public decimal? LimitPrice { get; init; }

    public decimal? StopPrice { get; init; }

    /// <summary>Null = the daemon's default (day).</summary>
    public SignalTimeInForce? Tif { get; init; }

    /// <summary>Why (at most 500 characters; it goes into the audit log).</summary>
    public string? Reason { get; init; }

    /// <summary>A unique id of at most 64 bytes; null = the client makes one.</summary>
    public string? Id { get; init; }
}
