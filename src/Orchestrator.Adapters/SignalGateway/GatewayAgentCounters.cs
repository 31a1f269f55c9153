namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// One external agent's counters over the daemon's run (all its connections). Market data and
/// reliable lines are counted by its connection writers, signals by its readers, disconnects by
/// the gateway; each with an interlocked add (once per write batch for the frequent ones).
/// </summary>
public sealed class GatewayAgentCounters
{
    private long _marketDataSent;
    private long _marketDataDropped;
    private long _signals;
    private long _orderUpdates;
    private long _fills;
    private long _queueFullDisconnects;
    private long _requests;
    private long _connections;

    /// <summary>Tick and bar lines written to the agent.</summary>
    public long MarketDataSent => Volatile.Read(ref _marketDataSent);

    /// <summary>Market-data events dropped for it (it read too slowly; the oldest went first).</summary>
    public long MarketDataDropped => Volatile.Read(ref _marketDataDropped);

    /// <summary>Its signals accepted into the engine.</summary>
    public long Signals => Volatile.Read(ref _signals);

    /// <summary>Order, fill and position lines written to it (replays included).</summary>
    public long OrderUpdates => Volatile.Read(ref _orderUpdates);

    /// <summary>Fills of its orders (fill_seq of the last one).</summary>
    public long Fills => Volatile.Read(ref _fills);

    /// <summary>Times it was disconnected because its reliable queue was full (it did not read).</summary>
    public long QueueFullDisconnects => Volatile.Read(ref _queueFullDisconnects);

    /// <summary>Requests routed to it.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Hellos accepted under its name.</summary>
    public long Connections => Volatile.Read(ref _connections);

    internal void AddMarketDataSent(long count) => Interlocked.Add(ref _marketDataSent, count);

    internal void AddMarketDataDropped(long count) => Interlocked.Add(ref _marketDataDropped, count);

    internal void AddSignals(long count) => Interlocked.Add(ref _signals, count);

    internal void AddOrderUpdates(long count) => Interlocked.Add(ref _orderUpdates, count);

    /// <summary>The feed thread only (single writer).</summary>
    internal void SetFills(long fillSeq) => Volatile.Write(ref _fills, fillSeq);

    internal void CountQueueFullDisconnect() => Interlocked.Increment(ref _queueFullDisconnects);

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountConnection() => Interlocked.Increment(ref _connections);
}
